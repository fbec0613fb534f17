// What is nested under a list item goes with its second half when someone splits the item meanwhile.
//
// Enter in a list item ("tw|o", with items nested under it) makes two items, and ProseMirror puts what was
// nested under the item in the second ("tw", then "o" with the nested items under it). y-prosemirror writes
// the split as: delete "o" from the item's line, insert a new item after it holding a copy of "o". A list
// nested under the item by someone who had not seen the split (Tab on the item after it, offline or in
// flight) was written into the old item, after its line: everyone got "tw", the nested items, then "o", the
// nested items now under the wrong half and out of order (found by a list fuzz of two people's Tab, Shift+Tab,
// Enter, typing and joins).
//
// One page of the two sees it, whichever change the server stored second (the server shows a change to
// others only once stored, and acknowledges it to its writer first):
// - the page that nested (Tab): the split arrives while its nested list is not yet acknowledged, so the
//   splitter cannot have seen it;
// - the page that split: the nested list arrives while its split is not yet acknowledged, so the other
//   cannot have seen the split.
// That page moves the nested blocks to the end of the new item: a copy there, the old one deleted, a change
// of RESCUE_ORIGIN stored and sent as any other, its copied characters noted (noteCopies) as a move's.

import * as Y from 'yjs';
import { schema } from '../schema.js';
import { forEachNewItem, madeIn } from './moved-text.js';
import { notedMovesIn, noteCopies } from './noted-moves.js';
import type { Retyped } from './rescue-undo.js';

/** The kinds of list item a split makes two of. */
const ITEMS: ReadonlySet<string> = new Set(['list_item', 'task_item']);

/** A block nested in a list item, after its first line, that goes to the end of the item split off it. */
export interface NestedToMove {
  readonly block: Y.XmlElement;
  readonly to: Y.XmlElement;
}

const elementOf = (item: Y.Item | null): Y.XmlElement | undefined =>
  item !== null && item.content instanceof Y.ContentType && item.content.type instanceof Y.XmlElement ? item.content.type : undefined;

/** The list item a character's line is the first line of, if it is one (the line's paragraph, then its item). */
function itemOfLine(doc: Y.Doc, id: Y.ID): { item: Y.XmlElement; line: Y.XmlElement } | undefined {
  if (id.clock >= Y.getState(doc.store, id.client)) return undefined;
  const char = Y.getItem(doc.store, id);
  const text = char instanceof Y.Item ? char.parent : null;
  if (!(text instanceof Y.XmlText) || !(text.parent instanceof Y.XmlElement)) return undefined;
  const line = text.parent;
  const item = line.parent;
  if (!(item instanceof Y.XmlElement) || !ITEMS.has(item.nodeName) || item._item === null || item._item.deleted) return undefined;
  if (line._item === null || line._item.deleted || firstStanding(item) !== line._item) return undefined;
  return { item, line };
}

/** The first child of `element` that is not deleted. */
function firstStanding(element: Y.XmlElement): Y.Item | null {
  let child = element._start;
  while (child !== null && child.deleted) child = child.right;
  return child;
}

/** Whether `split` is a list item standing after `item` in the same list, with nothing standing between them but what `transaction` made. */
function splitOff(transaction: Y.Transaction, item: Y.XmlElement, split: Y.XmlElement): boolean {
  if (split.parent !== item.parent || split._item === null || split._item.deleted || !madeIn(transaction, split._item.id)) return false;
  for (let next = item._item!.right; next !== null; next = next.right) {
    if (next === split._item) return true;
    if (!next.deleted && !madeIn(transaction, next.id)) return false;
  }
  return false;
}

/** The standing blocks of `item` after its first line that `movable` says go. */
function nestedAfterLine(item: Y.XmlElement, line: Y.XmlElement, movable: (block: Y.Item) => boolean): Y.XmlElement[] {
  const out: Y.XmlElement[] = [];
  for (let child = line._item!.right; child !== null; child = child.right) {
    const block = elementOf(child);
    if (block !== undefined && !child.deleted && movable(child)) out.push(block);
  }
  return out;
}

/**
 * The page that nested: this page's blocks (`movable`: not yet acknowledged) nested under a list item that
 * `transaction` (from elsewhere) split, moving the end of its line into a new item after it (the mover's
 * note, noted-moves.ts, names the characters it copied).
 */
