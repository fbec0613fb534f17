// Formatting applied to text while another person, not having seen it, moved the text.
//
// y-prosemirror writes a move as "delete here, insert a copy there" (moved-text.ts), and the copy carries
// the marks as the mover saw them. Alice makes "two" bold while Bob presses Enter after "one" in
// "one two three": Bob's copy " two three" is plain, Alice's bold stays on the deleted characters, and
// everyone lost it. Alice's editor can tell: a change from elsewhere moves characters whose marks she
// changed herself and the server had not acknowledged (so the mover cannot have seen that change). It
// makes the same change to their copies. Acknowledged changes are left alone: the mover may have seen them
// and changed the marks back on purpose. So bold acknowledged before the move reached this page (the mover
// offline) was lost; the mover's note of its move (noted-moves.ts) says which characters it copied and up
// to which of this page's changes it had seen the text it moved: those it had not are made again
// (lostInNoted).

import * as Y from 'yjs';
import { schema } from '../schema.js';
import { type ChangeCount, forgetStored } from './deleted-in-moves.js';
import { markAllowed } from './allowed-marks.js';
import { indexIn, type InsertedRun, insertedRuns, insertsAndDeletes, madeIn, moves, nodesDeletedFrom } from './moved-text.js';
import { notedMovesIn, standing } from './noted-moves.js';

const key = (id: Y.ID) => `${id.client}:${id.clock}`;

/** How many characters' formatting a page remembers (the oldest are forgotten first). */
const REMEMBERED = 20_000;

/** A mark attribute (y-prosemirror's: a mark's name, with "--<id>" when it may repeat) and its value (null: off). */
type Formats = Record<string, unknown>;

/** Formatting to make again: `formats` on character `id` of `node`. */
export interface FormatAgain {
  readonly node: Y.XmlText;
  readonly id: Y.ID;
  readonly formats: Formats;
}

const isNew = madeIn;

/** JSON equality of two attribute values (y-prosemirror writes a mark's attrs as a plain object). */
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** This page's own formatting changes, and the copies of others' moves that lost them. */
export class OwnFormats {
  /** Each character's attributes this page changed, each with the number of the change that did; `change`: the latest. */
  private readonly changed = new Map<string, { formats: Record<string, { value: unknown; change: number }>; change: number }>();

  /**
   * The same, acknowledged or not (the oldest forgotten first), each with the clock of this page's client
   * before the change that made it: a mover that had seen this page's client past it had seen the change.
   */
  private readonly changedEver = new Map<string, { client: number; formats: Record<string, { value: unknown; clock: number }> }>();

  constructor(private readonly changes: ChangeCount) {}

  /** Remembers which characters' marks `transaction`, a local edit, changed, and to what. */
  record(transaction: Y.Transaction): void {
    if (!madeFormats(transaction)) return;
    const change = this.changes.made() + 1;
    const client = transaction.doc.clientID;
    const clock = transaction.beforeState.get(client) ?? 0;
    for (const type of transaction.changed.keys()) {
      if (!(type instanceof Y.XmlText)) continue;
      for (const [id, formats] of formatChanges(transaction, type)) {
        const k = key(id);
        const earlier = this.changed.get(k);
        this.changed.delete(k); // re-inserted: the newest last
        const now = Object.fromEntries(Object.entries(formats).map(([name, value]) => [name, { value, change }]));
        this.changed.set(k, { formats: { ...earlier?.formats, ...now }, change });
        const ever = this.changedEver.get(k);
        this.changedEver.delete(k);
        const made = Object.fromEntries(Object.entries(formats).map(([name, value]) => [name, { value, clock }]));
        this.changedEver.set(k, { client, formats: { ...ever?.formats, ...made } });
      }
    }
    for (const k of this.changed.keys()) {
      if (this.changed.size <= REMEMBERED) break;
      this.changed.delete(k);
    }
    for (const k of this.changedEver.keys()) {
      if (this.changedEver.size <= REMEMBERED) break;
      this.changedEver.delete(k);
    }
  }

  /**
   * The formatting this page changed on characters a move noted in `transaction` (from elsewhere) copied,
   * where the mover had not seen the change (noted-moves.ts), to make on their copies.
   */
  lostInNoted(transaction: Y.Transaction): FormatAgain[] {
    if (this.changedEver.size === 0) return [];
    const out: FormatAgain[] = [];
    const attributesOf = new Map<Y.XmlText, Map<string, Formats>>();
    for (const move of notedMovesIn(transaction)) {
      for (const { source, copy } of move.pairs) {
        const mine = this.changedEver.get(key(source));
        if (mine === undefined || !standing(transaction.doc, copy)) continue;
        const node = (Y.getItem(transaction.doc.store, copy) as Y.Item).parent;
        if (!(node instanceof Y.XmlText)) continue;
        let attributes = attributesOf.get(node);
        if (attributes === undefined) attributesOf.set(node, (attributes = attributesByCharacter(node)));
        const has = attributes.get(key(copy)) ?? {};
        const allowed = allowedIn(node);
        // Each change the mover had not seen (one it had is the mover's to keep or change).
        const seen = move.seen(mine.client);
        const formats = Object.fromEntries(
          Object.entries(mine.formats)
            .filter(([name, { value, clock }]) => clock >= seen && !same(has[name], value) && (value === null || allowed(name)))
            .map(([name, { value }]) => [name, value]),
        );
        if (Object.keys(formats).length > 0) out.push({ node, id: copy, formats });
      }
    }
    return out;
  }

