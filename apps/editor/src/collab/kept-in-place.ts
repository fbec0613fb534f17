// What a change of a block's shape kept, and where it moved the rest: known from ProseMirror, not guessed.
//
// y-prosemirror updates a changed block by comparing its old and new text from both ends and keeping what
// matches (lib0's simpleDiff). When the change moved text out of the block, what matches is a coincidence:
// Alice pastes the lines "Pasted first." and "Next" into "Ori|ginal first.": the line becomes
// "OriPasted first.", whose end " first." matches the old end, so Yjs kept the old characters " first."
// there as the end of the pasted line, and wrote the moved tail ("ginal first.", now after "Next") as new
// characters. Bob, who pressed Enter at the same place, moved those same old characters " first." to a new
// line: the pasted line came out torn ("OriPasted", then " first." on a line of its own). The same happened
// whenever pasted or joined text began or ended like the text it replaced or pushed on.
//
// ProseMirror's mapping of the person's change says which old characters stayed where they were and where
// each moved one went. After the update, in the blocks it touched:
// - an old character kept at a place the mapping does not put it is written again, as a new character with
//   the same formatting (`rewriteMisplaced`);
// - each old character the update deleted is paired with the new character at the place the mapping puts it:
//   the transaction's moves, exactly (`exactMoves`; what movesOf answers for it, and what noteMoves tells the
//   others), where they were found before by looking for the deleted text among the inserted (moved-text.ts),
//   which paired the moved tail "e" of "three" with the first "e" of a pasted "Pasted second".

import type { Node, Schema } from 'prosemirror-model';
import { type Mappable, ReplaceAroundStep, ReplaceStep, type Step } from 'prosemirror-transform';
import { rewriteText } from '@tandem/schema/rewrite-text';
import * as Y from 'yjs';
import { type InsertedRun, insertedRuns, madeIn, type Move, moves, nodesDeletedFrom, setMovesOf } from './moved-text.js';

/**
 * Whether `step`, on `doc` (the document before it), changes more than the text of one textblock: a
 * split, a join, a paste of blocks, a block moved or wrapped. Only such changes can move text between
 * blocks; typing, deleting and formatting within a line cannot.
 */
export function changesShape(step: Step, doc: Node): boolean {
  if (step instanceof ReplaceAroundStep) return true;
  if (!(step instanceof ReplaceStep)) return false;
  const { from, to, slice } = step;
  if (slice.openStart > 0 || slice.openEnd > 0) return true;
  let blocks = false;
  slice.content.forEach((n) => void (n.isInline || (blocks = true)));
  if (blocks) return true;
  const $from = doc.resolve(from);
  return !$from.parent.isTextblock || !$from.sameParent(doc.resolve(to));
}

/**
 * Whether `step`, within one textblock (not a change of shape), deletes or inserts a line break or an image:
 * y-prosemirror writes the line's text around it as other text nodes, so the text after a deleted line break
 * is deleted whole and written again (a copy) into the text before it. Such a step moves text as a join does.
 */
export function movesInLine(step: Step, doc: Node): boolean {
  if (!(step instanceof ReplaceStep)) return false;
  let found = false;
  step.slice.content.forEach((n) => void (n.isInline && !n.isText && (found = true)));
  if (!found && step.to > step.from) doc.nodesBetween(step.from, step.to, (n) => void (n.isInline && !n.isText && (found = true)));
  return found;
}

/**
 * Whether `transaction` (still open) deleted an id, as a function. Not Y.isDeleted on its delete set: Yjs
 * sorts that only as the transaction ends, and its binary search misses what was deleted out of order (this
 * module's rewrites come after y-prosemirror's deletions). Sorted here once, for what was deleted so far.
 */
function deletionsOf(transaction: Y.Transaction): (id: Y.ID) => boolean {
  const byClient = new Map<number, Array<{ clock: number; len: number }>>();
  for (const [client, ranges] of (transaction.deleteSet as unknown as { clients: Map<number, Array<{ clock: number; len: number }>> }).clients) {
    byClient.set(client, [...ranges].sort((a, b) => a.clock - b.clock));
  }
  return (id) => {
    const ranges = byClient.get(id.client);
    if (ranges === undefined) return false;
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = ranges[mid]!;
      if (id.clock < r.clock) hi = mid - 1;
      else if (id.clock >= r.clock + r.len) lo = mid + 1;
      else return true;
    }
    return false;
  };
}

/** A run of characters met by `walk` (one Yjs item's): the text node, and the run's place before and after the transaction. */
interface Run {
  readonly item: Y.Item;
  readonly node: Y.XmlText;
  /** The index of its first character among the node's characters shown now (when shown). */
  readonly index: number;
  readonly oldPos: number | undefined;
  readonly newPos: number | undefined;
}

