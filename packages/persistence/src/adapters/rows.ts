// The rows both adapters store (the same tables and columns in SQLite and PostgreSQL), and how they
// become the store interface's objects.

import type { DocumentInfo, MergedAuthorship, NamedVersion, StoredCompactedSession, StoredMergedAuthorship } from '../types.js';

export interface DocumentRow {
  id: number;
  name: string;
  created_at: number;
  last_seq: number;
  update_count: number;
  size_bytes: number;
  last_change_at: number;
}

export interface VersionRow {
  id: number;
  label: string;
  seq: number;
  author: string;
  created_at: number;
}

export interface SessionRow {
  entry_seq: number;
  from_seq: number;
  to_seq: number;
  author: string;
  started_at: number;
  ended_at: number;
  updates: number;
  added: number;
  removed: number;
}

export const toInfo = (r: DocumentRow): DocumentInfo => ({
  name: r.name,
  updateCount: r.update_count,
  lastSeq: r.last_seq,
  sizeBytes: r.size_bytes,
  createdAt: r.created_at,
  lastChangeAt: r.last_change_at,
});

export const toVersion = (r: VersionRow): NamedVersion => ({ id: r.id, label: r.label, seq: r.seq, author: r.author, createdAt: r.created_at });

export const toSession = (r: SessionRow): StoredCompactedSession => ({
  entrySeq: r.entry_seq,
  fromSeq: r.from_seq,
  toSeq: r.to_seq,
  author: r.author,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  updates: r.updates,
  added: r.added,
  removed: r.removed,
});

export interface AuthorshipRow {
  entry_seq: number | string;
  data: string;
}

/** How MergedAuthorship is stored (JSON text, the same in every engine: a copy compares it as it is). */
export const authorshipData = (a: MergedAuthorship): string => JSON.stringify({ authors: a.authors, inserted: a.inserted, deleted: a.deleted });

export const toMergedAuthorship = (r: AuthorshipRow): StoredMergedAuthorship => {
  const { authors, inserted, deleted } = JSON.parse(r.data) as MergedAuthorship;
  return { entrySeq: Number(r.entry_seq), authors, inserted, deleted };
};

/** Views of the same bytes, no copy. */
export const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
export const toBytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
