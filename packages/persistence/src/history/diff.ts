// What changed between two versions, attributed: the text inserted and deleted between `from` and
// `to`, in document order, each run with the author of the update that made it.
//
// Cost is linear in the updates of (from, to] plus the size of the two versions (n·log n with the
// range look-ups): both versions come from their nearest checkpoint, and the updates in between are
// only decoded to learn who inserted and who deleted which Yjs ids, never replayed one by one.

import * as Y from 'yjs';
import { PersistenceError } from '../errors.js';
import type { DocumentStore } from '../types.js';
import { materialize } from './materialize.js';
import { type AuthorshipCache, readAuthorship } from './authorship.js';
import { RangeAuthors } from './range-authors.js';

export interface DiffChange {
  readonly type: 'insert' | 'delete';
  readonly text: string;
  readonly author: string;
}

/** A run of the document at `to` in order: unchanged text, inserted text, or text deleted there. */
export interface DiffSegment {
  readonly type: 'keep' | 'insert' | 'delete';
  readonly text: string;
  readonly author?: string;
}

export interface DocumentDiff {
  readonly from: number;
  readonly to: number;
  readonly changes: DiffChange[];
  /** The whole text at `to` as keep/insert runs, with delete runs where text was removed. */
  readonly segments: DiffSegment[];
  /** Characters inserted and deleted per author. */
  readonly authors: Array<{ author: string; inserted: number; deleted: number }>;
}

export interface DiffOptions {
  /** Refuse (PersistenceError 'too-large') once the segments would hold more characters than this. */
  readonly maxChars?: number;
  /** Updates decoded per read of the log. */
  readonly chunk?: number;
  /** Reuse what earlier diffs of the same document read (see AuthorshipCache). */
  readonly authorship?: AuthorshipCache;
}

interface Run {
  type: DiffSegment['type'];
  author: string | undefined;
  parts: string[];
}

/** Collects runs as string parts (joined once at the end) and counts characters against the bound. */
class DiffBuilder {
  private readonly segments: Run[] = [];
  private readonly changes: Run[] = [];
  private readonly totals = new Map<string, { inserted: number; deleted: number }>();
  private chars = 0;

  constructor(
    private readonly doc: string,
    private readonly maxChars: number,
  ) {}

  keep(text: string): void {
    this.count(text);
    this.append(this.segments, 'keep', text, undefined);
  }

  change(type: DiffChange['type'], text: string, author: string): void {
    this.count(text);
    this.append(this.segments, type, text, author);
    this.append(this.changes, type, text, author);
    let t = this.totals.get(author);
    if (t === undefined) this.totals.set(author, (t = { inserted: 0, deleted: 0 }));
    t[type === 'insert' ? 'inserted' : 'deleted'] += text.length;
  }

  finish(from: number, to: number): DocumentDiff {
    return {
      from,
      to,
      changes: this.changes.map((r) => ({ type: r.type as DiffChange['type'], text: r.parts.join(''), author: r.author! })),
      segments: this.segments.map((r) =>
        r.author === undefined ? { type: r.type, text: r.parts.join('') } : { type: r.type, text: r.parts.join(''), author: r.author },
      ),
      authors: [...this.totals].map(([author, t]) => ({ author, ...t })).sort((a, b) => a.author.localeCompare(b.author)),
    };
  }

  private count(text: string): void {
    this.chars += text.length;
    if (this.chars > this.maxChars) {
      throw new PersistenceError('too-large', `The diff holds more than ${this.maxChars} characters; compare closer versions`, this.doc);
    }
  }

  private append(runs: Run[], type: DiffSegment['type'], text: string, author: string | undefined): void {
    if (text === '') return;
    const last = runs.at(-1);
    if (last?.type === type && last.author === author) last.parts.push(text);
    else runs.push({ type, author, parts: [text] });
  }
}

