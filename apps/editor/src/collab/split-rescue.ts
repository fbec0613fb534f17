// Keeping what this person typed into the part of a paragraph someone else split off with Enter meanwhile.
//
// y-prosemirror writes Enter in the middle of a paragraph as: delete the text after the caret, insert it
// into a new paragraph. Characters typed into that text by someone who had not yet sent them to the one
// pressing Enter (offline, or in flight) are not deleted (that editor did not know them) but stay in the
// old paragraph, now among deleted characters: "Hello wo|rld" split after "Hello" while Bob typed X after
// "wo" gave "HelloX" and " world" for everyone. Bob's editor sees it happen: a change from elsewhere moves
// the characters on both sides of his (moved-text.ts) and leaves his own behind. It moves his characters
// to the same place in the moved text: a new edit of his, stored and sent as any other.
//
// Which characters the mover had not seen: this person's that the server had not acknowledged storing when
// the move arrived (the server shows an update to others only once stored, and acknowledges it first), left
// inside moved text or after it at the paragraph's end (a character the mover had seen there would have
// moved with the rest). Characters at the split point itself (moved text on one side, kept text on the
// other) stay. The test of acknowledgement matters: another person's editor moving their own characters
// back (this very rescue) is also a move, and must not take text of this person's that was seen.

import { ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { unseenDeletionsIn } from './deleted-in-moves.js';
import { insertWithAllowedMarks, noteWhatWasSeen, RESCUE_ORIGIN, sameMarks, shownCharacters, type LostText, type Ownership } from './join-rescue.js';
import { broughtBackBy, indexIn, insertsAndDeletes, madeIn, movedCharacters, moves, nodesDeletedFrom, nodesWritten } from './moved-text.js';
import { notedMovesIn, noteCopies } from './noted-moves.js';
import type { Retyped } from './rescue-undo.js';
import { keepFromUndo, stepJustMade } from '../undo-steps.js';

/** This person's characters left behind by a move: to delete from `node` and type again at `lost.at`. */
export interface Stranded {
  readonly node: Y.XmlText;
  readonly ids: readonly Y.ID[];
  readonly lost: LostText;
  /** Stood at the start of the text an undo moved (a redo moving that text out again takes them along). */
  readonly fromStart?: boolean;
}

type Kind = 'moved' | 'deleted' | 'kept';

interface Char {
  readonly id: Y.ID;
  readonly ch: string;
  readonly kind: Kind;
  /** Still there, and one to move if left behind (this person's unseen by the mover; another's after an undo). */
  readonly mine: boolean;
  readonly attributes: Record<string, unknown>;
}

/**
 * This person's characters that `transaction` (from elsewhere) left behind when it moved the text around
 * them, with where each run goes. Must run before the transaction's cleanup (an 'afterTransaction'
 * handler): deleted content is garbage-collected right after.
 */
export function strandedByMoves(transaction: Y.Transaction, { own, stored }: Ownership): Stranded[] {
  if (transaction.local) return [];
  // What the movers said they had seen of the text they moved from (noted-moves.ts), by that text node: read
  // only if a character of this person's is in question (a page opening a document reads every note ever
  // written in one transaction).
  let seenIn: Map<unknown, (client: number) => number> | undefined;
  const notedSeen = () => {
    const found = new Map<unknown, (client: number) => number>();
    for (const move of notedMovesIn(transaction)) {
      const source = Y.getItem(transaction.doc.store, move.pairs[0]!.source); // in the store: notedMovesIn checks
      if (source instanceof Y.Item && !found.has(source.parent)) found.set(source.parent, move.seen);
    }
    return found;
  };
  const unseenByMover = (id: Y.ID) => {
    seenIn ??= notedSeen();
    if (seenIn.size === 0) return false;
    const item = Y.getItem(transaction.doc.store, id);
    const seen = item instanceof Y.Item ? seenIn.get(item.parent) : undefined;
    return seen !== undefined && id.clock >= seen(id.client);
  };
  // This person's characters the server had not acknowledged storing (the mover cannot have seen them), or
  // that the mover said it had not seen.
  return stranded(transaction, (id) => own(id.client) && (id.clock >= stored(id.client) || unseenByMover(id)));
}

/**
 * Other people's characters that this editor's own undo or redo (`transaction`) left behind when it moved
 * the text around them: taking back a join puts the second paragraph's text back in a paragraph of its own,
 * and what someone typed into it since, after the moved text, stayed in the first. Undo moves only this
 * person's own items, so theirs are seen, and left alone on purpose.
 */
export function strandedByOwnUndo(
  transaction: Y.Transaction,
  movedBefore: (id: Y.ID) => boolean = () => false,
  movedFromStart: (id: Y.ID) => boolean = () => false,
  stepMadeAt?: ReadonlyMap<number, number>,
  takenOut: (node: Y.XmlText) => boolean = () => true,
): Stranded[] {
  const me = transaction.doc.clientID;
  const typedAfter = stepMadeAt === undefined ? [] : typedAfterUndone(transaction, stepMadeAt);
  return [...stranded(transaction, (id) => id.client !== me || movedBefore(id), true, movedFromStart, takenOut), ...typedAfter];
}

/**
 * Others' characters typed right where text this undo (or redo) brings back had been deleted: "Hello| world"
 * split after "Hello", Bob types X at the end of "Hello". Yjs puts a character typed there after the deleted
 * text, so the text brought back went before it: "Hello worldX". They go before the text brought back. Only
 * characters typed after the step being taken back was made (`stepMadeAt`, the document's state vector then):
 * one typed after that text while it stood (a word added at the end of a pasted line) stays after it.
 */
function typedAfterUndone(transaction: Y.Transaction, stepMadeAt: ReadonlyMap<number, number>): Stranded[] {
  const { doc } = transaction;
  const isNew = (item: Y.Item) => madeIn(transaction, item.id);
  /** Whether `id` names a deleted character this transaction brought back. */
  const broughtBack = (id: Y.ID | null) => {
    const struct = id === null ? undefined : Y.getItem(doc.store, id);
    return struct instanceof Y.Item && broughtBackBy(transaction, struct);
  };
  const out: Stranded[] = [];
  for (const node of nodesWritten(transaction)) {
    let shown: ReturnType<typeof shownCharacters> | undefined;
    for (let item = node._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable || isNew(item) || item.id.client === doc.clientID || item.origin === null) continue;
      if (!(item.content instanceof Y.ContentString) || item.id.clock < (stepMadeAt.get(item.id.client) ?? 0)) continue;
      // Typed after a character this transaction brought back (its redone copy is new here)...
      const origin = Y.getItem(doc.store, item.origin);
      if (!(origin instanceof Y.Item) || !origin.deleted || origin.redone === null) continue;
      const redone = Y.getItem(doc.store, origin.redone);
      if (!(redone instanceof Y.Item) || !isNew(redone) || redone.parent !== node) continue;
      // ...not inside it: one typed between two characters both brought back ("wo|rld") is where Yjs put it.
      if (broughtBack(item.rightOrigin)) continue;
      // ...and shown right after the text brought back.
      let before = item.left;
      while (before !== null && (before.deleted || !before.countable)) before = before.left;
      if (before === null || !isNew(before)) continue;
      // The start of the deleted run it followed, brought back: where it goes.
      let first: Y.Item = origin;
      while (first.left !== null && first.left.deleted && first.left.redone !== null) first = first.left;
      const start = Y.getItem(doc.store, first.redone!);
      const index = start instanceof Y.Item ? indexIn(node, start.id) : undefined;
      if (index === undefined) continue;
      // The run typed there: this character and the same client's that follow it.
      const ids: Y.ID[] = [];
      let text = '';
      let last: Y.Item | null = item;
      for (let next: Y.Item | null = item; next !== null; next = next.right) {
        if (next.deleted || !next.countable) continue;
        if (next.id.client !== item.id.client || isNew(next) || !(next.content instanceof Y.ContentString)) break;
        for (let i = 0; i < next.length; i++) ids.push(Y.createID(next.id.client, next.id.clock + i));
        text += next.content.str;
        last = next;
      }
      shown ??= shownCharacters(node, transaction);
      const attributes = shown.find((c) => Y.compareIDs(c.id, ids[0]!))?.attributes ?? {};
      out.push({ node, ids, lost: { text, attributes, at: Y.createRelativePositionFromTypeIndex(node, index), from: ids } });
      item = last;
    }
  }
  return out;
}

