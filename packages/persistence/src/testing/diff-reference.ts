// Test oracle: the first diff implementation, character by character (quadratic, so small documents
// only). It replays every update of (from, to] one transaction at a time and asks Yjs who changed what,
// which makes it slow but obviously right; diff.ts must give the same answer.

import { LEAF_NODES } from '@tandem/schema/leaf-nodes';
import * as Y from 'yjs';
import { materialize } from '../history/materialize.js';
import { type DocumentDiff, type DiffChange, type DiffSegment, EMBED, stableJson } from '../history/diff.js';
import type { DocumentStore } from '../types.js';

interface TextItem {
  id: { client: number; clock: number };
  deleted: boolean;
  content: { str?: string; type?: unknown; key?: string; value?: unknown };
  right: TextItem | null;
}

export async function referenceDiff(store: DocumentStore, doc: string, from: number, to: number): Promise<DocumentDiff> {
  const ydoc = await materialize(store, doc, from, { keepDeleted: true });
  const atFrom = Y.snapshot(ydoc);
  const ranges = { inserted: new Map<number, Array<[number, number, string]>>(), deleted: new Map<number, Array<[number, number, string]>>() };
  const add = (map: Map<number, Array<[number, number, string]>>, client: number, a: number, b: number, who: string) => {
    if (!map.has(client)) map.set(client, []);
    map.get(client)!.push([a, b, who]);
  };
  const find = (map: Map<number, Array<[number, number, string]>>, client: number, clock: number) =>
    map.get(client)?.find(([a, b]) => clock >= a && clock < b)?.[2];
  let author = '';
  ydoc.on('afterTransaction', (tr: Y.Transaction) => {
    for (const [client, after] of tr.afterState) {
      const before = tr.beforeState.get(client) ?? 0;
      if (after > before) add(ranges.inserted, client, before, after, author);
    }
    for (const [client, rs] of tr.deleteSet.clients) for (const r of rs) add(ranges.deleted, client, r.clock, r.clock + r.len, author);
  });
  for (const u of to > from ? await store.readUpdates(doc, { afterSeq: from, toSeq: to }) : []) {
    author = u.author;
    Y.applyUpdate(ydoc, u.update);
  }
  type Extra = { formats?: Record<string, unknown>; by?: Record<string, string>; node?: string };
  const changes: Array<{ type: DiffChange['type']; text: string; author: string } & Extra> = [];
  const segments: Array<{ type: DiffSegment['type']; text: string; author?: string } & Extra> = [];
  const totals = new Map<string, { inserted: number; deleted: number }>();
  const same = (a?: Record<string, unknown>, b?: Record<string, unknown>) => stableJson(a ?? null) === stableJson(b ?? null);
  const extra = (formats?: Record<string, unknown>, by?: Record<string, string>, node?: string): Extra => ({
    ...(formats === undefined ? {} : { formats }),
    ...(by === undefined ? {} : { by }),
    ...(node === undefined ? {} : { node }),
  });
  // A leaf node is a run of its own: never merged.
  const merges = (last: ({ type: string; author?: string } & Extra) | undefined, type: string, who: string | undefined, formats?: Record<string, unknown>, by?: Record<string, string>, node?: string) =>
    last !== undefined && node === undefined && last.node === undefined && last.type === type && last.author === who && same(last.formats, formats) && same(last.by, by);
  const segment = (type: DiffSegment['type'], ch: string, who?: string, formats?: Record<string, unknown>, by?: Record<string, string>, node?: string) => {
    const last = segments.at(-1);
    if (merges(last, type, who, formats, by, node)) last!.text += ch;
    else segments.push({ type, text: ch, ...(who === undefined ? {} : { author: who }), ...extra(formats, by, node) });
  };
  const push = (type: DiffChange['type'], ch: string, who: string, formats?: Record<string, unknown>, by?: Record<string, string>, node?: string) => {
    const last = changes.at(-1);
    if (merges(last, type, who, formats, by, node)) last!.text += ch;
    else changes.push({ type, text: ch, author: who, ...extra(formats, by, node) });
    segment(type, ch, who, formats, by, node);
    const t = totals.get(who) ?? { inserted: 0, deleted: 0 };
    if (type !== 'format') t[type === 'insert' ? 'inserted' : 'deleted'] += 1;
    totals.set(who, t);
  };
  const visibleAtFrom = (client: number, clock: number) =>
    (atFrom.sv.get(client) ?? 0) > clock && !Y.isDeleted(atFrom.ds, { client, clock } as Y.ID);
  type Change = readonly [name: string, value: unknown, author: string];
  // An element's attributes changed between the versions: the item shown at `from` against the one in
  // effect now; credited to whoever deleted the first, else whoever wrote the second.
  const attributeChanges = (el: Y.XmlElement): Change[] => {
    const changes: Change[] = [];
    for (const [key, current] of el._map) {
      // Clock by clock (one client's deleted items may have merged): the value shown at `from`, if any.
      let shown: { item: Y.Item; clock: number } | null = null;
      for (let it: Y.Item | null = current; it !== null && shown === null; it = it.left) {
        for (let k = it.id.clock + it.length - 1; k >= it.id.clock && shown === null; k--) if (visibleAtFrom(it.id.client, k)) shown = { item: it, clock: k };
      }
      const then = shown === null ? null : (shown.item.content.getContent()[shown.clock - shown.item.id.clock] ?? null);
      const last = current.id.clock + current.length - 1;
      const now = current.deleted ? null : (current.content.getContent().at(-1) ?? null);
      if (stableJson(then) === stableJson(now)) continue;
      const author =
        shown !== null && shown.item.deleted
          ? find(ranges.deleted, shown.item.id.client, shown.clock)
          : (atFrom.sv.get(current.id.client) ?? 0) <= last
            ? find(ranges.inserted, current.id.client, last)
            : undefined;
      changes.push([`${el.nodeName}.${key}`, now, author ?? 'unknown']);
    }
    return changes;
  };
  const isNew = (item: TextItem) => (atFrom.sv.get(item.id.client) ?? 0) <= item.id.clock;
  const formatRun = (ch: string, all: Change[], node?: string) => {
    const sorted = [...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const whos = sorted.map(([, , who]) => who);
    const by = new Set(whos).size > 1 ? Object.fromEntries(sorted.map(([name], k) => [name, whos[k]!])) : undefined;
    push('format', ch, whos[0]!, Object.fromEntries(sorted.map(([name, value]) => [name, value])), by, node);
    for (const who of whos) if (!totals.has(who)) totals.set(who, { inserted: 0, deleted: 0 });
  };
  const walk = (start: TextItem | null, inherited: Change[]): void => {
    // For each attribute, the format item in effect at `to` and the one in effect at `from` (nearest before, shown then).
    const atTo = new Map<string, TextItem>();
    const atFromItem = new Map<string, TextItem>();
    for (let item = start; item !== null; item = item.right) {
      const { str, type, key } = item.content;
      if (typeof key === 'string') {
        if (!item.deleted) atTo.set(key, item);
        if (visibleAtFrom(item.id.client, item.id.clock)) atFromItem.set(key, item);
      } else if (typeof str === 'string') {
        for (let i = 0; i < str.length; i++) {
          const clock = item.id.clock + i;
          const existed = visibleAtFrom(item.id.client, clock);
          if (!existed && !item.deleted) push('insert', str[i]!, find(ranges.inserted, item.id.client, clock) ?? 'unknown');
          else if (existed && item.deleted) push('delete', str[i]!, find(ranges.deleted, item.id.client, clock) ?? 'unknown');
          else if (existed) {
            // Kept: the same formatting at both versions, or which attributes changed, by whom.
            const names = [...new Set([...atTo.keys(), ...atFromItem.keys()])].sort();
            const valueOf = (it: TextItem | undefined) => stableJson(it?.content.value ?? null);
            const changed = names.filter((name) => valueOf(atTo.get(name)) !== valueOf(atFromItem.get(name)));
            if (changed.length + inherited.length === 0) segment('keep', str[i]!);
            else {
              // Who changed each: whoever deleted the item in effect at `from`, else whoever made the one in effect now.
              const whoChanged = (name: string) => {
                const now = atTo.get(name);
                const then = atFromItem.get(name);
                if (then !== undefined && then.deleted) return find(ranges.deleted, then.id.client, then.id.clock) ?? 'unknown';
                if (now !== undefined && (atFrom.sv.get(now.id.client) ?? 0) <= now.id.clock) return find(ranges.inserted, now.id.client, now.id.clock) ?? 'unknown';
                return 'unknown';
              };
              formatRun(str[i]!, [...changed.map((name): Change => [name, atTo.get(name)?.content.value ?? null, whoChanged(name)]), ...inherited]);
            }
          }
        }
      } else if (type instanceof Y.XmlElement && LEAF_NODES.has(type.nodeName)) {
        // A leaf node: one character's worth, kept, inserted or deleted as a character would be.
        const existed = visibleAtFrom(item.id.client, item.id.clock);
        if (!existed && !item.deleted) push('insert', EMBED, find(ranges.inserted, item.id.client, item.id.clock) ?? 'unknown', undefined, undefined, type.nodeName);
        else if (existed && item.deleted) push('delete', EMBED, find(ranges.deleted, item.id.client, item.id.clock) ?? 'unknown', undefined, undefined, type.nodeName);
        else if (existed) {
          const all = [...inherited.filter(([name]) => !name.startsWith(`${type.nodeName}.`)), ...(isNew(item) ? [] : attributeChanges(type))];
          if (all.length === 0) segment('keep', EMBED, undefined, undefined, undefined, type.nodeName);
          else formatRun(EMBED, all, type.nodeName);
        }
      } else if (type !== undefined) {
        // An element's own values replace those of an element of its kind around it (a sub-task's `checked`).
        const own = type instanceof Y.XmlElement && !isNew(item) ? attributeChanges(type) : [];
        const around = type instanceof Y.XmlElement ? inherited.filter(([name]) => !name.startsWith(`${type.nodeName}.`)) : inherited;
        walk((type as { _start: TextItem | null })._start, [...around, ...own]);
      }
    }
  };
  for (const shared of ydoc.share.values()) walk((shared as unknown as { _start: TextItem | null })._start, []);
  ydoc.destroy();
  return {
    from,
    to,
    changes,
    segments,
    authors: [...totals].map(([who, t]) => ({ author: who, ...t })).sort((a, b) => a.author.localeCompare(b.author)),
  };
}
