// Who inserted each still-present run of a document's Yjs ids, and when: what the editor's authorship
// colours paint. Read from the log without replaying it, and kept per document as the log grows.
//
// "Still present" means inserted and never deleted, by id: the runs cover text and also the ids of
// elements and formatting marks (the editor only looks up the ids of the text it shows).

import * as Y from 'yjs';
import { PersistenceError } from '../errors.js';
import type { DocumentStore, MergedAuthorship, StoredUpdate } from '../types.js';
import { decodeStored } from './decode-stored.js';
import { forEachRun, mergedAuthorshipOf } from './merged-authorship.js';
import { LogCache } from './log-cache.js';
import { RangeAuthors } from './range-authors.js';

/** [client, clock, length, author, receivedAt ms]: `length` ids from `clock` on. */
export type AuthorshipRange = readonly [number, number, number, string, number];

export interface VisibleAuthorship {
  /** The log was read up to here. */
  readonly seq: number;
  readonly ranges: readonly AuthorshipRange[];
  /** Every author named in `ranges`. */
  readonly authors: readonly string[];
}

/** Runs of one author typed within this long of the run's start are reported as one, with its start time. */
export const MERGE_WITHIN_MS = 60_000;
// Insertions are keyed by author and the second they arrived, so a person's keystrokes within one
// second extend one range instead of adding one each (RangeAuthors merges equal keys that touch).
const SEP = '\n';
const keyOf = (author: string, receivedAt: number) => `${author}${SEP}${Math.floor(receivedAt / 1000) * 1000}`;

interface Entry {
  readonly inserted: RangeAuthors;
  readonly deleted: RangeAuthors;
  readSeq: number;
}

function addUpdates(doc: string, updates: readonly StoredUpdate[], into: Entry, merged: ReadonlyMap<number, MergedAuthorship>): void {
  for (const u of updates) {
    const table = merged.get(u.seq);
    if (table !== undefined) {
      forEachRun(
        table,
        (client, from, to, author, at) => into.inserted.add(client, from, to, keyOf(author, at)),
        (client, from, to) => into.deleted.add(client, from, to, ''),
      );
      continue;
    }
    const decoded = decodeStored(doc, u);
    const key = keyOf(u.author, u.receivedAt);
    for (const s of decoded.structs) {
      // Skips are gaps; GC structs are content already deleted and collected.
      if (s instanceof Y.Item) into.inserted.add(s.id.client, s.id.clock, s.id.clock + s.length, key);
    }
    for (const [client, ranges] of decoded.ds.clients) for (const r of ranges) into.deleted.add(client, r.clock, r.clock + r.len, '');
  }
}

/** The runs of `entry` not deleted, adjacent ones of one author (within MERGE_WITHIN_MS) merged. */
function visibleRuns(entry: Entry, seq: number): VisibleAuthorship {
  const ranges: Array<[number, number, number, string, number]> = [];
  const authors = new Set<string>();
  for (const [client, from, to, key] of entry.inserted.runs()) {
    const cut = key.lastIndexOf(SEP);
    const author = key.slice(0, cut);
    const at = Number(key.slice(cut + 1));
    for (let clock = from; clock < to; ) {
      const d = entry.deleted.find(client, clock);
      const end = Math.min(d.end, to);
      if (d.author === undefined) {
        const last = ranges.at(-1);
        if (last !== undefined && last[0] === client && last[1] + last[2] === clock && last[3] === author && Math.abs(at - last[4]) < MERGE_WITHIN_MS) {
          last[2] = end - last[1];
          last[4] = Math.min(last[4], at);
        } else {
          ranges.push([client, clock, end - clock, author, at]);
          authors.add(author);
        }
      }
      clock = end;
    }
  }
  return { seq, ranges, authors: [...authors] };
}

/** Reads the whole log of `doc` (from seq 1) and answers who inserted each id still present. */
export async function readVisibleAuthorship(store: DocumentStore, doc: string, cache?: VisibleAuthorshipCache): Promise<VisibleAuthorship> {
  if (cache !== undefined) return cache.read(store, doc);
  const info = await store.getDocument(doc);
  if (info === undefined) throw new PersistenceError('not-found', `No document named ${JSON.stringify(doc)}`, doc);
  const entry: Entry = { inserted: new RangeAuthors(), deleted: new RangeAuthors(), readSeq: 0 };
  await extend(store, doc, entry, info.lastSeq);
  return visibleRuns(entry, info.lastSeq);
}

async function extend(store: DocumentStore, doc: string, entry: Entry, to: number, chunk = 5_000): Promise<void> {
  while (entry.readSeq < to) {
    const batch = await store.readUpdates(doc, { afterSeq: entry.readSeq, toSeq: to, limit: chunk });
    addUpdates(doc, batch, entry, await mergedAuthorshipOf(store, doc, batch));
    entry.readSeq = batch.length < chunk ? to : batch.at(-1)!.seq;
  }
}

/**
 * The visible authorship of a few documents, extended as their logs grow (a log rewritten by
 * compaction is read again), and the last answer kept until the log moves.
 */
export class VisibleAuthorshipCache {
  private readonly cache: LogCache<Entry & { answer?: VisibleAuthorship }>;

  constructor(maxDocs = 4) {
    this.cache = new LogCache(maxDocs);
  }

  async read(store: DocumentStore, doc: string): Promise<VisibleAuthorship> {
    const entry = await this.cache.get(store, doc, doc, () => ({ inserted: new RangeAuthors(), deleted: new RangeAuthors(), readSeq: 0 }));
    const info = await store.getDocument(doc);
    if (entry === undefined || info === undefined) throw new PersistenceError('not-found', `No document named ${JSON.stringify(doc)}`, doc);
    if (entry.answer !== undefined && entry.answer.seq === info.lastSeq) return entry.answer;
    await extend(store, doc, entry, info.lastSeq);
    entry.answer = visibleRuns(entry, info.lastSeq);
    return entry.answer;
  }
}