/** The characters `movable` says may go that `transaction` left behind in text it moved, with where each run goes. */
function stranded(
  transaction: Y.Transaction,
  movable: (id: Y.ID) => boolean,
  anywhere = false,
  movedFromStart?: (id: Y.ID) => boolean,
  takenOut?: (node: Y.XmlText) => boolean,
): Stranded[] {
  if (!insertsAndDeletes(transaction)) return []; // no move without both
  // Text nodes still there that this transaction deleted characters from and that hold characters of this person's.
  const nodes = [...nodesDeletedFrom(transaction)].filter((node) => node._item === null || !node._item.deleted);
  const mineIn = (node: Y.XmlText) => {
    for (let item = node._start; item !== null; item = item.right) if (!item.deleted && item.countable && movable(item.id)) return true;
    return false;
  };
  const candidates = nodes.filter(mineIn);
  if (candidates.length === 0) return [];
  // The mover may have copied text this page deleted meanwhile (deleted-in-moves.ts): counted in.
  const place = movedCharacters(transaction, candidates, anywhere, unseenDeletionsIn(transaction));
  const out: Stranded[] = [];
  for (const node of candidates) out.push(...strandedIn(node, transaction, movable, place, anywhere, movedFromStart, takenOut));
  return out;
}

function strandedIn(
  node: Y.XmlText,
  transaction: Y.Transaction,
  movable: (id: Y.ID) => boolean,
  place: ReturnType<typeof movedCharacters>,
  ownUndo = false,
  movedFromStart: (id: Y.ID) => boolean = () => false,
  takenOut: (node: Y.XmlText) => boolean = () => true,
): Stranded[] {
  // The characters the node showed before this transaction, with their marks and what became of them.
  const chars: Char[] = shownCharacters(node, transaction).map(({ ch, id, attributes, deleted }) => {
    const kind: Kind = !deleted ? 'kept' : place(id) !== undefined ? 'moved' : 'deleted';
    return { id, ch, kind, mine: kind === 'kept' && movable(id), attributes };
  });
  const out: Stranded[] = [];
  let i = 0;
  while (i < chars.length) {
    if (!chars[i]!.mine) {
      i++;
      continue;
    }
    let j = i;
    while (j < chars.length && chars[j]!.mine) j++;
    // chars[i..j) are this person's and still there; what is on either side? For this editor's own undo, past
    // what the undo deletes (the pasted "Three" of "Three|world": Bob's letter goes with "world").
    let l = i - 1;
    let r = j;
    if (ownUndo) {
      while (l >= 0 && chars[l]!.kind === 'deleted') l--;
      while (r < chars.length && chars[r]!.kind === 'deleted') r++;
    }
    const left = l >= 0 ? chars[l]! : undefined;
    const right = r < chars.length ? chars[r]! : undefined;
    const leftMoved = left?.kind === 'moved';
    const rightMoved = right?.kind === 'moved';
    // Taking back a split (this editor's undo) moves the whole second half back: what was typed at its very
    // start goes with it too, before it. (A move from elsewhere leaves a node's first characters: a node whose
    // whole text moved out and stays is an undo's doing.)
    // Only from a block the step being taken back had made (its undo takes it out): a redo of a split moves the
    // second half out of a block that stays, and the first half, at its start, stays with it (Bob's Ctrl+Y of
    // his Enter in "brown fox |jumps", Alice's line, took "brown fox " along into his).
    const atStartOfMoved = ownUndo && left === undefined && rightMoved && takenOut(node);
    // And a redo moving it out again takes along what the undo had moved from its start: at the split point,
    // those characters go with the text on their right, where they came from.
    const backToTheStart = ownUndo && rightMoved && left?.kind === 'kept' && chars.slice(i, j).every((c) => movedFromStart(c.id));
    // Typed into text this undo takes out, last in the line, after which the undo brings back what that text
    // had replaced: where the text was. Ctrl+Z of a paste into "Hello |world", Bob's X typed into the pasted
    // "On|e": "Hello Xworld" (Yjs left it after the brought-back "world").
    // Only when what comes back was moved here (the paste's copy of "world" taken out of its last line): after
    // a word the undo only puts back ("there" over "world", Bob's " again" after it), the letters stay after it.
    const inTakenOut =
      ownUndo &&
      right === undefined &&
      left?.kind === 'kept' &&
      chars[i - 1]!.kind === 'deleted' &&
      broughtBackBetween(transaction, left.id, chars[i]!.id) &&
      movedInto(transaction, node);
    if ((leftMoved && (rightMoved || right === undefined)) || atStartOfMoved || backToTheStart || inTakenOut) {
      // Before the right neighbour's new place, or after the left one's (where it stands, for inTakenOut).
      const anchor = inTakenOut ? { node, id: left!.id } : rightMoved ? place(right!.id)! : place(left!.id)!;
      const index = indexIn(anchor.node, anchor.id);
      // Not an image or another embed: typing it again would not bring it back, so it stays where it is.
      if (index !== undefined && !chars.slice(i, j).some((c) => c.ch === '\uFFFC')) {
        const at = Y.createRelativePositionFromTypeIndex(anchor.node, rightMoved ? index : index + 1);
        // One run per set of marks, each typed again before the next.
        let k = i;
        while (k < j) {
          let m = k + 1;
          while (m < j && sameMarks(chars[m]!.attributes, chars[k]!.attributes)) m++;
          const run = chars.slice(k, m);
          const text = run.map((c) => c.ch).join('');
          const ids = run.map((c) => c.id);
          out.push({ node, ids, lost: { text, attributes: chars[k]!.attributes, at, from: ids }, ...(atStartOfMoved ? { fromStart: true } : {}) });
          k = m;
        }
      }
    }
    i = j;
  }
  return out;
}

