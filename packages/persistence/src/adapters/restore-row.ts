// The restores table as both adapters keep it: its row, and the record it is.

import type { RestoreRecord } from '../types.js';

export interface RestoreRow {
  seq: number | string;
  restored_to: number | string;
  author: string;
  at: number | string;
  undone_by: number | string | null;
}

/** PostgreSQL hands bigint back as a string. */
export const toRestore = (r: RestoreRow): RestoreRecord => ({
  seq: Number(r.seq),
  restoredTo: Number(r.restored_to),
  author: r.author,
  at: Number(r.at),
  ...(r.undone_by === null ? {} : { undoneBy: Number(r.undone_by) }),
});