/**
 * Walks the top-level blocks `blocks` (the fragment's items of the changed range, in order, those deleted by
 * `transaction` and those it made included), the first at `base` in both documents, calling `visit` for each
 * run of characters there before or after.
 */
function walk(transaction: Y.Transaction, schema: Schema, blocks: readonly Y.Item[], base: number, visit: (r: Run) => void, visitElement?: (oldPos: number, newPos: number) => void): void {
  const deletedBy = deletionsOf(transaction);
  const wasThere = (item: Y.Item) => !madeIn(transaction, item.id) && (!item.deleted || deletedBy(item.id));
  const isThere = (item: Y.Item) => !item.deleted;
  const isLeaf = (el: Y.XmlElement) => schema.nodes[el.nodeName]?.isLeaf === true;
  /** The size of `type` as ProseMirror counts it, before (`old`) or now. */
  const sizeOf = (type: Y.XmlElement | Y.XmlText, old: boolean): number => {
    if (type instanceof Y.XmlElement && isLeaf(type)) return 1;
    let size = type instanceof Y.XmlText ? 0 : 2;
    for (let item = type._start; item !== null; item = item.right) {
      if (!item.countable || !(old ? wasThere(item) : isThere(item))) continue;
      size += item.content instanceof Y.ContentType ? sizeOf(item.content.type as Y.XmlElement | Y.XmlText, old) : item.length;
    }
    return size;
  };
  const inside = (type: Y.XmlElement | Y.XmlText, oldAt: number | undefined, newAt: number | undefined) => {
    let index = 0;
    for (let item = type._start; item !== null; item = item.right) {
      if (!item.countable) continue;
      const was = oldAt !== undefined && wasThere(item);
      const is = newAt !== undefined && isThere(item);
      if (!was && !is) continue;
      if (item.content instanceof Y.ContentType) {
        const child = item.content.type as Y.XmlElement | Y.XmlText;
        node(child, was ? oldAt : undefined, is ? newAt : undefined);
        if (was) oldAt! += sizeOf(child, true);
        if (is) newAt! += sizeOf(child, false);
        continue;
      }
      if (type instanceof Y.XmlText && item.content instanceof Y.ContentString) {
        visit({ item, node: type, index, oldPos: was ? oldAt : undefined, newPos: is ? newAt : undefined });
      }
      if (was) oldAt! += item.length;
      if (is) {
        newAt! += item.length;
        index += item.length;
      }
    }
  };
  const node = (type: Y.XmlElement | Y.XmlText, oldAt: number | undefined, newAt: number | undefined) => {
    if (type instanceof Y.XmlElement && oldAt !== undefined && newAt !== undefined) visitElement?.(oldAt, newAt);
    if (type instanceof Y.XmlText) inside(type, oldAt, newAt);
    else if (!isLeaf(type)) inside(type, oldAt === undefined ? undefined : oldAt + 1, newAt === undefined ? undefined : newAt + 1);
  };
  let oldAt = base;
  let newAt = base;
  for (const item of blocks) {
    const was = wasThere(item);
    const is = isThere(item);
    const block = (item.content as Y.ContentType).type as Y.XmlElement;
    node(block, was ? oldAt : undefined, is ? newAt : undefined);
    if (was) oldAt += sizeOf(block, true);
    if (is) newAt += sizeOf(block, false);
  }
}

/** Whether the old character at `from` (old document) stands at `to` (new document), unchanged, by `mapping`. */
function stays(mapping: Mappable, from: number, to: number): boolean {
  const start = mapping.mapResult(from, 1);
  if (start.deletedAfter || start.pos !== to) return false;
  const end = mapping.mapResult(from + 1, -1);
  return !end.deletedBefore && end.pos === to + 1;
}

/** Where `mapping` puts the old character at `from`, if it kept it (moved or not). */
function placeOf(mapping: Mappable, from: number): number | undefined {
  const start = mapping.mapResult(from, 1);
  if (start.deletedAfter) return undefined;
  const end = mapping.mapResult(from + 1, -1);
  return !end.deletedBefore && end.pos === start.pos + 1 ? start.pos : undefined;
}

/**
 * The fragment's items from `first` (the first changed block) to the first block after it that was there
 * before and is not in `changed`: the changed range, blocks deleted or made by the transaction included.
 */
function rangeFrom(transaction: Y.Transaction, changedFirst: Y.Item, changed: ReadonlySet<unknown>): Y.Item[] {
  const deletedBy = deletionsOf(transaction);
  // Blocks the transaction made before the first changed one (Enter at the start of a paragraph) are in the range.
  let first = changedFirst;
  while (first.left !== null && (madeIn(transaction, first.left.id) || (first.left.deleted && !deletedBy(first.left.id)))) first = first.left;
  const items: Y.Item[] = [];
  for (let item: Y.Item | null = first; item !== null; item = item.right) {
    const made = madeIn(transaction, item.id);
    const deletedBefore = item.deleted && !made && !deletedBy(item.id);
    if (deletedBefore || (made && item.deleted) || !(item.content instanceof Y.ContentType)) continue;
    if (!made && !changed.has(item.content.type)) break;
    items.push(item);
  }
  return items;
}

