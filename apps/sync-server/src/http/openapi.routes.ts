// GET /api/openapi.json: the OpenAPI 3.1 document of the HTTP API, generated from the schemas the
// routes validate with (see api-schemas.ts). Open to all: it describes the API and holds no data.

import { readFileSync } from 'node:fs';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { apiApp } from './api-app.js';
import { apiRoute, BEARER, z } from './api-schemas.js';

const DESCRIPTION = `The HTTP API of a Tandem sync server. Document names are URL-encoded in paths (team%2Fnotes).
With authentication on (AUTH_SECRET), every /api route needs a bearer token (a JWT; \`tandem token\` mints one),
scoped to documents and a role (editor or viewer); the admin routes need an admin token.
Errors are JSON, {"error":{"code","message"}}, with the status of their code.
Live editing is not HTTP: a WebSocket at /ws/<doc> speaks the y-websocket protocol (sync and awareness).`;

const serverVersion = () => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const route = apiRoute({
  method: 'get',
  path: '/api/openapi.json',
  tags: ['meta'],
  summary: 'This document',
  open: true,
  responses: { 200: { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: z.looseObject({}) } } } },
});

/**
 * The route serving `source`'s document (mount it into `source`, after every other group, so the
 * document lists it too). `basePath` is the server's BASE_PATH: the document's paths are relative to it.
 */
export function openApiRoutes(source: OpenAPIHono, basePath: string): OpenAPIHono {
  const app = apiApp();
  let document: unknown;
  const generate = () => {
    source.openAPIRegistry.registerComponent('securitySchemes', BEARER, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'A token signed with the server\'s AUTH_SECRET (tandem token). Not needed while authentication is off.',
    });
    return source.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'Tandem', version: serverVersion(), description: DESCRIPTION },
      servers: [{ url: basePath === '' ? '/' : basePath }],
      security: [{ [BEARER]: [] }],
    });
  };
  app.openapi(route, (c) => c.json((document ??= generate()) as object));
  return app;
}
