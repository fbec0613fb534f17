// What changed between two versions, attributed: the text inserted and deleted between `from` and
// `to`, in document order, each run with the author of the update that made it; and text kept whose
// formatting changed (a mark made or taken off), with the author of that change. A leaf node (an image,
// a horizontal rule, a line break) is a run of its own, one EMBED character with `node` naming it. A
// node's attributes changed in place (a heading's level, a task ticked, an image's address) show as a
// format run over the node's kept text (or its EMBED), the attribute named `<node>.<attribute>`.
//
// Cost is linear in the updates of (from, to] plus the size of the two versions (n·log n with the
// range look-ups): the updates in between are only decoded to learn who inserted and who deleted which
// Yjs ids, never replayed one transaction at a time. Far-apart versions each come from their nearest
// checkpoint; close ones (NEAR_UPDATES) from one materialization with the updates between applied.

import { LEAF_NODES } from '@tandem/schema/leaf-nodes';
import * as Y from 'yjs';
import { PersistenceError } from '../errors.js';
import type { DocumentStore } from '../types.js';
import { materialize } from './materialize.js';
import { addAuthorship, type AuthorshipCache, readAuthorship } from './authorship.js';
import { mergedAuthorshipOf } from './merged-authorship.js';
import { RangeAuthors } from './range-authors.js';
import type { VersionCache } from './version-cache.js';

/** The text of a leaf node's run (U+FFFC, the object replacement character): one character, as it counts. */
export const EMBED = '\uFFFC';

/** Formatting attributes (a mark's name → its value at `to`; null: taken off). */
export type DiffFormats = Readonly<Record<string, unknown>>;

export interface DiffChange {
  readonly type: 'insert' | 'delete' | 'format';
  readonly text: string;
  readonly author: string;
  /** For 'format': what changed, as it is at `to`. */
  readonly formats?: DiffFormats;
  /** For 'format' runs whose marks were changed by more than one person: who changed each (`author` is the first's). */
  readonly by?: Readonly<Record<string, string>>;
  /** A leaf node's run (`text` is EMBED): the node's name ('image', 'horizontal_rule', 'hard_break'). */
  readonly node?: string;
}

/** A run of the document at `to` in order: unchanged text, inserted text, text deleted there, or text kept whose formatting changed. */
export interface DiffSegment {
  readonly type: 'keep' | 'insert' | 'delete' | 'format';
  readonly text: string;
  readonly author?: string;
  readonly formats?: DiffFormats;
  readonly by?: Readonly<Record<string, string>>;
  /** A leaf node's run (`text` is EMBED), as in DiffChange. */
  readonly node?: string;
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
  /** Diffs spanning at most this many updates apply them to the `from` version (default 2000); larger ones materialize both versions. */
  readonly nearUpdates?: number;
  /** Take versions from, and leave the `to` version in, this cache. */
  readonly versions?: VersionCache;
}

interface Run {
  type: DiffSegment['type'];
  author: string | undefined;
  parts: string[];
  formats?: DiffFormats;
  by?: Readonly<Record<string, string>>;
  /** `formats` and `by` as JSON: runs merge only with the same. */
  formatKey?: string;
  /** A leaf node's run: never merged with another. */
  node?: string;
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

  keep(text: string, node?: string): void {
    this.count(text);
    this.append(this.segments, 'keep', text, undefined, undefined, undefined, node);
  }

  change(type: 'insert' | 'delete', text: string, author: string, node?: string): void {
    this.count(text);
    this.append(this.segments, type, text, author, undefined, undefined, node);
    this.append(this.changes, type, text, author, undefined, undefined, node);
    this.totalsOf(author)[type === 'insert' ? 'inserted' : 'deleted'] += text.length;
  }

  /**
   * Text kept whose formatting changed to `formats`; `authors[i]` changed its i-th mark. The run is the first
   * one's (a run has one author); every one of them is in the totals.
   */
  format(text: string, authors: readonly string[], formats: DiffFormats, node?: string): void {
    this.count(text);
    const names = Object.keys(formats);
    const by = new Set(authors).size > 1 ? Object.fromEntries(names.map((name, i) => [name, authors[i]!])) : undefined;
    this.append(this.segments, 'format', text, authors[0]!, formats, by, node);
    this.append(this.changes, 'format', text, authors[0]!, formats, by, node);
    for (const author of authors) this.totalsOf(author);
  }

