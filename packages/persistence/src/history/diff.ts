// What changed between two versions, attributed: the text inserted and deleted between `from` and
// `to`, in document order, each run with the author of the update that made it.

import * as Y from 'yjs';
import type { DocumentStore } from '../types.js';
import { materialize } from './materialize.js';

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

/** Which author wrote which clock ranges of which Yjs client. */
class RangeAuthors {
  private readonly byClient = new Map<number, Array<{ from: number; to: number; author: string }>>();

  add(client: number, from: number, to: number, author: string): void {
    let list = this.byClient.get(client);
    if (list === undefined) this.byClient.set(client, (list = []));
    list.push({ from, to, author });
  }

  find(client: number, clock: number): string | undefined {
    return this.byClient.get(client)?.find((r) => clock >= r.from && clock < r.to)?.author;
  }
}

interface TextItem {
  id: { client: number; clock: number };
  deleted: boolean;
  content: { str?: string; type?: unknown };
  right: TextItem | null;
}

export async function diffVersions(store: DocumentStore, doc: string, from: number, to: number): Promise<DocumentDiff> {
  // Deleted content must survive the replay of (from, to], so no garbage collection.
  const ydoc = await materialize(store, doc, from, { keepDeleted: true });
  const atFrom = Y.snapshot(ydoc);
  const inserted = new RangeAuthors();
  const deleted = new RangeAuthors();
  const updates = to > from ? await store.readUpdates(doc, { afterSeq: from, toSeq: to }) : [];
  let author = '';
  ydoc.on('afterTransaction', (tr: Y.Transaction) => {
    for (const [client, after] of tr.afterState) {
      const before = tr.beforeState.get(client) ?? 0;
      if (after > before) inserted.add(client, before, after, author);
    }
    for (const [client, ranges] of tr.deleteSet.clients) for (const r of ranges) deleted.add(client, r.clock, r.clock + r.len, author);
  });
  for (const u of updates) {
    author = u.author;
    Y.applyUpdate(ydoc, u.update);
  }

  const changes: DiffChange[] = [];
  const segments: Array<{ type: DiffSegment['type']; text: string; author?: string }> = [];
  const segment = (type: DiffSegment['type'], ch: string, who?: string) => {
    const last = segments.at(-1);
    if (last?.type === type && last.author === who) last.text += ch;
    else segments.push(who === undefined ? { type, text: ch } : { type, text: ch, author: who });
  };
  const totals = new Map<string, { inserted: number; deleted: number }>();
  const push = (type: DiffChange['type'], ch: string, who: string) => {
    const last = changes.at(-1);
    if (last?.type === type && last.author === who) (last as { text: string }).text += ch;
    else changes.push({ type, text: ch, author: who });
    segment(type, ch, who);
    const t = totals.get(who) ?? { inserted: 0, deleted: 0 };
    t[type === 'insert' ? 'inserted' : 'deleted'] += 1;
    totals.set(who, t);
  };
  const visibleAtFrom = (client: number, clock: number) =>
    (atFrom.sv.get(client) ?? 0) > clock && !Y.isDeleted(atFrom.ds, { client, clock } as Y.ID);

  const walk = (start: TextItem | null): void => {
    for (let item = start; item !== null; item = item.right) {
      const { str, type } = item.content;
      if (typeof str === 'string') {
        for (let i = 0; i < str.length; i++) {
          const clock = item.id.clock + i;
          const existed = visibleAtFrom(item.id.client, clock);
          if (!existed && !item.deleted) push('insert', str[i]!, inserted.find(item.id.client, clock) ?? 'unknown');
          else if (existed && item.deleted) push('delete', str[i]!, deleted.find(item.id.client, clock) ?? 'unknown');
          else if (existed) segment('keep', str[i]!);
        }
      } else if (type !== undefined) {
        walk((type as { _start: TextItem | null })._start);
      }
    }
  };
  for (const shared of ydoc.share.values()) walk((shared as unknown as { _start: TextItem | null })._start);
  ydoc.destroy();
  return {
    from,
    to,
    changes,
    segments,
    authors: [...totals].map(([who, t]) => ({ author: who, ...t })).sort((a, b) => a.author.localeCompare(b.author)),
  };
}