export function nestedLeftBySplit(transaction: Y.Transaction, movable: (id: Y.ID) => boolean): NestedToMove[] {
  const out: NestedToMove[] = [];
  const seen = new Set<Y.XmlElement>();
  for (const note of notedMovesIn(transaction)) {
    const { source, copy } = note.pairs[0]!;
    const from = itemOfLine(transaction.doc, source);
    const to = itemOfLine(transaction.doc, copy);
    if (from === undefined || to === undefined || seen.has(from.item) || !splitOff(transaction, from.item, to.item)) continue;
    seen.add(from.item);
    const blocks = nestedAfterLine(from.item, from.line, (child) => movable(child.id) && child.id.clock >= note.seen(child.id.client));
    if (blocks.length > 0) out.push(...blocks.map((block) => ({ block, to: to.item })));
  }
  return out;
}

/**
 * The page that split: blocks `transaction` (from elsewhere) nested under a list item after its first line,
 * while this page's own split of that line (`copyOf`: where this page's not yet acknowledged move put a
 * character) had moved its end into a new item after it.
 */
export function nestedBeforeSplit(transaction: Y.Transaction, copyOf: (id: Y.ID) => Y.ID | undefined): NestedToMove[] {
  if (transaction.local) return [];
  const out: NestedToMove[] = [];
  const looked = new Set<Y.XmlElement>();
  forEachNewItem(transaction, (made) => {
    const item = made.parent;
    if (!(item instanceof Y.XmlElement) || looked.has(item) || made.deleted || elementOf(made) === undefined || !ITEMS.has(item.nodeName)) return;
    if (item._item === null || item._item.deleted || madeIn(transaction, item._item.id)) return;
    looked.add(item);
    const first = firstStanding(item);
    const line = elementOf(first);
    const text = line?.length === 1 ? line.get(0) : undefined;
    if (line === undefined || !(text instanceof Y.XmlText)) return;
    // The line's end, moved by this page: a deleted character of it that this page's move copied into an item after it.
    let to: Y.XmlElement | undefined;
    for (let char = text._start; char !== null && to === undefined; char = char.right) {
      // Deleted characters are collected (ContentDeleted) once their transaction ends.
      if (!char.deleted || !(char.content instanceof Y.ContentString || char.content instanceof Y.ContentDeleted)) continue;
      for (let i = 0; i < char.length && to === undefined; i++) {
        const copy = copyOf(Y.createID(char.id.client, char.id.clock + i));
        const split = copy === undefined ? undefined : itemOfLine(transaction.doc, copy);
        if (split !== undefined && split.item.parent === item.parent && split.item !== item && comesAfter(item, split.item)) to = split.item;
      }
    }
    if (to === undefined) return;
    const blocks = nestedAfterLine(item, line, (child) => madeIn(transaction, child.id));
    out.push(...blocks.map((block) => ({ block, to: to! })));
  });
  return out;
}

/** Whether `later` stands after `item` among their siblings. */
function comesAfter(item: Y.XmlElement, later: Y.XmlElement): boolean {
  for (let next = item._item!.right; next !== null; next = next.right) if (next === later._item) return true;
  return false;
}

/** Whether a block named `name` may stand at the end of `element` (the schema's content of its kind). */
function fitsAtEnd(element: Y.XmlElement, name: string): boolean {
  let match = schema.nodes[element.nodeName]?.contentMatch ?? null;
  for (let child = element._start; child !== null && match !== null; child = child.right) {
    const block = elementOf(child);
    if (child.deleted || block === undefined) continue;
    const type = schema.nodes[block.nodeName];
    match = type === undefined ? null : match.matchType(type);
  }
  const type = schema.nodes[name];
  return match !== null && type !== undefined && match.matchType(type) !== null;
}

/** The characters of `element` (at any depth) that stand, in the document's order. */
function charactersOf(element: Y.XmlElement | Y.XmlText): Y.ID[] {
  const ids: Y.ID[] = [];
  for (let child = element._start; child !== null; child = child.right) {
    if (child.deleted || !(child.content instanceof Y.ContentType || child.content instanceof Y.ContentString)) continue;
    if (child.content instanceof Y.ContentString) for (let i = 0; i < child.length; i++) ids.push(Y.createID(child.id.client, child.id.clock + i));
    else if (child.content.type instanceof Y.XmlElement || child.content.type instanceof Y.XmlText) ids.push(...charactersOf(child.content.type));
  }
  return ids;
}