  private totalsOf(author: string): { inserted: number; deleted: number } {
    let t = this.totals.get(author);
    if (t === undefined) this.totals.set(author, (t = { inserted: 0, deleted: 0 }));
    return t;
  }

  finish(from: number, to: number): DocumentDiff {
    return {
      from,
      to,
      changes: this.changes.map((r) => ({
        type: r.type as DiffChange['type'],
        text: r.parts.join(''),
        author: r.author!,
        ...(r.formats === undefined ? {} : { formats: r.formats }),
        ...(r.by === undefined ? {} : { by: r.by }),
        ...(r.node === undefined ? {} : { node: r.node }),
      })),
      segments: this.segments.map((r) => ({
        type: r.type,
        text: r.parts.join(''),
        ...(r.author === undefined ? {} : { author: r.author }),
        ...(r.formats === undefined ? {} : { formats: r.formats }),
        ...(r.by === undefined ? {} : { by: r.by }),
        ...(r.node === undefined ? {} : { node: r.node }),
      })),
      authors: [...this.totals].map(([author, t]) => ({ author, ...t })).sort((a, b) => a.author.localeCompare(b.author)),
    };
  }

  private count(text: string): void {
    this.chars += text.length;
    if (this.chars > this.maxChars) {
      throw new PersistenceError('too-large', `The diff holds more than ${this.maxChars} characters; compare closer versions`, this.doc);
    }
  }

  private append(
    runs: Run[],
    type: DiffSegment['type'],
    text: string,
    author: string | undefined,
    formats?: DiffFormats,
    by?: Readonly<Record<string, string>>,
    node?: string,
  ): void {
    if (text === '') return;
    const formatKey = formats === undefined ? undefined : keyOf(formats, by);
    const last = runs.at(-1);
    if (node === undefined && last?.node === undefined && last?.type === type && last.author === author && last.formatKey === formatKey) last.parts.push(text);
    else {
      runs.push({
        type,
        author,
        parts: [text],
        ...(formats === undefined ? {} : { formats, formatKey }),
        ...(by === undefined ? {} : { by }),
        ...(node === undefined ? {} : { node }),
      });
    }
  }
}

/** The structs of `client` in `ydoc`, and the clock its state has reached. */
function clientStructs(ydoc: Y.Doc, client: number): { structs: Array<Y.Item | Y.GC>; state: number } {
  const structs = (ydoc.store.clients.get(client) ?? []) as Array<Y.Item | Y.GC>;
  const last = structs.at(-1);
  return { structs, state: last === undefined ? 0 : last.id.clock + last.length };
}

/** `node`: a leaf node's run (`text` is EMBED). */
type Emit = (type: 'insert' | 'delete', text: string, author: string, node?: string) => void;

/** A node attribute (`<node>.<attribute>`) whose value differs between the versions: its value at `to` (null: removed), and who changed it. */
interface AttributeChange {
  readonly name: string;
  readonly value: unknown;
  readonly author: string;
}

/**
 * Whether the attribute value written at `clock` of `item` (of the `to` version; items of one client
 * that were both deleted may have merged) was shown at `from`, and what it was.
 */
type AttributeAtFrom = (item: Y.Item, clock: number) => { readonly shown: boolean; readonly value?: unknown };

/**
 * The attributes of `element` that changed between the versions. For each, the item in effect at `from`
 * is the newest that existed then (if it was shown then); the change is credited as a mark's is: to
 * whoever deleted (replaced or removed) the item in effect at `from`, else whoever wrote the one now.
 */
function attributesChanged(
  element: Y.XmlElement,
  stateAtFrom: (client: number) => number,
  atFrom: AttributeAtFrom,
  inserted: RangeAuthors,
  deletedBy: RangeAuthors,
): AttributeChange[] {
  const changes: AttributeChange[] = [];
  for (const [key, current] of element._map) {
    // Written by `from` and not deleted since: the value then and now (the usual case, at no cost).
    if (!current.deleted && current.id.clock + current.length <= stateAtFrom(current.id.client)) continue;
    // The value written last before `from`: the last clock of the newest item that existed then.
    let then: Y.Item | null = current;
    while (then !== null && then.id.clock >= stateAtFrom(then.id.client)) then = then.left;
    const clock = then === null ? 0 : Math.min(then.id.clock + then.length, stateAtFrom(then.id.client)) - 1;
    const shown = then === null ? { shown: false } : atFrom(then, clock);
    const before = shown.shown ? shown.value : null;
    const now = current.deleted ? null : (current.content.getContent().at(-1) ?? null);
    if (sameValue(before ?? null, now)) continue;
    const isNew = current.id.clock + current.length > stateAtFrom(current.id.client);
    // A value two people set at once is deleted by the winner's arrival, in no update's delete set: then
    // the one who wrote the value that replaced it changed it.
    const replacedBy = (item: Y.Item) => deletedBy.find(item.id.client, clock).author ?? (item.right === null ? undefined : inserted.find(item.right.id.client, item.right.id.clock).author);
    const author = shown.shown && then!.deleted ? replacedBy(then!) : isNew ? inserted.find(current.id.client, current.id.clock + current.length - 1).author : undefined;
    changes.push({ name: `${element.nodeName}.${key}`, value: now, author: author ?? 'unknown' });
  }
  return changes;
}