/** Transaction meta: the text nodes this page's undo moved text into from other nodes (movedInto). */
const MOVED_INTO = Symbol('tandem:moved-into');

/** Whether `transaction` (this page's undo or redo) moved text into `node` from another text node. */
function movedInto(transaction: Y.Transaction, node: Y.XmlText): boolean {
  let into = transaction.meta.get(MOVED_INTO) as Set<Y.XmlText> | undefined;
  if (into === undefined) {
    into = new Set(moves(transaction, nodesDeletedFrom(transaction), true).filter((m) => m.node !== m.run.node).map((m) => m.run.node));
    transaction.meta.set(MOVED_INTO, into);
  }
  return into.has(node);
}

/** Whether `transaction` brought back text that stands between characters `from` and `to` (one text node). */
function broughtBackBetween(transaction: Y.Transaction, from: Y.ID, to: Y.ID): boolean {
  const start = Y.getItem(transaction.doc.store, from);
  if (!(start instanceof Y.Item)) return false;
  for (let item = start.right; item !== null; item = item.right) {
    if (item.id.client === to.client && to.clock >= item.id.clock && to.clock < item.id.clock + item.length) return false;
    if (!item.deleted && item.countable && madeIn(transaction, item.id)) return true;
  }
  return false;
}

/**
 * Moves `stranded` to where it goes: typed again there and deleted here, in one transaction of RESCUE_ORIGIN.
 * With `dropEmptied`, a block this page created that holds nothing once they are gone goes too (dropIfEmptied):
 * the block an undo was taking out, kept only because it held someone else's text; `dropEmptied` is told of
 * it just before.
 */
