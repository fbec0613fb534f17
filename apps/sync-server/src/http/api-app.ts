// The sub-app every API route group is built on: an OpenAPIHono whose failed validations become our
// own TandemError (400 `bad-request`, or `invalid-doc-name`), so they leave through app.onError like
// every other error, in the one error format.

import { type Hook, OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import type { z } from 'zod';
import { TandemError } from '../errors.js';
import { DOC_NAME_ISSUE } from './api-schemas.js';

const TARGETS: Readonly<Record<string, string>> = { json: 'body', query: 'query', param: 'path', header: 'headers', cookie: 'cookies', form: 'form' };

/** One line naming each field that failed and why (`limit: must be a whole number from 1 to …, not "0"`). */
export function validationMessage(target: string, error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || TARGETS[target] || target}: ${issue.message}`).join('; ');
}

export const throwValidationError: Hook<unknown, Env, string, undefined> = (result, c) => {
  if (result.success) return undefined;
  const docIssue = result.error.issues.find((issue) => issue.code === 'custom' && issue.params?.tandem === DOC_NAME_ISSUE);
  if (docIssue !== undefined) throw new TandemError('invalid-doc-name', docIssue.message, { doc: (c.req.param('doc') ?? '').slice(0, 80) });
  throw new TandemError('bad-request', validationMessage(result.target, result.error));
};

/** A route group's app: declare its routes with `app.openapi(apiRoute({...}), handler)`. */
export const apiApp = (): OpenAPIHono => new OpenAPIHono({ defaultHook: throwValidationError });