  /** The formatting this page changed, unacknowledged, on characters `transaction` (from elsewhere) moved, to make on their copies. */
  lostIn(transaction: Y.Transaction): FormatAgain[] {
    if (transaction.local) return [];
    const stored = this.changes.stored();
    forgetStored(this.changed, stored);
    if (this.changed.size === 0 || !insertsAndDeletes(transaction)) return [];
    const out: FormatAgain[] = [];
    const attributesOf = new Map<Y.XmlText, Map<string, Formats>>();
    let inserted: InsertedRun[] | undefined;
    for (const move of moves(transaction, nodesDeletedFrom(transaction))) {
      // Text the change inserted in more than one place (two joins of paragraphs alike) may have gone to
      // either: formatting made again on the wrong one would be worse than not at all.
      inserted ??= insertedRuns(transaction);
      const text = move.run.text.slice(move.at, move.at + move.ids.length);
      if (occurrences(inserted, text) > 1) continue;
      move.ids.forEach((id, i) => {
        const mine = this.changed.get(key(id));
        if (mine === undefined || mine.change <= stored) return;
        const copy = move.run.ids[move.at + i]!;
        let attributes = attributesOf.get(move.run.node);
        if (attributes === undefined) attributesOf.set(move.run.node, (attributes = attributesByCharacter(move.run.node)));
        const has = attributes.get(key(copy)) ?? {};
        const allowed = allowedIn(move.run.node);
        // Only attributes changed unacknowledged: one the mover may have seen is the mover's to keep or change.
        const formats = Object.fromEntries(
          Object.entries(mine.formats)
            .filter(([name, { value, change }]) => change > stored && !same(has[name], value) && (value === null || allowed(name)))
            .map(([name, { value }]) => [name, value]),
        );
        if (Object.keys(formats).length > 0) out.push({ node: move.run.node, id: copy, formats });
      });
    }
    return out;
  }
}

/** How many times `text` stands in `runs` (counting stops at 2). */
function occurrences(runs: readonly InsertedRun[], text: string): number {
  let count = 0;
  for (const run of runs) {
    for (let at = run.text.indexOf(text); at >= 0 && count < 2; at = run.text.indexOf(text, at + 1)) count += 1;
    if (count >= 2) break;
  }
  return count;
}

/** Whether the block holding `node` may hold a mark attribute (see join-rescue's markAllowed). */
function allowedIn(node: Y.XmlText): (name: string) => boolean {
  const block = node.parent instanceof Y.XmlElement ? schema.nodes[node.parent.nodeName] : undefined;
  return (name) => markAllowed(block, name);
}

/** Whether `transaction` wrote a format item (what changing a mark does). */
function madeFormats(transaction: Y.Transaction): boolean {
  for (const [client, after] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    const structs = transaction.doc.store.clients.get(client);
    if (after <= before || structs === undefined) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i]!;
      if (struct instanceof Y.Item && struct.content instanceof Y.ContentFormat) return true;
    }
  }
  return false;
}

/** The characters of `node` shown before and after `transaction` whose formats it changed, with the new values. */
function formatChanges(transaction: Y.Transaction, node: Y.XmlText): Array<[Y.ID, Formats]> {
  const before = new Map<string, unknown>();
  const after = new Map<string, unknown>();
  const out: Array<[Y.ID, Formats]> = [];
  for (let item = node._start; item !== null; item = item.right) {
    const deletedNow = Y.isDeleted(transaction.deleteSet, item.id);
    const wasThere = !isNew(transaction, item.id) && (!item.deleted || deletedNow);
    const isThere = !item.deleted;
    if (item.content instanceof Y.ContentFormat) {
      const { key: name, value } = item.content;
      if (wasThere) before.set(name, value);
      if (isThere) after.set(name, value);
      continue;
    }
    if (!wasThere || !isThere || !(item.content instanceof Y.ContentString)) continue;
    const formats: Formats = {};
    for (const name of new Set([...before.keys(), ...after.keys()])) {
      if (!same(before.get(name), after.get(name))) formats[name] = after.get(name) ?? null;
    }
    if (Object.keys(formats).length === 0) continue;
    for (let i = 0; i < item.length; i++) out.push([Y.createID(item.id.client, item.id.clock + i), formats]);
  }
  return out;
}

/** Each character of `node` shown now, with its formats. */
function attributesByCharacter(node: Y.XmlText): Map<string, Formats> {
  const out = new Map<string, Formats>();
  const current: Formats = {};
  for (let item = node._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    if (item.content instanceof Y.ContentFormat) {
      const { key: name, value } = item.content;
      if (value === null) delete current[name];
      else current[name] = value;
    } else if (item.content instanceof Y.ContentString) {
      const snapshot = { ...current };
      for (let i = 0; i < item.length; i++) out.set(key(Y.createID(item.id.client, item.id.clock + i)), snapshot);
    }
  }
  return out;
}

/** Makes `again` in one transaction of `origin`. */
export function applyFormatsAgain(doc: Y.Doc, again: readonly FormatAgain[], origin: unknown): void {
  doc.transact(() => {
    for (const { node, id, formats } of again) {
      const index = indexIn(node, id);
      if (index !== undefined) node.format(index, 1, formats);
    }
  }, origin);
}