/** Two attribute values alike (objects compared by sorted keys). */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && stableJson(a) === stableJson(b));
}

/** `combined([], attributes)`, once per list of attribute changes (all the kept text of a changed block shares it). */
const attributeRuns = new WeakMap<readonly AttributeChange[], { authors: string[]; formats: DiffFormats }>();
function combinedOnce(attributes: readonly AttributeChange[]): { authors: string[]; formats: DiffFormats } {
  let run = attributeRuns.get(attributes);
  if (run === undefined) attributeRuns.set(attributes, (run = combined([], attributes)));
  return run;
}

/** The key runs merge by, once per formats object (a block's kept text shares one). */
const formatKeys = new WeakMap<DiffFormats, string>();
function keyOf(formats: DiffFormats, by: Readonly<Record<string, string>> | undefined): string {
  if (by !== undefined) return stableJson([formats, by]);
  let key = formatKeys.get(formats);
  if (key === undefined) formatKeys.set(formats, (key = stableJson([formats, null])));
  return key;
}

/** `marks` and `attributes` changed on one run, as DiffBuilder.format takes them: names sorted, each with its changer. */
function combined(marks: ReadonlyArray<readonly [string, unknown, string]>, attributes: readonly AttributeChange[]): { authors: string[]; formats: DiffFormats } {
  const all = [...marks, ...attributes.map((a) => [a.name, a.value, a.author] as const)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { authors: all.map(([, , author]) => author), formats: Object.fromEntries(all.map(([name, value]) => [name, value])) };
}

/** The name of the leaf node a type is (an image, a rule, a line break), or undefined for any other. */
function leafName(type: unknown): string | undefined {
  return type instanceof Y.XmlElement && LEAF_NODES.has(type.nodeName) ? type.nodeName : undefined;
}
/** A format item shown at `from` and deleted by `to`: its clock, attribute and value. */
type FormatGone = (clock: number, key: string, value: unknown) => void;

/**
 * Emits `text` (Yjs ids client:clock…) as runs split where the attributed author changes. `fallback`: who
 * deleted the block holding text no update's delete set names (typed into it unseen by whoever deleted
 * the block, it went with the block).
 */
function attributed(type: 'insert' | 'delete', ranges: RangeAuthors, client: number, clock: number, text: string, emit: Emit, fallback?: string): void {
  for (let pos = clock, end = clock + text.length; pos < end; ) {
    const hit = ranges.find(client, pos);
    const stop = Math.min(end, hit.end);
    emit(type, text.slice(pos - clock, stop - clock), hit.author ?? fallback ?? 'unknown');
    pos = stop;
  }
}

/**
 * Everything visible in a type of the `from` version, which is gone at `to` with the type that held it;
 * `deleter`: who deleted that type (what no delete set names went with it).
 */
function walkRemoved(type: { readonly _start: Y.Item | null }, deleted: RangeAuthors, emit: Emit, deleter: string | undefined): void {
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    if (item.content instanceof Y.ContentString) attributed('delete', deleted, item.id.client, item.id.clock, item.content.str, emit, deleter);
    else if (item.content instanceof Y.ContentType) {
      const leaf = leafName(item.content.type);
      const by = deleted.find(item.id.client, item.id.clock).author ?? deleter;
      if (leaf === undefined) walkRemoved(item.content.type, deleted, emit, by);
      else emit('delete', EMBED, by ?? 'unknown', leaf);
    }
  }
}