export function moveStranded(doc: Y.Doc, stranded: readonly Stranded[], dropEmptied?: (block: Y.XmlElement) => void): Retyped[] {
  let retyped: Retyped[] = [];
  // Only runs still there, side by side (from the first's index; they are contiguous in the node): another
  // rescue of this page may have taken them out since they were found (its copy repeated the other's move of
  // the same words: double-move.ts), and typed again here they came out twice.
  const standing = stranded.filter(({ node, ids }) => {
    const index = indexIn(node, ids[0]!);
    return index !== undefined && indexIn(node, ids[ids.length - 1]!) === index + ids.length - 1;
  });
  if (standing.length === 0) return retyped;
  doc.transact((transaction) => {
    retyped = insertWithAllowedMarks(
      doc,
      standing.map((run) => run.lost),
    );
    noteCopies(transaction, retyped);
    // Only what was typed again where it goes: a place gone meanwhile takes nothing, and its run stays here.
    const typed = new Set(retyped.map((run) => run.from));
    for (const { node, ids, lost } of standing) {
      if (!typed.has(lost.from)) continue;
      // Found again: the insertion may have gone into this very node, before them.
      const index = indexIn(node, ids[0]!);
      if (index === undefined) continue;
      node.delete(index, ids.length);
      if (dropEmptied !== undefined) dropIfEmptied(doc, node, dropEmptied);
    }
  }, RESCUE_ORIGIN);
  return retyped;
}

