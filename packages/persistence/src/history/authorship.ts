// Who inserted and who deleted each Yjs id of a document, read from its log without replaying it, and
// a small cache of it per document so that diffs from the empty document (the history view's default
// base, asked for on every step of a scrub) read each update once, not once per request.

import * as Y from 'yjs';
import { PersistenceError } from '../errors.js';
import type { DocumentStore, StoredUpdate } from '../types.js';
import { RangeAuthors } from './range-authors.js';

export interface Authorship {
  readonly inserted: RangeAuthors;
  readonly deleted: RangeAuthors;
}

/** Adds who inserted and who deleted what in `updates` (in seq order) to `into`. */
export function addAuthorship(doc: string, updates: readonly StoredUpdate[], into: Authorship): void {
  for (const u of updates) {
    let decoded;
    try {
      decoded = Y.decodeUpdate(u.update);
    } catch (cause) {
      throw new PersistenceError('corrupt-data', `Update ${u.seq} of ${JSON.stringify(doc)} cannot be decoded`, doc, { cause });
    }
    for (const struct of decoded.structs) {
      if (!(struct instanceof Y.Skip)) into.inserted.add(struct.id.client, struct.id.clock, struct.id.clock + struct.length, u.author);
    }
    for (const [client, ranges] of decoded.ds.clients) for (const r of ranges) into.deleted.add(client, r.clock, r.clock + r.len, u.author);
  }
}

/** Adds the authorship of updates (after, to] to `into`; resolves with the last seq read. */
export async function readAuthorship(store: DocumentStore, doc: string, after: number, to: number, into: Authorship, chunk = 5_000): Promise<number> {
  let last = after;
  while (last < to) {
    const batch = await store.readUpdates(doc, { afterSeq: last, toSeq: to, limit: chunk });
    addAuthorship(doc, batch, into);
    if (batch.length < chunk) return to;
    last = batch.at(-1)!.seq;
  }
  return to;
}

interface Entry extends Authorship {
  /** Updates up to this seq have been read. */
  readSeq: number;
  /** The document's update count and last seq when the entry was last checked. */
  updateCount: number;
  lastSeq: number;
}

/**
 * The authorship of whole logs (from seq 1), for a few documents, extended as they grow. Answers for
 * any range (from, to] are the same as from reading just that range: an id visible at `from` was not
 * deleted before it, and an id missing at `from` was not inserted before it.
 */
export class AuthorshipCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxDocs = 4) {}

  /** The authorship covering (from, to], or undefined when reading only that range is cheaper. */
  async covering(store: DocumentStore, doc: string, from: number, to: number): Promise<Authorship | undefined> {
    const info = await store.getDocument(doc);
    if (info === undefined) return undefined;
    let entry = this.entries.get(doc);
    // Appends add one update per seq; anything else (compaction) changed the past: start over.
    if (entry !== undefined && info.updateCount - entry.updateCount !== info.lastSeq - entry.lastSeq) {
      this.entries.delete(doc);
      entry = undefined;
    }
    if (entry === undefined) {
      // Only a diff from the empty document reads the whole log anyway; others read just their range.
      if (from > 0) return undefined;
      entry = { inserted: new RangeAuthors(), deleted: new RangeAuthors(), readSeq: 0, updateCount: info.updateCount, lastSeq: info.lastSeq };
    } else if (entry.readSeq < from) {
      return undefined;
    }
    this.entries.delete(doc);
    if (entry.readSeq < to) entry.readSeq = await readAuthorship(store, doc, entry.readSeq, to, entry);
    entry.updateCount = info.updateCount;
    entry.lastSeq = info.lastSeq;
    this.entries.set(doc, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxDocs) break;
      this.entries.delete(oldest);
    }
    return entry;
  }
}
