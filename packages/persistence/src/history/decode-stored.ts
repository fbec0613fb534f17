// A stored update's structs and delete set, read without applying it: what authorship, diffs and
// compaction's authorship tables are built from.

import * as Y from 'yjs';
import { PersistenceError } from '../errors.js';
import type { StoredUpdate } from '../types.js';

/** The structs and delete set of stored update `u` of `doc`; PersistenceError('corrupt-data') if it does not decode. */
export function decodeStored(doc: string, u: StoredUpdate): ReturnType<typeof Y.decodeUpdate> {
  try {
    return Y.decodeUpdate(u.update);
  } catch (cause) {
    throw new PersistenceError('corrupt-data', `Update ${u.seq} of ${JSON.stringify(doc)} cannot be decoded`, doc, { cause });
  }
}
