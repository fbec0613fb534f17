// Checks a client's Yjs update before it may be stored: the log must only ever hold updates that
// decode, or every later load of the document would fail.

import * as Y from 'yjs';
import { TandemError } from '../errors.js';

/** Returns false for an update that carries nothing (no structs, no deletions); throws for one that does not decode. */
export function updateHasContent(update: Uint8Array): boolean {
  let decoded: { structs: unknown[]; ds: { clients: Map<number, unknown> } };
  try {
    decoded = Y.decodeUpdate(update);
  } catch (cause) {
    throw new TandemError('invalid-update', `Update does not decode: ${(cause as Error).message}`, {}, { cause });
  }
  return decoded.structs.length > 0 || decoded.ds.clients.size > 0;
}