/**
 * Deletes the block holding `node` if this page (or `author`) created it and it holds nothing now, with the
 * containers around it that the same created and that hold only it (not the document's last block). A block that stood
 * inside a list was kept, emptied: undoing Tab on an item the other person had typed into since put their
 * words back at the item's old level and left the nested list Tab had made as an empty bullet (found by a
 * review). The container left must still be valid without it (a list item keeps its first paragraph).
 */
export function dropIfEmptied(doc: Y.Doc, node: Y.XmlText, beforeDrop: (block: Y.XmlElement) => void = () => {}, author = doc.clientID): void {
  const block = node.parent;
  const mine = (el: Y.XmlElement) => el._item !== null && el._item.id.client === author;
  if (node.length !== 0 || !(block instanceof Y.XmlElement) || block.length !== 1 || !mine(block)) return;
  let gone: Y.XmlElement = block;
  while (gone.parent instanceof Y.XmlElement && gone.parent.length === 1 && mine(gone.parent)) gone = gone.parent;
  const parent = gone.parent;
  // An element first: Yjs' XmlElement is an XmlFragment too (asked the other way round, every container was
  // taken for the document, and a list item lost its first line, then its nested list with it).
  // Nor is a container emptied: a table row may hold no cells, but one left so is not a drop's to make.
  if (parent instanceof Y.XmlElement) {
    if (parent.length <= 1 || !validWithout(parent, gone)) return;
  } else if (!(parent instanceof Y.XmlFragment) || parent.length <= 1) return;
  let i = 0;
  for (let item = parent._start; item !== null && item !== gone._item; item = item.right) if (!item.deleted && item.countable) i++;
  beforeDrop(gone);
  parent.delete(i, 1);
  // Said of, as an edit's deletions are (join-rescue.ts): another person's letters typed into the block that
  // this page has not got yet (a rescue typed them again there) are then kept by their editor.
  if (doc._transaction !== null) noteWhatWasSeen(doc._transaction);
}

/** Whether `parent`'s children other than `child` are content its node type allows. */
function validWithout(parent: Y.XmlElement, child: Y.XmlElement): boolean {
  const type = schema.nodes[parent.nodeName];
  let match = type?.contentMatch ?? null;
  for (const other of parent.toArray()) {
    if (other === child) continue;
    const otherType = other instanceof Y.XmlElement ? schema.nodes[other.nodeName] : undefined;
    match = otherType === undefined ? null : (match?.matchType(otherType) ?? null);
    if (match === null) return false;
  }
  return match?.validEnd === true;
}

/** Stack item meta: the document's state vector before the step's first change (a Map of client → clock). */
export const MADE_AT = 'tandem:made-at';

/**
 * Watches this editor's undo and redo for text they move, and moves others' text left behind with it.
 *
 * A block the undo or redo was taking out, dropped here once emptied of others' text, is added to the step
 * Ctrl+Z or Ctrl+Y just put on the other stack, as if the undo manager had deleted it: Yjs brings an item
 * back only inside a parent that is there or that the step brings back too. Dropped outside the step, the
 * next Ctrl+Y (or Ctrl+Z) deleted the text on one side and wrote nothing on the other: a split taken back
 * and redone left "The quick BOB" of "The quick ", "brown foxBOB", for everyone.
 */
