// Who added and removed how much within one edit session, net of churn: text inserted and deleted again
// in the same session counts neither as added (for whoever typed it) nor as removed (for whoever took it
// out), as a typo fixed at once is no change anyone would want to read about. A deletion of what was
// deleted already counts for nobody: a client that reconnects with offline edits sends (and the log
// stores) every range the document ever deleted beside them.

import * as Y from 'yjs';
import type { CompactedSession, StoredUpdate } from '../types.js';

/** One author's part in a session. */
export interface SessionAuthor {
  readonly id: string;
  readonly updates: number;
  /** Characters inserted, less those deleted again within the session. */
  readonly added: number;
  /** Units removed that were there before the session: characters of text, one per deleted element. */
  readonly removed: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Clocks from..to of one client, inserted in this session by authors[author]; `text` if counted as added. */
interface Span {
  from: number;
  to: number;
  readonly author: number;
  readonly text: boolean;
}

/** The seqs and times an author's part of a session spans. */
interface Extent {
  fromSeq: number;
  toSeq: number;
  startedAt: number;
  endedAt: number;
}

export class SessionTally {
  /** In order of first contribution. */
  readonly authors: Array<Mutable<SessionAuthor>> = [];
  private readonly extents: Extent[] = [];
  private readonly index = new Map<string, number>();
  /** Disjoint spans per client, sorted by clock; dropped once the session is sealed. */
  private inserted: Map<number, Span[]> | undefined = new Map();

  /** The index of author `id`, whose part now spans fromSeq..toSeq and startedAt..endedAt too. */
  private authorIndex(id: string, fromSeq: number, toSeq: number, startedAt: number, endedAt: number): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.authors.push({ id, updates: 0, added: 0, removed: 0 }) - 1;
      this.extents.push({ fromSeq, toSeq, startedAt, endedAt });
      this.index.set(id, i);
    } else {
      const e = this.extents[i]!;
      e.fromSeq = Math.min(e.fromSeq, fromSeq);
      e.toSeq = Math.max(e.toSeq, toSeq);
      e.startedAt = Math.min(e.startedAt, startedAt);
      e.endedAt = Math.max(e.endedAt, endedAt);
    }
    return i;
  }

  /**
   * Each author's part as one run, ordered by its first seq: what compaction stores for a merged
   * range. The timeline puts the runs of one session back together (they overlap in seqs and time).
   */
  runs(): CompactedSession[] {
    return this.authors
      .map((a, i) => ({ ...this.extents[i]!, author: a.id, updates: a.updates, added: a.added, removed: a.removed }))
      .sort((x, y) => x.fromSeq - y.fromSeq);
  }

  /**
   * Counts one update read from the log (decoded: `structs` and delete set). `deleted`: the ids deleted
   * before it (and it adds its own): only what it deletes first is removed by its author.
   */
  addUpdate(u: StoredUpdate, decoded: ReturnType<typeof Y.decodeUpdate>, deleted: DeletedIds): void {
    const who = this.authorIndex(u.author, u.seq, u.seq, u.receivedAt, u.receivedAt);
    const author = this.authors[who]!;
    author.updates += 1;
    for (const struct of decoded.structs) {
      if (!(struct instanceof Y.Item)) continue;
      const text = typeof (struct.content as { str?: unknown }).str === 'string';
      if (text) author.added += struct.length;
      this.remember(struct.id.client, struct.id.clock, struct.id.clock + struct.length, who, text);
    }
    for (const [client, ranges] of decoded.ds.clients) {
      for (const range of ranges) {
        for (const [from, to] of deleted.add(client, range.clock, range.clock + range.len)) {
          let netted = 0;
          for (const piece of this.cut(client, from, to)) {
            if (piece.text) this.authors[piece.author]!.added -= piece.len;
            netted += piece.len;
          }
          author.removed += to - from - netted;
        }
      }
    }
  }

  /** Adds a run stored by compaction (no ids kept: nothing of it can be netted). */
  addRun(run: CompactedSession): void {
    const author = this.authors[this.authorIndex(run.author, run.fromSeq, run.toSeq, run.startedAt, run.endedAt)]!;
    author.updates += run.updates;
    author.added += run.added;
    author.removed += run.removed;
  }

  /** The session is over: its ids are no longer needed. */
  seal(): void {
    this.inserted = undefined;
  }

  private remember(client: number, from: number, to: number, author: number, text: boolean): void {
    if (this.inserted === undefined || to <= from) return;
    let spans = this.inserted.get(client);
    if (spans === undefined) this.inserted.set(client, (spans = []));
    const last = spans.at(-1);
    if (last === undefined || last.to <= from) {
      // Typing: each update's ids follow the client's previous ones.
      if (last !== undefined && last.to === from && last.author === author && last.text === text) last.to = to;
      else spans.push({ from, to, author, text });
      return;
    }
    // Out of order (or an id seen twice): keep the spans disjoint, the latest insertion owning the clocks.
    this.cut(client, from, to);
    spans.splice(firstEndingAfter(spans, from), 0, { from, to, author, text });
  }

  /** Removes clocks from..to of `client` from the spans; the pieces that were there. */
  private cut(client: number, from: number, to: number): Array<{ author: number; text: boolean; len: number }> {
    const spans = this.inserted?.get(client);
    if (spans === undefined) return [];
    const pieces: Array<{ author: number; text: boolean; len: number }> = [];
    let i = firstEndingAfter(spans, from);
    const replaced: Span[] = [];
    const start = i;
    for (; i < spans.length && spans[i]!.from < to; i++) {
      const s = spans[i]!;
      pieces.push({ author: s.author, text: s.text, len: Math.min(s.to, to) - Math.max(s.from, from) });
      if (s.from < from) replaced.push({ from: s.from, to: from, author: s.author, text: s.text });
      if (s.to > to) replaced.push({ from: to, to: s.to, author: s.author, text: s.text });
    }
    if (i > start) spans.splice(start, i - start, ...replaced);
    return pieces;
  }
}

/** The index of the first span ending after `clock` (spans are disjoint and sorted). */
function firstEndingAfter(spans: readonly Span[], clock: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.to <= clock) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every Yjs id deleted so far, as disjoint sorted clock ranges per client. */
export class DeletedIds {
  private readonly clients = new Map<number, { starts: number[]; ends: number[] }>();

  /** Adds from..to of `client`; returns the parts of it that were not deleted yet, in clock order. */
  add(client: number, from: number, to: number): Array<[number, number]> {
    if (to <= from) return [];
    let ranges = this.clients.get(client);
    if (ranges === undefined) this.clients.set(client, (ranges = { starts: [], ends: [] }));
    const { starts, ends } = ranges;
    // The first range ending at or after `from` (touching ranges are joined).
    let lo = 0;
    for (let hi = ends.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    const fresh: Array<[number, number]> = [];
    let at = from;
    let i = lo;
    for (; i < starts.length && starts[i]! <= to; i++) {
      if (starts[i]! > at) fresh.push([at, starts[i]!]);
      at = Math.max(at, ends[i]!);
    }
    if (at < to) fresh.push([at, to]);
    const start = Math.min(from, starts[lo] ?? from);
    const end = Math.max(to, i > lo ? ends[i - 1]! : to);
    starts.splice(lo, i - lo, start);
    ends.splice(lo, i - lo, end);
    return fresh;
  }

  /** Adds every range of a decoded update's delete set. */
  addAll(ds: ReturnType<typeof Y.decodeUpdate>['ds']): void {
    for (const [client, ranges] of ds.clients) for (const r of ranges) this.add(client, r.clock, r.clock + r.len);
  }
}