/** Of ids client:[clock, clock+length), deleted by `to`: what was visible in `atFrom`, in clock order. */
function removed(
  atFrom: Y.Doc,
  deleted: RangeAuthors,
  client: number,
  clock: number,
  length: number,
  /** Where the emitted runs stand: from `clock`, over `span` clocks, one per character when `sliceable` (text); else one item (a node). */
  emit: (clock: number, span: number, sliceable: boolean) => Emit,
  format: FormatGone = () => {},
): void {
  const { structs, state } = clientStructs(atFrom, client);
  const end = Math.min(clock + length, state);
  if (clock >= end) return;
  for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < end; i++) {
    const struct = structs[i]!;
    if (!(struct instanceof Y.Item) || struct.deleted) continue;
    const a = Math.max(clock, struct.id.clock);
    if (struct.content instanceof Y.ContentFormat) {
      format(struct.id.clock, struct.content.key, struct.content.value);
    } else if (struct.content instanceof Y.ContentString) {
      const b = Math.min(end, struct.id.clock + struct.length);
      attributed('delete', deleted, client, a, struct.content.str.slice(a - struct.id.clock, b - struct.id.clock), emit(a, b - a, true));
    } else if (struct.content instanceof Y.ContentType) {
      const leaf = leafName(struct.content.type);
      const by = deleted.find(client, struct.id.clock).author;
      if (leaf === undefined) walkRemoved(struct.content.type, deleted, emit(a, 1, false), by);
      else emit(a, 1, false)('delete', EMBED, by ?? 'unknown', leaf);
    }
  }
}

/** The attributes whose values differ between `then` and `now`, by name. */
function formatsChanged(then: ReadonlyMap<string, unknown>, now: ReadonlyMap<string, unknown>): string[] {
  const names: string[] = [];
  for (const name of new Set([...then.keys(), ...now.keys()])) if (!sameValue(then.get(name) ?? null, now.get(name) ?? null)) names.push(name);
  return names.sort();
}

/** JSON of `value` with every object's keys sorted: the same for equal values written in another order (a mark's attributes). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Applying a few thousand small updates costs less than decoding a checkpoint of a long document. */
const NEAR_UPDATES = 2_000;

/**
 * The text that versions at `from` held under the ids deleted in (from, to], taken before `atFrom` is
 * turned into the `to` version: per client, in clock order.
 */
function recordRemoved(atFrom: Y.Doc, deleted: RangeAuthors) {
  type Entry = { clock: number; span: number; sliceable: boolean; runs: Array<['insert' | 'delete', string, string, string | undefined]>; format?: [string, unknown] };
  const recorded = new Map<number, Entry[]>();
  for (const [client, from, to] of deleted.runs()) {
    let list = recorded.get(client);
    if (list === undefined) recorded.set(client, (list = []));
    removed(
      atFrom,
      deleted,
      client,
      from,
      to - from,
      (clock, span, sliceable) => {
        const entry: Entry = { clock, span, sliceable, runs: [] };
        list.push(entry);
        return (type, text, author, node) => entry.runs.push([type, text, author, node]);
      },
      (clock, key, value) => list.push({ clock, span: 1, sliceable: false, runs: [], format: [key, value] }),
    );
  }
  // Asked per deleted item of the `to` version, which may be a part of an item recorded (text inserted
  // since into the middle of text deleted since splits it): only the characters of that part.
  return (client: number, clock: number, length: number, emit: Emit, format: FormatGone) => {
    const list = recorded.get(client) ?? [];
    let lo = 0;
    for (let hi = list.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.clock + list[mid]!.span <= clock) lo = mid + 1;
      else hi = mid;
    }
    const end = clock + length;
    for (let i = lo; i < list.length && list[i]!.clock < end; i++) {
      const entry = list[i]!;
      if (entry.format !== undefined) format(entry.clock, ...entry.format);
      if (!entry.sliceable) {
        for (const [type, text, author, node] of entry.runs) emit(type, text, author, node);
        continue;
      }
      const from = Math.max(clock, entry.clock);
      const to = Math.min(end, entry.clock + entry.span);
      let at = entry.clock;
      for (const [type, text, author, node] of entry.runs) {
        const a = Math.max(from, at);
        const b = Math.min(to, at + text.length);
        if (a < b) emit(type, text.slice(a - at, b - at), author, node);
        at += text.length;
      }
    }
  };
}

/**
 * Records the attribute values (of Y.XmlElements, keyed `client:clock`) that `transaction` deleted and that
 * existed at `from` (shown then: Yjs never undeletes), before Yjs drops the content of deleted items.
 */
