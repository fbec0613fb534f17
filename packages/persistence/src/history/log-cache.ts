// What a history thread keeps of a few documents between requests (sessions, authorship), dropped when
// a log changed other than by appending: compaction rewrote its past.

import type { DocumentStore } from '../types.js';

interface Entry<T> {
  readonly value: T;
  /** The document's update count and last seq when the entry was last checked. */
  updateCount: number;
  lastSeq: number;
}

export class LogCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly maxEntries: number) {}

  /**
   * The value kept under `key` for `doc`, or a new one from `create` (which may decline with undefined).
   * The least recently used entries beyond `maxEntries` are dropped.
   */
  async get(store: DocumentStore, doc: string, key: string, create: () => T | undefined): Promise<T | undefined> {
    const info = await store.getDocument(doc);
    if (info === undefined) return undefined;
    let entry = this.entries.get(key);
    this.entries.delete(key);
    // Appends add one update per seq; anything else (compaction) changed the past: start over.
    if (entry !== undefined && info.updateCount - entry.updateCount !== info.lastSeq - entry.lastSeq) entry = undefined;
    if (entry === undefined) {
      const value = create();
      if (value === undefined) return undefined;
      entry = { value, updateCount: info.updateCount, lastSeq: info.lastSeq };
    }
    entry.updateCount = info.updateCount;
    entry.lastSeq = info.lastSeq;
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return entry.value;
  }
}
