// Who inserted and who deleted each Yjs id of a document, read from its log without replaying it, and
// a small cache of it per document so that diffs from the empty document (the history view's default
// base, asked for on every step of a scrub) read each update once, not once per request.

import * as Y from 'yjs';
import type { DocumentStore, MergedAuthorship, StoredUpdate } from '../types.js';
import { decodeStored } from './decode-stored.js';
import { LogCache } from './log-cache.js';
import { forEachRun, mergedAuthorshipOf } from './merged-authorship.js';
import { RangeAuthors } from './range-authors.js';

export interface Authorship {
  readonly inserted: RangeAuthors;
  readonly deleted: RangeAuthors;
}


/**
 * Adds who inserted and who deleted what in `updates` (in seq order) to `into`; for an update merged
 * from several people's, what its table in `merged` says (see merged-authorship.ts).
 */
export function addAuthorship(doc: string, updates: readonly StoredUpdate[], into: Authorship, merged: ReadonlyMap<number, MergedAuthorship> = new Map()): void {
  for (const u of updates) {
    const table = merged.get(u.seq);
    if (table !== undefined) {
      forEachRun(
        table,
        (client, from, to, author) => into.inserted.add(client, from, to, author),
        (client, from, to, author) => into.deleted.add(client, from, to, author),
      );
      continue;
    }
    const decoded = decodeStored(doc, u);
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
    addAuthorship(doc, batch, into, await mergedAuthorshipOf(store, doc, batch));
    if (batch.length < chunk) return to;
    last = batch.at(-1)!.seq;
  }
  return to;
}

interface Entry extends Authorship {
  /** Updates up to this seq have been read. */
  readSeq: number;
}

/**
 * The authorship of whole logs (from seq 1), for a few documents, extended as they grow. Answers for
 * any range (from, to] are the same as from reading just that range: an id visible at `from` was not
 * deleted before it, and an id missing at `from` was not inserted before it.
 */
export class AuthorshipCache {
  private readonly cache: LogCache<Entry>;

  constructor(maxDocs = 4) {
    this.cache = new LogCache(maxDocs);
  }

  /** The authorship covering (from, to], or undefined when reading only that range is cheaper. */
  async covering(store: DocumentStore, doc: string, from: number, to: number): Promise<Authorship | undefined> {
    // Only a diff from the empty document reads the whole log anyway; others read just their range.
    const entry = await this.cache.get(store, doc, doc, () =>
      from === 0 ? { inserted: new RangeAuthors(), deleted: new RangeAuthors(), readSeq: 0 } : undefined,
    );
    if (entry === undefined || entry.readSeq < from) return undefined;
    if (entry.readSeq < to) entry.readSeq = await readAuthorship(store, doc, entry.readSeq, to, entry);
    return entry;
  }
}

/**
 * Who stored each of the Yjs items `ids` (the author of the update that inserted it), reading the log of
 * `doc` up to `to` once; undefined for an id no stored update inserted.
 */
export async function readItemAuthors(
  store: DocumentStore,
  doc: string,
  ids: ReadonlyArray<{ readonly client: number; readonly clock: number }>,
  to: number,
): Promise<Array<string | undefined>> {
  const into: Authorship = { inserted: new RangeAuthors(), deleted: new RangeAuthors() };
  await readAuthorship(store, doc, 0, to, into);
  return ids.map(({ client, clock }) => into.inserted.find(client, clock).author);
}
