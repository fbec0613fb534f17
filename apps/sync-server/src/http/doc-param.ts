// Reads and validates the document name carried in a URL path segment.

import { docNameProblem } from '@tandem/schema/doc-name';
import type { Context } from 'hono';
import { TandemError } from '../errors.js';

/**
 * The `:doc` route parameter (Hono has already percent-decoded it, so `team%2Fnotes` is
 * `team/notes`), validated; throws TandemError('invalid-doc-name').
 */
export function docParam(c: Context): string {
  const name = c.req.param('doc') ?? '';
  const problem = docNameProblem(name);
  if (problem !== undefined) throw new TandemError('invalid-doc-name', `Document name ${problem}`, { doc: name.slice(0, 80) });
  return name;
}