/** The structs of `client` in `ydoc`, and the clock its state has reached. */
function clientStructs(ydoc: Y.Doc, client: number): { structs: Array<Y.Item | Y.GC>; state: number } {
  const structs = (ydoc.store.clients.get(client) ?? []) as Array<Y.Item | Y.GC>;
  const last = structs.at(-1);
  return { structs, state: last === undefined ? 0 : last.id.clock + last.length };
}

export async function diffVersions(store: DocumentStore, doc: string, from: number, to: number, options: DiffOptions = {}): Promise<DocumentDiff> {
  const atFrom = await materialize(store, doc, from);
  const atTo = await materialize(store, doc, to);
  let authorship = to > from ? await options.authorship?.covering(store, doc, from, to) : undefined;
  if (authorship === undefined) {
    authorship = { inserted: new RangeAuthors(), deleted: new RangeAuthors() };
    if (to > from) await readAuthorship(store, doc, from, to, authorship, options.chunk);
  }
  const { inserted, deleted } = authorship;
  const out = new DiffBuilder(doc, options.maxChars ?? Number.POSITIVE_INFINITY);

  /** Emits `text` (Yjs ids client:clock…) as runs split where the attributed author changes. */
  const attributed = (type: DiffChange['type'], ranges: RangeAuthors, client: number, clock: number, text: string) => {
    for (let pos = clock, end = clock + text.length; pos < end; ) {
      const hit = ranges.find(client, pos);
      const stop = Math.min(end, hit.end);
      out.change(type, text.slice(pos - clock, stop - clock), hit.author ?? 'unknown');
      pos = stop;
    }
  };

  /** Everything visible in a type of the `from` version, which is gone at `to` with the type that held it. */
  const walkRemoved = (type: { readonly _start: Y.Item | null }): void => {
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted) continue;
      if (item.content instanceof Y.ContentString) attributed('delete', deleted, item.id.client, item.id.clock, item.content.str);
      else if (item.content instanceof Y.ContentType) walkRemoved(item.content.type);
    }
  };

  /** Content of ids client:[clock, clock+length), deleted at `to`: what of it was visible at `from`. */
  const removed = (client: number, clock: number, length: number): void => {
    const { structs, state } = clientStructs(atFrom, client);
    const end = Math.min(clock + length, state);
    if (clock >= end) return;
    for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < end; i++) {
      const struct = structs[i]!;
      if (!(struct instanceof Y.Item) || struct.deleted) continue;
      if (struct.content instanceof Y.ContentString) {
        const a = Math.max(clock, struct.id.clock);
        const b = Math.min(end, struct.id.clock + struct.length);
        attributed('delete', deleted, client, a, struct.content.str.slice(a - struct.id.clock, b - struct.id.clock));
      } else if (struct.content instanceof Y.ContentType) {
        walkRemoved(struct.content.type);
      }
    }
  };

  // The document at `to` in order. Deleted items keep their place in it (their content is gone, as in
  // any garbage-collected document), so what they held at `from` is looked up there by id.
  const walk = (type: { readonly _start: Y.Item | null }): void => {
    for (let item = type._start; item !== null; item = item.right) {
      const { client, clock } = item.id;
      if (item.deleted) {
        removed(client, clock, item.length);
      } else if (item.content instanceof Y.ContentString) {
        // Visible now and created by `from` means it was visible then too: Yjs never undeletes.
        const str = item.content.str;
        const existed = Math.max(0, Math.min(str.length, clientStructs(atFrom, client).state - clock));
        if (existed > 0) out.keep(str.slice(0, existed));
        if (existed < str.length) attributed('insert', inserted, client, clock + existed, str.slice(existed));
      } else if (item.content instanceof Y.ContentType) {
        walk(item.content.type);
      }
    }
  };
  try {
    for (const shared of atTo.share.values()) walk(shared);
  } finally {
    atFrom.destroy();
    atTo.destroy();
  }
  return out.finish(from, to);
}
