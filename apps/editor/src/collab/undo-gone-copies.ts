// Ctrl+Z of a move leaves out what someone else has since deleted or moved on from the moved text.
//
// y-prosemirror writes Enter in the middle of a paragraph, a join and a change of kind as "delete the text,
// insert a copy of it elsewhere" (moved-text.ts); Yjs' undo of such a step deletes the copy and brings the
// original characters back. When another person had since deleted some of the copy, or moved it on (their
// own Enter in it), those characters came back all the same: Bob deletes the paragraph Alice's Enter made,
// Alice's Ctrl+Z brings it back; Bob deletes letters across Alice's join, her Ctrl+Z brings them back; Bob
// presses Enter in the text Alice's Enter moved, her Ctrl+Z brings his second half back beside his own copy
// of it, which his editor then deleted as a repeat (and later undos lost it). Found by an exploratory run.
// Text another person moved on stays in the step (rescue-undo.ts takes their copy back with it).
//
// Each step remembers its moves (original → copy, this page's own: its edits, and its undos and redos,
// which move text back). Right before Ctrl+Z or Ctrl+Y pops a step, the originals whose copy no longer
// stands (deleted, and not brought back by a later undo of this person's) leave the step's deletions.

import { ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { REPEATS_TAKEN_OUT } from './double-move.js';
import { moves, movesOf, nodesDeletedFrom } from './moved-text.js';
import { MOVED_ON, type Retyped } from './rescue-undo.js';
import { ELEMENT_MOVED_AGAIN } from './split-again.js';
import { stepJustMade } from '../undo-steps.js';

/** The most paragraphs an undo or redo may have changed for its moves to be looked for. */
const UNDO_MOVES_LOOKED_FOR = 64;

/** Stack item meta: this step's moves, as [original, copy] pairs of character ids. */
const COPIES = 'tandem:moved-copies';

type StackItem = Y.UndoManager['undoStack'][number];

/**
 * Whether character `id` is shown: itself, as brought back by an undo or redo (Yjs' `redone`), or as moved
 * on by another person's move (`movedOn`: copies the step takes back with it, rescue-undo.ts), hop by hop: a
 * copy moved on again (Bob splits the line Alice's Enter made, then his Ctrl+Z types his half again into
 * hers) is followed to the last, though the one between may be gone from this page's memory (collected).
 */
function stands(store: Y.Doc['store'], id: Y.ID, movedOn: MovedOnIndex = new Map(), deletedHere: (id: Y.ID) => boolean = () => false, known = new Map<string, boolean>(), hops = 0): boolean {
  const k = `${id.client}:${id.clock}`;
  const answered = known.get(k);
  if (answered !== undefined) return answered;
  known.set(k, false); // while worked out: a loop holds nothing
  let shown = false;
  for (const run of hops < 16 ? (movedOn.get(k) ?? []) : []) {
    for (let c = run.clock; c < run.clock + run.length && !shown; c++) shown = stands(store, Y.createID(run.client, c), movedOn, deletedHere, known, hops + 1);
    if (shown) break;
  }
  shown ||= shownItself(store, id, deletedHere);
  known.set(k, shown);
  return shown;
}

/** Each character a step's text was moved on from → the runs of copies that moved it on (rescue-undo.ts' MOVED_ON). */
type MovedOnIndex = ReadonlyMap<string, readonly Retyped[]>;

function indexMovedOn(movedOn: readonly Retyped[]): MovedOnIndex {
  const index = new Map<string, Retyped[]>();
  for (const run of movedOn) {
    for (const from of run.from) {
      const k = `${from.client}:${from.clock}`;
      const runs = index.get(k);
      if (runs === undefined) index.set(k, [run]);
      else if (!runs.includes(run)) runs.push(run);
    }
  }
  return index;
}

/** Whether character `id` is shown itself, or as brought back by an undo or redo (Yjs' `redone`). */
function shownItself(store: Y.Doc['store'], id: Y.ID, deletedHere: (id: Y.ID) => boolean): boolean {
  let next: Y.ID | null = id;
  for (let hops = 0; next !== null && hops < 64; hops++) {
    const struct = Y.getItem(store, next);
    if (!(struct instanceof Y.Item)) return false;
    if (!struct.deleted) return true;
    // Deleted by this page (its own edits, undos and rescues, and Yjs deleting more of a merged item than
    // its step named), or not known: not another person's doing, so counted as standing.
    if (struct.redone === null) return deletedHere(next);
    next = Y.createID(struct.redone.client, struct.redone.clock + (next.clock - struct.id.clock));
  }
  return true;
}

/** Whether Yjs can bring back character `id` with `step`: it is there, or every deleted block around it comes back with it. */
function restorable(store: Y.Doc['store'], id: Y.ID, step: StackItem): boolean {
  const struct = Y.getItem(store, id);
  if (!(struct instanceof Y.Item) || struct.content instanceof Y.ContentDeleted) return false;
  for (let item: Y.Item | null = struct.parent instanceof Y.AbstractType ? struct.parent._item : null; item !== null; item = item.parent instanceof Y.AbstractType ? item.parent._item : null) {
    if (!item.deleted || Y.isDeleted(step.deletions, item.id)) continue;
    // A block an undo or redo brought back since: Yjs puts the character into its copy.
    let copy: Y.Item = item;
    for (let hops = 0; copy.redone !== null && hops < 64; hops++) {
      const next = Y.getItem(store, copy.redone);
      if (!(next instanceof Y.Item)) break;
      copy = next;
    }
    if (copy === item || (copy.deleted && !Y.isDeleted(step.deletions, copy.id))) return false;
    item = copy;
  }
  return true;
}

/**
 * Whether `visit` holds for some struct of `ds`'s ranges, given the part of the struct in the range (client,
 * first clock, end): struct by struct, not character by character (a long paste is one item).
 */
function someItem(
  store: Y.Doc['store'],
  ds: StackItem['deletions'],
  visit: (client: number, from: number, end: number, struct: Y.Item | Y.GC) => boolean,
): boolean {
  for (const [client, ranges] of ds.clients) {
    for (const { clock, len } of ranges as Array<{ clock: number; len: number }>) {
      for (let c = clock; c < clock + len; ) {
        const struct = Y.getItem(store, Y.createID(client, c)) as Y.Item | Y.GC;
        const end = Math.min(clock + len, struct.id.clock + struct.length);
        if (visit(client, c, end, struct)) return true;
        c = end;
      }
    }
  }
  return false;
}

/**
 * The text nodes and blocks `step` deleted that held nothing it deletes but `gone` characters (and, going up,
 * such nodes): left out with them, not brought back empty. Both join "def" up at once and the join that gave way
 * is taken back: its words are gone from it (their copy taken out as a repeat), and the paragraph they stood in
 * came back empty.
 */
function emptied(store: Y.Doc['store'], step: StackItem, gone: readonly Y.ID[]): Y.ID[] {
  const out = new Set<string>(gone.map((id) => `${id.client}:${id.clock}`));
  const left: Y.ID[] = [];
  const looked = new Set<Y.Item>();
  const allGone = (type: Y.AbstractType<unknown>): boolean => {
    for (let item = type._start; item !== null; item = item.right) {
      if (!item.countable && !(item.content instanceof Y.ContentType)) continue; // formatting
      for (let c = item.id.clock; c < item.id.clock + item.length; c++) {
        if (Y.isDeleted(step.deletions, Y.createID(item.id.client, c)) && !out.has(`${item.id.client}:${c}`)) return false;
      }
    }
    return true;
  };
  for (const id of gone) {
    const struct = Y.getItem(store, id);
    let type = struct instanceof Y.Item && struct.parent instanceof Y.AbstractType ? struct.parent : null;
    while (type !== null && type._item !== null && !looked.has(type._item)) {
      const item = type._item;
      looked.add(item);
      if (!Y.isDeleted(step.deletions, item.id) || !allGone(type)) break;
      out.add(`${item.id.client}:${item.id.clock}`);
      left.push(item.id);
      type = item.parent instanceof Y.AbstractType ? item.parent : null;
    }
  }
  return left;
}

/** A delete set holding `id` alone. */
function idSet(id: Y.ID): StackItem['deletions'] {
  const ds = Y.createDeleteSet();
  ds.clients.set(id.client, [{ clock: id.clock, len: 1 }] as never); // Yjs' DeleteItem shape
  return ds;
}

/** `ds` without the characters `ids`. */
function without(ds: StackItem['deletions'], ids: readonly Y.ID[]): StackItem['deletions'] {
  const out = Y.createDeleteSet();
  const dropped = new Map<number, Set<number>>();
  for (const { client, clock } of ids) dropped.set(client, (dropped.get(client) ?? new Set()).add(clock));
  for (const [client, ranges] of ds.clients) {
    const drop = dropped.get(client);
    const kept: Array<{ clock: number; len: number }> = [];
    for (const { clock, len } of ranges as Array<{ clock: number; len: number }>) {
      if (drop === undefined) {
        kept.push({ clock, len });
        continue;
      }
      let start = clock;
      for (let c = clock; c < clock + len; c++) {
        if (!drop.has(c)) continue;
        if (c > start) kept.push({ clock: start, len: c - start });
        start = c + 1;
      }
      if (clock + len > start) kept.push({ clock: start, len: clock + len - start });
    }
    if (kept.length > 0) out.clients.set(client, kept as never); // Yjs' DeleteItem shape
  }
  return out;
}

/** Watches `undoManager`'s steps for moves, and leaves out of Ctrl+Z and Ctrl+Y what others took from their copies. */
export function undoSkipsGoneCopies(doc: Y.Doc, undoManager: Y.UndoManager): void {
  // The copies steps remember, and those of them this page deleted itself.
  const copies = new Set<string>();
  const deletedHereKeys = new Set<string>();
  const key = (id: Y.ID) => `${id.client}:${id.clock}`;
  const deletedHere = (id: Y.ID) => !copies.has(key(id)) || deletedHereKeys.has(key(id));
  doc.on('afterTransaction', (transaction: Y.Transaction) => {
    // A repeat this page took out (double-move.ts) is not its own deletion: its words stand in the other's
    // copy, and Ctrl+Z of the move brought the originals back beside them (Alice's and Bob's line breaks in one
    // line at once; after Enters only the collected text of the taken-out paragraph had kept it right).
    if (transaction.local && copies.size > 0 && transaction.deleteSet.clients.size > 0 && transaction.meta.get(REPEATS_TAKEN_OUT) !== true) {
      Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
        for (let i = 0; i < struct.length; i++) {
          const k = `${struct.id.client}:${struct.id.clock + i}`;
          if (copies.has(k)) deletedHereKeys.add(k);
        }
      });
    }
    const own = transaction.origin === ySyncPluginKey || transaction.origin === undoManager;
    if (!transaction.local || !own || transaction.meta.get('addToHistory') === false) return;
    // The line break a split made again moves (split-again.ts) is that split's: Ctrl+Z of it takes the break
    // out, from wherever it stands now. It put it back at the end of the line ("one¶ two three¶"): written
    // anew, its deletion was in the step; reused in place by the sync's diff, it was not in the step at all.
    const moved = transaction.meta.get(ELEMENT_MOVED_AGAIN) as Y.ID | undefined;
    const movedStep = moved === undefined ? undefined : stepJustMade(undoManager);
    if (moved !== undefined && movedStep !== undefined) {
      const element = Y.getItem(doc.store, moved);
      if (element instanceof Y.Item && !element.deleted) movedStep.insertions = Y.mergeDeleteSets([movedStep.insertions, idSet(moved)]);
      else movedStep.deletions = without(movedStep.deletions, [moved]);
    }
    // An undo or redo moves text back into paragraphs that stay (the one Enter split): looked for anywhere,
    // when it changed a few paragraphs (taking back a replacement all over the document moves nothing, and
    // looking would cost a second).
    const undoing = transaction.origin === undoManager;
    const changed = undoing ? nodesDeletedFrom(transaction) : undefined;
    if (changed !== undefined && changed.size > UNDO_MOVES_LOOKED_FOR) return;
    const found = changed !== undefined ? moves(transaction, changed, true) : movesOf(transaction);
    if (found.length === 0) return;
    // The step this transaction went into (Yjs' own handler, registered first, has added or extended it).
    const step = stepJustMade(undoManager);
    if (step === undefined) return;
    const pairs = (step.meta.get(COPIES) as Array<[Y.ID, Y.ID]> | undefined) ?? [];
    // Bounded: the oldest copies are forgotten (a step that old is taken back as Yjs would).
    for (const k of copies) {
      if (copies.size <= 50_000) break;
      copies.delete(k);
      deletedHereKeys.delete(k);
    }
    for (const m of found) {
      m.ids.forEach((id, i) => {
        const copy = m.run.ids[m.at + i]!;
        pairs.push([id, copy]);
        copies.add(key(copy));
      });
    }
    step.meta.set(COPIES, pairs);
  });
  /** Leaves out what others took from the step's copies; false when the step has nothing left to do. */
  const prune = (step: StackItem | undefined): boolean => {
    if (step === undefined) return true;
    const pairs = step.meta.get(COPIES) as Array<[Y.ID, Y.ID]> | undefined;
    // Typing the other has since deleted whole: Yjs, finding nothing to take out, would take back the step
    // before it (Alice's "Hello" for her " world" that Bob deleted).
    // Only when someone else made it so (took what it typed, deleted the paragraph it deleted in): a step that
    // took out its own letters ("x", Backspace) is Yjs' to skip.
    if (pairs === undefined) return bringsBack(step) || insertsStanding(step) || !(othersTook(step) || deletesFound(step));
    const movedOn = indexMovedOn((step.meta.get(MOVED_ON) as Retyped[] | undefined) ?? []);
    const known = new Map<string, boolean>(); // each character's answer, worked out once for this step
    // A copy the step itself deleted (Enter, then Delete in the moved text, one step) is this person's doing.
    const gone = pairs
      .filter(([original, copy]) => Y.isDeleted(step.deletions, original) && !Y.isDeleted(step.deletions, copy) && !stands(doc.store, copy, movedOn, deletedHere, known))
      .map(([original]) => original);
    // An original the step cannot bring back (its line deleted since by someone else, not by this step: Bob's
    // Ctrl+Z of his split took the line Alice's Ctrl+Y would put his half of her words back into): its copy
    // stays where it is rather than go with nothing in its place.
    const stranded = pairs.filter(([original, copy]) => Y.isDeleted(step.deletions, original) && Y.isDeleted(step.insertions, copy) && stands(doc.store, copy) && !restorable(doc.store, original, step));
    if (gone.length === 0 && stranded.length === 0) return true;
    step.deletions = without(step.deletions, [...gone, ...emptied(doc.store, step, gone), ...stranded.map(([original]) => original)]);
    step.insertions = without(step.insertions, stranded.map(([, copy]) => copy));
    return bringsBack(step) || insertsStanding(step);
  };
  /**
   * Whether the step deleted anything it had not inserted itself that Yjs can bring back: not into a paragraph
   * someone else deleted since (Yjs finds nothing to do there, and took back the step before). Item by item:
   * what holds one character of an item (its block) holds all of it.
   */
  const bringsBack = (step: StackItem): boolean =>
    someItem(doc.store, step.deletions, (client, from, end) => {
      for (let at = from; at < end; at++) {
        if (!Y.isDeleted(step.insertions, Y.createID(client, at))) return restorable(doc.store, Y.createID(client, at), step);
      }
      return false;
    });
  /**
   * Whether anything the step inserted is still shown (for Ctrl+Z to take out). Only in the document: the
   * same transaction wrote notes beside it (join-rescue.ts' SEEN, noted-moves.ts' MOVED) that no undo takes out.
   */
  const inScope = (id: Y.ID) => {
    const struct = Y.getItem(doc.store, id);
    return struct instanceof Y.Item && undoManager.scope.some((type) => Y.isParentOf(type as Y.AbstractType<unknown>, struct));
  };
  // Item by item (a long paste is one), its first and last characters in the range: what happens to one
  // character of an item (deleted, brought back) happens to the whole of it.
  const insertsStanding = (step: StackItem): boolean =>
    someItem(doc.store, step.insertions, (client, from, end) =>
      [...new Set([from, end - 1])].some((at) => inScope(Y.createID(client, at)) && stands(doc.store, Y.createID(client, at))),
    );
  /** Whether the step deleted anything it had not inserted itself. */
  const deletesFound = (step: StackItem): boolean =>
    someItem(doc.store, step.deletions, (client, from, end) => {
      for (let at = from; at < end; at++) if (!Y.isDeleted(step.insertions, Y.createID(client, at))) return true;
      return false;
    });
  /** Whether something the step inserted was deleted other than by the step itself. */
  const othersTook = (step: StackItem): boolean =>
    someItem(doc.store, step.insertions, (client, from, end, struct) => {
      // Collected: its block was deleted by someone else (what this page deletes in its steps is kept).
      if (struct instanceof Y.GC) return true;
      if (!struct.deleted || !inScope(Y.createID(client, from))) return false;
      for (let at = from; at < end; at++) if (!Y.isDeleted(step.deletions, Y.createID(client, at))) return true;
      return false;
    });
  // A step left with nothing to do is dropped here: Yjs, finding it empty, would take back the step before
  // it instead (the Enter whose paragraph Bob deleted: Ctrl+Z deleted the line Alice had typed before).
  // Dropped as Yjs ends a step it takes (what is typed next begins a new one), and returned as Yjs returns
  // a step it took: the key was handled, and the browser's own undo must not run instead.
  const undo = undoManager.undo.bind(undoManager);
  const redo = undoManager.redo.bind(undoManager);
  const drop = (stack: StackItem[]) => {
    const step = stack.pop() ?? null;
    undoManager.stopCapturing();
    return step;
  };
  undoManager.undo = () => (prune(undoManager.undoStack.at(-1)) ? undo() : drop(undoManager.undoStack));
  undoManager.redo = () => (prune(undoManager.redoStack.at(-1)) ? redo() : drop(undoManager.redoStack));
}