/**
 * After `transaction` (this editor's edit, still open) updated the top-level blocks `changed` (the first
 * at `base`) for a change of shape described by `mapping`: writes again the old characters kept where the
 * mapping does not put them, then records the transaction's moves exactly (see the top of this file).
 */
export function settleShapeChange(transaction: Y.Transaction, schema: Schema, changed: readonly Y.XmlElement[], base: number, mapping: Mappable): void {
  const first = changed[0]?._item;
  if (first == null) return;
  const set = new Set<unknown>(changed);
  // y-prosemirror also keeps whole elements by likeness (list items pasted above their like): an element kept
  // where the mapping does not put it holds other characters than the mapping says, so nothing here is sure,
  // and the change is left as y-prosemirror wrote it.
  let elementsStay = true;
  walk(transaction, schema, rangeFrom(transaction, first, set), base, () => {}, (oldPos, newPos) => void (elementsStay &&= stays(mapping, oldPos, newPos)));
  if (!elementsStay) return;
  rewriteMisplaced(transaction, schema, rangeFrom(transaction, first, set), base, mapping);
  // Yjs sorts a transaction's deletions only as it ends, and the rewrites came after y-prosemirror's: what
  // looks them up by binary search before then (Y.isDeleted, in the move finders) is to find them.
  for (const ranges of (transaction.deleteSet as unknown as { clients: Map<number, Array<{ clock: number }>> }).clients.values()) ranges.sort((a, b) => a.clock - b.clock);
  setMovesOf(transaction, withFound(transaction, exactMoves(transaction, schema, rangeFrom(transaction, first, set), base, mapping)));
}

/**
 * `exact` and the moves found by looking for deleted text among the inserted (moved-text.ts) that share no
 * character with them: a block replaced by another holding its text (a paragraph replaced by a list item of
 * the same words) is to ProseMirror a deletion and an insertion, and to the others a move, as before.
 */
function withFound(transaction: Y.Transaction, exact: Move[]): Move[] {
  const { afterState } = transaction;
  let found: Move[];
  try {
    transaction.afterState = Y.decodeStateVector(Y.encodeStateVector(transaction.doc));
    found = moves(transaction, nodesDeletedFrom(transaction));
  } finally {
    transaction.afterState = afterState;
  }
  if (exact.length === 0) return found;
  const taken = new Map<number, Set<number>>();
  const take = (id: Y.ID) => {
    let clocks = taken.get(id.client);
    if (clocks === undefined) taken.set(id.client, (clocks = new Set()));
    clocks.add(id.clock);
  };
  const isTaken = (id: Y.ID) => taken.get(id.client)?.has(id.clock) === true;
  for (const m of exact) m.ids.forEach((id, i) => (take(id), take(m.run.ids[m.at + i]!)));
  const free = found.filter((m) => m.ids.every((id, i) => !isTaken(id) && !isTaken(m.run.ids[m.at + i]!)));
  return [...exact, ...free];
}

/** Writes again, as new characters with the same formatting, the old characters kept where `mapping` does not put them. */
function rewriteMisplaced(transaction: Y.Transaction, schema: Schema, blocks: readonly Y.Item[], base: number, mapping: Mappable): void {
  const misplaced: Array<{ node: Y.XmlText; index: number; length: number }> = [];
  walk(transaction, schema, blocks, base, ({ item, node, index, oldPos, newPos }) => {
    if (oldPos === undefined || newPos === undefined) return;
    const n = item.length;
    // Its first and last characters where they were, as far apart: the whole run stayed (the mapping keeps order).
    if (stays(mapping, oldPos, newPos) && stays(mapping, oldPos + n - 1, newPos + n - 1)) return;
    for (let i = 0; i < n; i++) {
      if (stays(mapping, oldPos + i, newPos + i)) continue;
      const last = misplaced[misplaced.length - 1];
      if (last !== undefined && last.node === node && last.index + last.length === index + i) last.length += 1;
      else misplaced.push({ node, index: index + i, length: 1 });
    }
  });
  // From the last, so that each index still holds when it is rewritten.
  for (let i = misplaced.length - 1; i >= 0; i--) {
    const { node, index, length } = misplaced[i]!;
    rewriteText(node, index, length);
  }
}

