import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/in-process.js';

interface Operation {
  readonly parameters?: Array<{ name: string; in: string; required?: boolean }>;
  readonly responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  readonly openapi: string;
  readonly info: { title: string; version: string; description?: string };
  readonly servers: Array<{ url: string }>;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
  readonly security?: Array<Record<string, string[]>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** `GET /api/docs/{doc}` for each operation of the document. */
const documented = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path}`));

/** The same for every route the Hono app answers, less the editor's pages and the WebSocket. */
const routed = (routes: ReadonlyArray<{ method: string; path: string }>, basePath = '') =>
  [
    ...new Set(
      routes
        .filter((r) => r.path.startsWith(`${basePath}/`) && r.method !== 'ALL' && !r.path.endsWith('*') && !r.path.startsWith(`${basePath}/ws/`))
        .map((r) => `${r.method} ${r.path.slice(basePath.length).replace(/:(\w+)/g, '{$1}')}`),
    ),
  ].sort();

/** The operations in the README's API table: `GET/POST /api/docs/<doc>/named-versions` is two. */
async function readmeOperations(): Promise<string[]> {
  const readme = await readFile(new URL('../../../../README.md', import.meta.url), 'utf8');
  const section = readme.split('\n## HTTP and WebSocket API\n')[1]!.split('\n## ')[0]!;
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  const ops = rows.flatMap((row) => {
    const endpoint = row.split(' | ')[0]!;
    return [...endpoint.matchAll(/`([A-Z]+(?:\/[A-Z]+)*) (\/[^`]*)`/g)].flatMap(([, methods, target]) => {
      const path = target!.split('?')[0]!.trim().replace(/<(\w+)>/g, '{$1}');
      return methods!.split('/').map((method) => `${method} ${path}`);
    });
  });
  // The WebSocket and the editor's pages are not part of the HTTP API's document.
  return ops.filter((op) => !op.startsWith('GET /ws/') && op !== 'GET /' && !op.startsWith('GET /d/')).sort();
}

describe('the OpenAPI document', () => {
  let server: TestServer;
  let doc: Document;
  beforeAll(async () => {
    server = await startTestServer();
    const res = await fetch(`${server.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Document;
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('lists every route the app has, and no route it does not have', () => {
    const routes = routed(server.app.routes);
    expect(routes).toContain('GET /api/docs/{doc}/history');
    expect(routes).toContain('GET /healthz');
    expect(documented(doc).sort()).toEqual(routes);
  });

  it('lists exactly the operations of the README API table', async () => {
    const readme = await readmeOperations();
    expect(readme).toContain('GET /api/docs/{doc}/named-versions');
    expect(readme).toContain('POST /api/docs/{doc}/named-versions');
    expect(readme).toContain('DELETE /api/trash/{doc}');
    expect(readme).toEqual(documented(doc).sort());
  });

  it('is valid OpenAPI 3.1: every operation has responses, every path parameter is declared', async () => {
    const result = await new Validator().validate(doc as unknown as object);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Tandem');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(doc.info.version).toBe(pkg.version);
    expect(doc.info.description).toMatch(/\/ws\/<doc>/);
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, item] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(item)) {
        expect(Object.keys(op.responses ?? {}), `${method} ${path}`).not.toEqual([]);
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual(inPath);
        for (const p of declared) expect(p.required, `${p.name} of ${method} ${path}`).toBe(true);
        // Every error it may answer has the one error shape.
        for (const [status, response] of Object.entries(op.responses ?? {})) {
          // (/readyz's 503 is its answer, {"status":"unavailable"}, not an error.)
          if (Number(status) >= 400 && path !== '/readyz') expect(response.content?.['application/json']?.schema, `${status} of ${method} ${path}`).toEqual({ $ref: '#/components/schemas/Error' });
        }
      }
    }
  });

  it('describes the checks the routes run: ranges, defaults, enums and required fields', () => {
    const history = doc.paths['/api/docs/{doc}/history']!.get!;
    const limit = history.parameters!.find((p) => p.name === 'limit') as unknown as { schema: Record<string, unknown> };
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, default: 50 });
    const version = doc.paths['/api/docs/{doc}/versions/{seq}']!.get!;
    const format = version.parameters!.find((p) => p.name === 'format') as unknown as { schema: { enum: string[] } };
    expect(format.schema.enum).toEqual(expect.arrayContaining(['json', 'html', 'markdown', 'text', 'yjs']));
    const put = doc.paths['/api/docs/{doc}']!.put! as Operation & { requestBody?: { content: Record<string, unknown> } };
    expect(Object.keys(put.requestBody!.content).sort()).toEqual(['application/json', 'application/octet-stream', 'text/html', 'text/markdown']);
    expect(doc.paths['/api/openapi.json']!.get).toMatchObject({ security: [] });
  });

  it('answers a failed validation with 400 and the one error shape, naming the field', async () => {
    const res = await fetch(`${server.url}/api/docs/some-doc/history?limit=0`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'bad-request', message: expect.stringMatching(/^limit: must be a whole number from 1/) } });
    const missing = await fetch(`${server.url}/api/docs/some-doc/diff?to=1`);
    expect(await missing.json()).toEqual({ error: { code: 'bad-request', message: 'from: is missing' } });
    const format = await fetch(`${server.url}/api/docs/some-doc/content?format=docx`);
    expect(format.status).toBe(400);
    expect((await format.json()).error).toEqual({ code: 'bad-request', message: expect.stringMatching(/^format: /) });
    const name = await fetch(`${server.url}/api/docs/${encodeURIComponent('a//b')}/history`);
    expect(name.status).toBe(400);
    expect(await name.json()).toEqual({ error: { code: 'invalid-doc-name', message: 'Document name contains an empty path segment ("//")' } });
    const body = await fetch(`${server.url}/api/docs/some-doc/named-versions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"label":' });
    expect(body.status).toBe(400);
    expect((await body.json()).error.code).toBe('bad-request');
  });
});

describe('the OpenAPI document behind BASE_PATH, with authentication on', () => {
  let server: TestServer;
  afterAll(async () => {
    await server?.destroy();
  });

  it('names BASE_PATH as its server, with paths relative to it, and needs no token', async () => {
    server = await startTestServer({ BASE_PATH: '/docs', AUTH_SECRET: 'a-secret-of-at-least-thirty-two-bytes!' });
    expect((await fetch(`${server.url}/docs/api/docs`)).status).toBe(401);
    const res = await fetch(`${server.url}/docs/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Document;
    expect(doc.servers).toEqual([{ url: '/docs' }]);
    expect(documented(doc).sort()).toEqual(routed(server.app.routes, '/docs'));
  });
});
