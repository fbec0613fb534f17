// The last materialized version of a few documents, moved forward by applying the updates after it
// when a later version is asked for: scrubbing or playing the history forward then costs the updates
// between two steps, not a checkpoint decode per step.

import * as Y from 'yjs';
import { PersistenceError } from '../errors.js';
import type { DocumentStore } from '../types.js';
import { materialize } from './materialize.js';

interface Entry {
  seq: number;
  ydoc: Y.Doc;
}

export class VersionCache {
  private readonly entries = new Map<string, Entry>();
  /** Which document each name held when last read (its creation time): another one there now starts over. */
  private readonly holders = new Map<string, number | undefined>();

  /**
   * @param maxDocs documents kept
   * @param maxForward the most updates applied to move a kept version forward; further is rebuilt from a checkpoint
   */
  constructor(
    private readonly maxDocs = 2,
    private readonly maxForward = 2_000,
  ) {}

  /** `doc` at `seq`, still owned by the cache: read it, but neither change nor destroy it, and drop it before the next call. */
  async at(store: DocumentStore, doc: string, seq: number): Promise<Y.Doc> {
    const ydoc = await this.take(store, doc, seq);
    this.put(doc, seq, ydoc);
    return ydoc;
  }

  /** `doc` at `seq`, taken out of the cache: the caller owns it (and may hand it back with `put`). */
  async take(store: DocumentStore, doc: string, seq: number): Promise<Y.Doc> {
    const entry = this.entries.get(doc);
    this.entries.delete(doc);
    const holder = (await store.getDocument(doc))?.createdAt;
    const sameDocument = this.holders.get(doc) === holder;
    this.holders.set(doc, holder);
    if (entry !== undefined && sameDocument && entry.seq <= seq && seq - entry.seq <= this.maxForward) {
      if (seq > entry.seq) {
        const updates = await store.readUpdates(doc, { afterSeq: entry.seq, toSeq: seq });
        try {
          Y.transact(entry.ydoc, () => {
            for (const u of updates) Y.applyUpdate(entry.ydoc, u.update);
          });
        } catch (cause) {
          entry.ydoc.destroy();
          throw new PersistenceError('corrupt-data', `Stored history of ${JSON.stringify(doc)} up to seq ${seq} cannot be applied`, doc, { cause });
        }
      }
      return entry.ydoc;
    }
    entry?.ydoc.destroy();
    return materialize(store, doc, seq);
  }

  /** Keeps `ydoc` (garbage-collected, as materialize makes it) as `doc` at `seq`. */
  put(doc: string, seq: number, ydoc: Y.Doc): void {
    const old = this.entries.get(doc);
    if (old !== undefined && old.ydoc !== ydoc) old.ydoc.destroy();
    this.entries.delete(doc);
    this.entries.set(doc, { seq, ydoc });
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxDocs) break;
      entry.ydoc.destroy();
      this.entries.delete(oldest);
      this.holders.delete(oldest);
    }
  }
}
