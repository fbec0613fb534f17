// The timeline of a document: its updates grouped into edit sessions (consecutive updates by one
// author, each within `gapMs` of the previous), with how much text each added and removed.

import * as Y from 'yjs';
import { PersistenceError } from '../errors.js';
import type { DocumentStore, StoredUpdate } from '../types.js';

export interface EditSession {
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly author: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly updates: number;
  /** Characters inserted (string content of new items). */
  readonly added: number;
  /** Units removed: characters of text, one per deleted element. */
  readonly removed: number;
}

export function updateStats(update: Uint8Array): { added: number; removed: number } {
  const { structs, ds } = Y.decodeUpdate(update);
  let added = 0;
  for (const struct of structs) {
    const content = (struct as { content?: { str?: unknown } }).content;
    if (typeof content?.str === 'string') added += content.str.length;
  }
  let removed = 0;
  for (const ranges of ds.clients.values()) for (const range of ranges) removed += range.len;
  return { added, removed };
}

type OpenSession = { -readonly [K in keyof EditSession]: EditSession[K] };

/** Groups updates into sessions as they are fed, in seq order; each update is looked at once. */
export class SessionGrouper {
  readonly sessions: OpenSession[] = [];

  constructor(private readonly gapMs: number) {}

  add(u: StoredUpdate): void {
    const { added, removed } = updateStats(u.update);
    const last = this.sessions.at(-1);
    if (last !== undefined && last.author === u.author && u.receivedAt - last.endedAt <= this.gapMs) {
      last.toSeq = u.seq;
      last.endedAt = u.receivedAt;
      last.updates += 1;
      last.added += added;
      last.removed += removed;
    } else {
      this.sessions.push({ fromSeq: u.seq, toSeq: u.seq, author: u.author, startedAt: u.receivedAt, endedAt: u.receivedAt, updates: 1, added, removed });
    }
  }
}

export function groupSessions(updates: readonly StoredUpdate[], gapMs: number): EditSession[] {
  const grouper = new SessionGrouper(gapMs);
  for (const u of updates) grouper.add(u);
  return grouper.sessions;
}

export interface TimelinePage {
  readonly sessions: EditSession[];
  /** Pass as `afterSeq` for the next page; null at the end of the log. */
  readonly nextAfterSeq: number | null;
}

/**
 * Up to `limit` sessions starting after `afterSeq`. Reads the log in growing chunks (from 64 updates up
 * to `chunk`) and stops as soon as `limit` sessions are complete, which is when the one after them begins:
 * it reads at most about twice what the page covers.
 */
export async function readTimeline(
  store: DocumentStore,
  doc: string,
  { afterSeq = 0, limit = 50, gapMs = 60_000, chunk = 2_000 }: { afterSeq?: number; limit?: number; gapMs?: number; chunk?: number } = {},
): Promise<TimelinePage> {
  if (!Number.isInteger(limit) || limit < 1) throw new PersistenceError('invalid-argument', `limit must be a positive integer, not ${limit}`, doc);
  const grouper = new SessionGrouper(gapMs);
  const { sessions } = grouper;
  let cursor = afterSeq;
  for (let size = Math.min(64, chunk); ; size = Math.min(size * 2, chunk)) {
    const batch = await store.readUpdates(doc, { afterSeq: cursor, limit: size });
    for (const u of batch) {
      grouper.add(u);
      // The session after the page has begun, so every session of the page is complete.
      if (sessions.length > limit) return { sessions: sessions.slice(0, limit), nextAfterSeq: sessions[limit - 1]!.toSeq };
    }
    if (batch.length < size) return { sessions, nextAfterSeq: null };
    cursor = batch.at(-1)!.seq;
  }
}