/** The moves of `transaction`: each old character it deleted, paired with the new one where `mapping` puts it. */
function exactMoves(transaction: Y.Transaction, schema: Schema, blocks: readonly Y.Item[], base: number, mapping: Mappable): Move[] {
  const deleted: Array<Run | null> = []; // null: characters shown between two deleted runs
  const made: Run[] = []; // in the order of their places
  walk(transaction, schema, blocks, base, (r) => {
    if (r.oldPos !== undefined && r.newPos === undefined) deleted.push(r);
    else {
      if (deleted.at(-1) !== null) deleted.push(null);
      if (r.newPos !== undefined && madeIn(transaction, r.item.id)) made.push(r);
    }
  });
  if (made.length === 0 || !deleted.some((r) => r !== null)) return [];
  // The runs of inserted characters, as the move finders see them (they read what was added from afterState, which Yjs sets as the transaction ends).
  const { afterState } = transaction;
  let runs: InsertedRun[];
  try {
    transaction.afterState = Y.decodeStateVector(Y.encodeStateVector(transaction.doc));
    runs = insertedRuns(transaction);
  } finally {
    transaction.afterState = afterState;
  }
  // Where each inserted character is in its run: by client, segments of consecutive clocks, sorted.
  const segments = new Map<number, Array<{ clock: number; length: number; run: InsertedRun; at: number }>>();
  for (const run of runs) {
    run.ids.forEach((id, at) => {
      const list = segments.get(id.client) ?? [];
      const lastSegment = list[list.length - 1];
      if (lastSegment !== undefined && lastSegment.run === run && lastSegment.clock + lastSegment.length === id.clock && lastSegment.at + lastSegment.length === at) lastSegment.length += 1;
      else list.push({ clock: id.clock, length: 1, run, at });
      segments.set(id.client, list);
    });
  }
  for (const list of segments.values()) list.sort((a, b) => a.clock - b.clock);
  const runOf = (client: number, clock: number): { run: InsertedRun; at: number } | undefined => {
    const list = segments.get(client);
    if (list === undefined) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const segment = list[mid]!;
      if (clock < segment.clock) hi = mid - 1;
      else if (clock >= segment.clock + segment.length) lo = mid + 1;
      else return { run: segment.run, at: segment.at + clock - segment.clock };
    }
    return undefined;
  };
  /** The new character at `pos`, if the transaction made one there. */
  const madeAt = (pos: number): { item: Y.Item; offset: number } | undefined => {
    let lo = 0;
    let hi = made.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = made[mid]!;
      if (pos < r.newPos!) hi = mid - 1;
      else if (pos >= r.newPos! + r.item.length) lo = mid + 1;
      else return { item: r.item, offset: pos - r.newPos! };
    }
    return undefined;
  };
  const paired: Array<{ node: Y.XmlText; ids: Y.ID[]; run: InsertedRun; at: number }> = [];
  let joined = false; // the last pair is of the character deleted just before
  for (const run of deleted) {
    if (run === null) {
      joined = false;
      continue;
    }
    const { item, node, oldPos } = run;
    const source = (item.content as Y.ContentString).str;
    const n = item.length;
    // The whole run deleted by the change, or carried whole to one place (its ends as far apart as before):
    // looked up at its ends only, not character by character (a 50 000-character paragraph split in two).
    const first = placeOf(mapping, oldPos!);
    const last = n === 1 ? first : placeOf(mapping, oldPos! + n - 1);
    if (first === undefined && last === undefined && mapping.mapResult(oldPos!, 1).pos === mapping.mapResult(oldPos! + n, -1).pos) {
      joined = false;
      continue;
    }
    const whole = first !== undefined && last !== undefined && last - first === n - 1;
    let place: { run: InsertedRun; at: number } | undefined;
    for (let i = 0; i < n; i++) {
      const to = whole ? first + i : placeOf(mapping, oldPos! + i);
      const copy = to === undefined ? undefined : madeAt(to);
      // The next character of the run inserted before, or looked up.
      const next = place === undefined || copy === undefined ? undefined : place.run.ids[place.at + 1];
      place =
        copy === undefined
          ? undefined
          : next !== undefined && next.client === copy.item.id.client && next.clock === copy.item.id.clock + copy.offset
            ? { run: place!.run, at: place!.at + 1 }
            : runOf(copy.item.id.client, copy.item.id.clock + copy.offset);
      if (copy === undefined || place === undefined || (copy.item.content as Y.ContentString).str[copy.offset] !== source[i]) {
        joined = false;
        continue;
      }
      const id = Y.createID(item.id.client, item.id.clock + i);
      const last = paired[paired.length - 1];
      if (joined && last !== undefined && last.node === node && last.run === place.run && last.at + last.ids.length === place.at) last.ids.push(id);
      else paired.push({ node, ids: [id], run: place.run, at: place.at });
      joined = true;
    }
  }
  return paired;
}
