// What a history thread keeps of a few documents between requests (sessions, authorship), dropped when
// a log changed other than by appending: compaction rewrote its past, or the name now holds another
// document (a renamed document's old name taken back, a purged one's used again).

import type { DocumentStore } from '../types.js';

interface Entry<T> {
  readonly value: T;
  /** The document's update count and last seq when the entry was last checked. */
  updateCount: number;
  lastSeq: number;
  /** Which document holds the name: its creation time. */
  createdAt: number;
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
    if (entry !== undefined && (info.createdAt !== entry.createdAt || info.updateCount - entry.updateCount !== info.lastSeq - entry.lastSeq)) entry = undefined;
    if (entry === undefined) {
      const value = create();
      if (value === undefined) return undefined;
      entry = { value, updateCount: info.updateCount, lastSeq: info.lastSeq, createdAt: info.createdAt };
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