export function keepOthersTextThroughUndo(doc: Y.Doc, undoManager: Y.UndoManager): void {
  // What this moved (others' text, typed again by this page): a redo moving the text back takes it along too.
  const moved: Retyped[] = [];
  // Those of them moved from the start of the text an undo moved.
  const fromStart: Retyped[] = [];
  const within = (runs: readonly Retyped[]) => (id: Y.ID) => runs.some((r) => r.client === id.client && id.clock >= r.clock && id.clock < r.clock + r.length);
  doc.on('afterTransaction', (transaction: Y.Transaction) => {
    const tracked = transaction.origin === undoManager || transaction.origin === ySyncPluginKey;
    if (transaction.local && tracked) {
      // When each step was made (see typedAfterUndone): the step this transaction went into, if new.
      const made = stepJustMade(undoManager);
      if (made !== undefined && !made.meta.has(MADE_AT)) made.meta.set(MADE_AT, transaction.beforeState);
    }
    if (transaction.origin !== undoManager) return;
    const popped = (undoManager as unknown as { currStackItem: { meta: Map<unknown, unknown> } | null }).currStackItem;
    const madeAt = popped?.meta.get(MADE_AT) as ReadonlyMap<number, number> | undefined;
    // The blocks the step taken back had made (inserted by it, or brought back by it when it is a redo's).
    const insertions = (popped as Partial<Y.UndoManager['undoStack'][number]> | null)?.insertions;
    const takenOut = (node: Y.XmlText) => {
      for (let item: Y.Item | null = node._item; item !== null; item = (item.parent as Y.XmlElement | Y.XmlFragment)._item) {
        if (insertions === undefined || Y.isDeleted(insertions, item.id)) return true;
      }
      return false;
    };
    const left = strandedByOwnUndo(transaction, within(moved), within(fromStart), madeAt, takenOut);
    // The step this undo (or redo) added to the other stack: Yjs' own handler, registered first, has added it.
    const step = stepJustMade(undoManager);
    // After this transaction's cleanup (a transaction started in its handlers would run inside it).
    if (left.length > 0) {
      queueMicrotask(() => {
        const copies = moveStranded(doc, left, (block) => step !== undefined && deletedByStep(step, block));
        moved.push(...copies);
        const startIds = new Set(left.filter((l) => l.fromStart === true).flatMap((l) => l.ids.map((id) => `${id.client}:${id.clock}`)));
        if (startIds.size > 0) fromStart.push(...copies.filter((c) => c.from.some((id) => startIds.has(`${id.client}:${id.clock}`))));
        keepFromUndo(undoManager, copies);
        moved.splice(0, Math.max(0, moved.length - 1_000));
        fromStart.splice(0, Math.max(0, fromStart.length - 1_000));
      });
    }
  });
}

/**
 * Adds `block` (about to be deleted) to `step`'s deletions: the block, its attributes and the blocks and text
 * nodes in it that stand, not their characters (the step names its own; others' were moved). Kept from Yjs'
 * garbage collection, as the undo manager keeps what its steps delete.
 */
function deletedByStep(step: Y.UndoManager['undoStack'][number], block: Y.XmlElement | Y.XmlText): void {
  const items: Y.Item[] = [];
  const collect = (type: Y.XmlElement | Y.XmlText) => {
    if (type._item !== null) items.push(type._item);
    for (const item of type._map.values()) if (!item.deleted) items.push(item);
    for (let child = type._start; child !== null; child = child.right) {
      if (!child.deleted && child.content instanceof Y.ContentType && (child.content.type instanceof Y.XmlElement || child.content.type instanceof Y.XmlText)) collect(child.content.type);
    }
  };
  collect(block);
  const deletions = Y.createDeleteSet();
  for (const item of items) {
    // And the blocks around it, as Yjs' keepItem does: collecting a parent collects what is in it.
    for (let kept: Y.Item | null = item; kept !== null && !kept.keep; kept = (kept.parent as Y.AbstractType<unknown>)._item) kept.keep = true;
    const ranges = deletions.clients.get(item.id.client) ?? [];
    ranges.push({ clock: item.id.clock, len: item.length } as never); // Yjs' DeleteItem shape
    deletions.clients.set(item.id.client, ranges);
  }
  step.deletions = Y.mergeDeleteSets([step.deletions, deletions]);
}
