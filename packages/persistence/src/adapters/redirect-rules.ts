// What both stores share about redirects: the row shape and its conversion, and the check of an import.

import { assertDocName } from '../doc-name.js';
import { PersistenceError } from '../errors.js';
import type { Redirect } from '../types.js';

export interface RedirectRow {
  from_name: string;
  to_name: string;
  renamed_at: number | string;
}

export const toRedirect = (r: RedirectRow): Redirect => ({ from: r.from_name, to: r.to_name, renamedAt: Number(r.renamed_at) });

/** Refuses a rename or an import the store cannot keep (before anything of it is written). */
export function checkRename(from: string, to: string, at: number): void {
  assertDocName(from);
  assertDocName(to);
  if (!Number.isSafeInteger(at)) throw new PersistenceError('invalid-argument', `Rename time ${at} is not a time`, from);
}

export function checkRedirects(redirects: readonly Redirect[]): void {
  for (const r of redirects) checkRename(r.from, r.to, r.renamedAt);
}