/**
 * Moves each of `nested` to the end of its item, in one change of `origin`: a copy there (its marks and
 * attributes), the block deleted. Returns the copies' characters with what they stand for (for the undo step
 * of what the page's person wrote: rescue-undo.ts).
 */
export function moveNested(doc: Y.Doc, nested: readonly NestedToMove[], origin: unknown): Retyped[] {
  const retyped: Retyped[] = [];
  doc.transact((transaction) => {
    for (const { block, to } of nested) {
      const from = block.parent;
      if (block._item === null || block._item.deleted || !(from instanceof Y.XmlElement) || to._item === null || to._item.deleted || !fitsAtEnd(to, block.nodeName)) continue;
      const chars = charactersOf(block);
      const clock = Y.getState(doc.store, doc.clientID);
      to.insert(to.length, [block.clone()]);
      const run: Retyped = { from: chars, client: doc.clientID, clock, length: Y.getState(doc.store, doc.clientID) - clock };
      let index = 0;
      for (let child = from._start; child !== null && child !== block._item; child = child.right) if (!child.deleted && child.countable) index += child.length;
      from.delete(index, 1);
      if (chars.length > 0) {
        noteCopies(transaction, [run]);
        retyped.push(run);
      }
    }
  }, origin);
  return retyped;
}

/** A block another page moved whole (moveNested): its copy's clocks, and the block it stands for. */
export interface WholeCopy {
  readonly original: Y.Item;
  readonly client: number;
  readonly clock: number;
  readonly length: number;
}

/**
 * The blocks `transaction` (from elsewhere) moved whole, as moveNested does: a block it deleted, and a copy of
 * it made in it, the copy's characters noted as copies of the block's. Each copy's whole clock range (the
 * blocks around its characters too), for the undo step that made the block: Ctrl+Z of it takes the copy out
 * whole, not only its characters (which left an empty nested item behind).
 */
export function wholeCopiesIn(transaction: Y.Transaction): WholeCopy[] {
  const out: WholeCopy[] = [];
  const done = new Set<Y.Item>();
  for (const note of notedMovesIn(transaction)) {
    if (!note.block) continue;
    const { source, copy } = note.pairs[0]!;
    const copyChar = Y.getItem(transaction.doc.store, copy);
    const sourceChar = Y.getItem(transaction.doc.store, source);
    if (!(copyChar instanceof Y.Item) || !(sourceChar instanceof Y.Item)) continue;
    // Up from the copy's character through what the transaction made, and as far up from the original
    // through what it deleted (the item the other split, made in the same update, holds the copy: not part of it).
    let root: Y.Item = copyChar;
    let original: Y.Item = sourceChar;
    while (root.parent instanceof Y.AbstractType && root.parent._item !== null && madeIn(transaction, root.parent._item.id)) {
      const up = original.parent instanceof Y.AbstractType ? original.parent._item : null;
      if (up === null || !Y.isDeleted(transaction.deleteSet, up.id)) break;
      root = root.parent._item;
      original = up;
    }
    if (root === copyChar || done.has(root) || !Y.isDeleted(transaction.deleteSet, original.id)) continue;
    const rootType = elementOf(root);
    if (rootType === undefined || !(original.content instanceof Y.ContentType) || !(original.content.type instanceof Y.XmlElement) || original.content.type.nodeName !== rootType.nodeName) continue;
    done.add(root);
    let end = root.id.clock + root.length;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any shared type, walked for its items
    const reach = (type: Y.AbstractType<any>): void => {
      for (let child = type._start; child !== null; child = child.right) {
        if (child.id.client === root.id.client) end = Math.max(end, child.id.clock + child.length);
        if (child.content instanceof Y.ContentType) reach(child.content.type);
      }
    };
    reach(rootType);
    out.push({ original, client: root.id.client, clock: root.id.clock, length: end - root.id.clock });
  }
  return out;
}