function recordAttributes(transaction: Y.Transaction, stateAtFrom: (client: number) => number, into: Map<string, { shown: true; value: unknown }>): void {
  Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
    if (!(struct instanceof Y.Item) || struct.parentSub === null || !(struct.parent instanceof Y.XmlElement)) return;
    const { client, clock } = struct.id;
    const values = struct.content.getContent();
    for (let k = clock; k < Math.min(stateAtFrom(client), clock + struct.length); k++) into.set(`${client}:${k}`, { shown: true, value: values[k - clock] ?? null });
  });
}

export async function diffVersions(store: DocumentStore, doc: string, from: number, to: number, options: DiffOptions = {}): Promise<DocumentDiff> {
  const near = to > from && to - from <= (options.nearUpdates ?? NEAR_UPDATES);
  const { versions } = options;
  const atFrom = near && versions !== undefined ? await versions.take(store, doc, from) : await materialize(store, doc, from);
  // Whether `atTo` belongs to the version cache (left there, not destroyed).
  let cachedTo = false;
  const out = new DiffBuilder(doc, options.maxChars ?? Number.POSITIVE_INFINITY);
  const change: Emit = (type, text, author, node) => out.change(type, text, author, node);
  let atTo: Y.Doc;
  let stateAtFrom: (client: number) => number;
  let onDeleted: (client: number, clock: number, length: number, format: FormatGone) => void;
  let attributeAtFrom: AttributeAtFrom;
  let cleanup = () => {};
  let inserted: RangeAuthors;
  let deletedBy: RangeAuthors;
  try {
    if (near) {
      // One materialization: what the deleted ids held is recorded, then the updates between are applied.
      const updates = await store.readUpdates(doc, { afterSeq: from, toSeq: to });
      const authorship = { inserted: new RangeAuthors(), deleted: new RangeAuthors() };
      addAuthorship(doc, updates, authorship, await mergedAuthorshipOf(store, doc, updates));
      inserted = authorship.inserted;
      deletedBy = authorship.deleted;
      const states = Y.decodeStateVector(Y.encodeStateVector(atFrom));
      stateAtFrom = (client) => states.get(client) ?? 0;
      const replay = recordRemoved(atFrom, authorship.deleted);
      onDeleted = (client, clock, length, format) => replay(client, clock, length, change, format);
      // Attribute values deleted since `from` lose their content as the updates are applied: kept as they
      // are deleted (also a value two people set at once, deleted by the winner's arrival, in no delete set).
      const attributes = new Map<string, { shown: true; value: unknown }>();
      const keep = (transaction: Y.Transaction) => recordAttributes(transaction, stateAtFrom, attributes);
      atFrom.on('afterTransaction', keep);
      cleanup = () => atFrom.off('afterTransaction', keep);
      attributeAtFrom = (item, clock) =>
        !item.deleted ? { shown: true, value: item.content.getContent()[clock - item.id.clock] ?? null } : (attributes.get(`${item.id.client}:${clock}`) ?? { shown: false });
      try {
        Y.transact(atFrom, () => {
          for (const u of updates) Y.applyUpdate(atFrom, u.update);
        });
        cleanup();
      } catch (cause) {
        throw new PersistenceError('corrupt-data', `Stored history of ${JSON.stringify(doc)} from seq ${from} to ${to} cannot be applied`, doc, { cause });
      }
      atTo = atFrom;
      if (versions !== undefined) {
        versions.put(doc, to, atTo);
        cachedTo = true;
      }
    } else {
      let authorship = to > from ? await options.authorship?.covering(store, doc, from, to) : undefined;
      if (authorship === undefined) {
        authorship = { inserted: new RangeAuthors(), deleted: new RangeAuthors() };
        if (to > from) await readAuthorship(store, doc, from, to, authorship, options.chunk);
      }
      const { deleted } = authorship;
      inserted = authorship.inserted;
      deletedBy = deleted;
      atTo = versions !== undefined ? await versions.at(store, doc, to) : await materialize(store, doc, to);
      cachedTo = versions !== undefined;
      stateAtFrom = (client) => clientStructs(atFrom, client).state;
      onDeleted = (client, clock, length, format) => removed(atFrom, deleted, client, clock, length, () => change, format);
      attributeAtFrom = (item, clock) => {
        const { structs } = clientStructs(atFrom, item.id.client);
        const then = structs[Y.findIndexSS(structs, clock)];
        return then instanceof Y.Item && !then.deleted ? { shown: true, value: then.content.getContent()[clock - then.id.clock] ?? null } : { shown: false };
      };
    }
  } catch (error) {
    if (!(near && cachedTo)) atFrom.destroy();
    throw error;
  }

  // The document at `to` in order. Deleted items keep their place in it (their content is gone, as in
  // any garbage-collected document), so what they held at `from` is looked up by id.
  const changedAttributes = (element: Y.XmlElement) => attributesChanged(element, stateAtFrom, attributeAtFrom, inserted, deletedBy);
  // `attributes`: those changed on the elements around this type (a heading's level applies to its text).
  const walk = (type: { readonly _start: Y.Item | null }, attributes: readonly AttributeChange[]): void => {
    // The formatting in effect at `to` and at `from` (from the format items shown then: those still
    // there and not new, and those deleted since); for each attribute, whether the format item in effect
    // at `to` is new (and who wrote it), and whether the one in effect at `from` is gone (and who deleted
    // it). Only a type where a format item is new or gone can show a change.
    const now = new Map<string, unknown>();
    const then = new Map<string, unknown>();
    const sinceFrom = new Map<string, { changed: boolean; author: string }>();
    const ofFrom = new Map<string, { changed: boolean; author: string }>();
    let changed = false;
    const set = (map: Map<string, unknown>, key: string, value: unknown) => (value === null ? map.delete(key) : map.set(key, value));
    for (let item = type._start; item !== null; item = item.right) {
      const { client, clock } = item.id;
      if (item.deleted) {
        onDeleted(client, clock, item.length, (at, key, value) => {
          set(then, key, value);
          ofFrom.set(key, { changed: true, author: deletedBy.find(client, at).author ?? 'unknown' });
          changed = true;
        });
      } else if (item.content instanceof Y.ContentFormat) {
        const { key, value } = item.content;
        set(now, key, value);
        const isNew = clock >= stateAtFrom(client);
        sinceFrom.set(key, { changed: isNew, author: isNew ? (inserted.find(client, clock).author ?? 'unknown') : '' });
        if (isNew) changed = true;
        else {
          set(then, key, value);
          ofFrom.set(key, { changed: false, author: '' });
        }
      } else if (item.content instanceof Y.ContentString) {
        // Visible now and created by `from` means it was visible then too: Yjs never undeletes.
        const str = item.content.str;
        const existed = Math.max(0, Math.min(str.length, stateAtFrom(client) - clock));
        if (existed > 0) {
          const names = changed ? formatsChanged(then, now) : [];
          if (names.length + attributes.length === 0) out.keep(str.slice(0, existed));
          else {
            // Who changed a mark here: whoever deleted the format item in effect at `from` (that alone
            // changes it; a format item made since may only restate the default after other text), else
            // whoever made the one in effect now.
            const changer = (name: string) => (ofFrom.get(name)?.changed ? ofFrom.get(name)!.author : sinceFrom.get(name)?.changed ? sinceFrom.get(name)!.author : 'unknown');
            const run = names.length === 0 ? combinedOnce(attributes) : combined(names.map((n) => [n, now.get(n) ?? null, changer(n)] as const), attributes);
            out.format(str.slice(0, existed), run.authors, run.formats);
          }
        }
        if (existed < str.length) attributed('insert', inserted, client, clock + existed, str.slice(existed), change);
      } else if (item.content instanceof Y.ContentType) {
        const inner = item.content.type;
        const isNew = clock >= stateAtFrom(client);
        // A node made since `from` is inserted whole: its attributes are not changes of a kept one.
        const own = inner instanceof Y.XmlElement && !isNew ? changedAttributes(inner) : [];
        // A node of the same kind inside (a sub-task, a nested list) has its own values: not its parent's changes.
        const around = inner instanceof Y.XmlElement ? attributes.filter((a) => !a.name.startsWith(`${inner.nodeName}.`)) : attributes;
        const here = own.length === 0 ? around : [...around, ...own];
        const leaf = leafName(inner);
        if (leaf === undefined) walk(inner, here);
        else if (isNew) change('insert', EMBED, inserted.find(client, clock).author ?? 'unknown', leaf);
        else if (here.length === 0) out.keep(EMBED, leaf);
        else {
          const run = combined([], here);
          out.format(EMBED, run.authors, run.formats, leaf);
        }
      }
    }
  };
  try {
    for (const shared of atTo.share.values()) walk(shared, []);
  } finally {
    if (atFrom !== atTo || !cachedTo) atFrom.destroy();
    if (atFrom !== atTo && !cachedTo) atTo.destroy();
  }
  return out.finish(from, to);
}
