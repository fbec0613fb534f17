// Ctrl+Z takes back text this person typed that their editor had to type again (join-rescue.ts,
// split-rescue.ts): the undo step that inserted the original characters now inserts the copies too.
//
// The copies are written with their own origin, which the undo manager does not track (a rescue is not
// an edit of the person's to take back by itself). But their undo step still names only the originals,
// which someone else's join or split deleted: Ctrl+Z changed nothing, and the copies stayed.

import * as Y from 'yjs';
import { insertsAndDeletes, moves } from './moved-text.js';

/** Characters typed again: the originals' ids, and the copies' range (client, first clock, length). */
export interface Retyped {
  readonly from: readonly Y.ID[];
  readonly client: number;
  readonly clock: number;
  readonly length: number;
}

/** Stack item meta: the runs of copies added to the step (Retyped[]): its characters, moved on by others. */
export const MOVED_ON = 'tandem:moved-on';

/** Adds each copy to the latest undo step of `undoManager` (or redo step, `stack`) that inserted its original. */
export function undoableWithTheOriginal(undoManager: Y.UndoManager, retyped: readonly Retyped[], stack = undoManager.undoStack): void {
  const stepOf = (id: Y.ID) => stack.findLastIndex((step) => Y.isDeleted(step.insertions, id));
  for (const run of retyped) {
    if (run.length === 0) continue;
    // Copies of words of two steps typed again together (one run of the same marks) go each to its own step;
    // given all to the later one, one Ctrl+Z took back both.
    for (const { step, clock, length } of copiesByStep(undoManager.doc, run, stepOf)) {
      if (step < 0) continue;
      const copies = Y.createDeleteSet();
      copies.clients.set(run.client, [{ clock, len: length }] as never); // Yjs' DeleteItem shape
      stack[step]!.insertions = Y.mergeDeleteSets([stack[step]!.insertions, copies]);
      // What the step's own copies became (undo-gone-copies.ts: moved on, not gone).
      const movedOn = (stack[step]!.meta.get(MOVED_ON) as Retyped[] | undefined) ?? [];
      movedOn.push(run);
      stack[step]!.meta.set(MOVED_ON, movedOn);
    }
  }
}

/**
 * The copies of `run` in ranges, each with the step that inserted their originals. A copy's characters
 * stand for `from` in order; a format item the copy holds goes with the character before it (the first
 * character's, at the start). When they do not match (not one original per character), the whole run goes
 * to the latest step that inserted any of its originals.
 */
function copiesByStep(doc: Y.Doc, run: Retyped, stepOf: (id: Y.ID) => number): Array<{ step: number; clock: number; length: number }> {
  const whole = [{ step: run.from.reduce((latest, id) => Math.max(latest, stepOf(id)), -1), clock: run.clock, length: run.length }];
  const structs = doc.store.clients.get(run.client);
  if (structs === undefined) return whole;
  /** The step of each clock of the run (undefined: a format item, known once the next character is). */
  const steps: Array<number | undefined> = [];
  let chars = 0;
  for (let i = Y.findIndexSS(structs, run.clock); i < structs.length && structs[i]!.id.clock < run.clock + run.length; i++) {
    const struct = structs[i]!;
    const from = Math.max(struct.id.clock, run.clock);
    const to = Math.min(struct.id.clock + struct.length, run.clock + run.length);
    const text = struct instanceof Y.Item && struct.content instanceof Y.ContentString;
    for (let c = from; c < to; c++) steps.push(text ? (chars < run.from.length ? stepOf(run.from[chars++]!) : -1) : undefined);
  }
  if (chars !== run.from.length || steps.length !== run.length) return whole;
  const first = steps.find((s) => s !== undefined) ?? -1;
  const out: Array<{ step: number; clock: number; length: number }> = [];
  let previous = first;
  steps.forEach((s, i) => {
    const step = s ?? previous;
    previous = step;
    const last = out.at(-1);
    if (last !== undefined && last.step === step) last.length += 1;
    else out.push({ step, clock: run.clock + i, length: 1 });
  });
  return out;
}

/** Whether `set` holds any of `client`'s clocks from `clock` for `length` (its ranges sorted, as Yjs keeps them). */
function overlaps(set: Y.UndoManager['undoStack'][number]['insertions'], client: number, clock: number, length: number): boolean {
  const ranges = set.clients.get(client) as Array<{ clock: number; len: number }> | undefined;
  if (ranges === undefined) return false;
  // The last range starting before the end of [clock, clock + length).
  let lo = 0;
  let hi = ranges.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]!.clock < clock + length) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && ranges[found]!.clock + ranges[found]!.len > clock;
}

/**
 * Ctrl+Z takes back words this person typed that someone else's edit has since moved: a join, Enter in the
 * middle of a paragraph, a paragraph made a heading. y-prosemirror writes each as "delete the text, insert
 * it again" by the one who made it, so the words are then that person's copies, and the undo step that typed
 * them named only the deleted originals: Ctrl+Z changed nothing, and Yjs, finding the step empty, went on to
 * take back the one before it (found by a review). Each copy joins the step that inserted its original, as
 * this page's own rescues do; a redo step too (words Ctrl+Z brought back, which Ctrl+Y deletes again).
 * Returns a function that stops watching.
 */
export function undoFollowsMoves(doc: Y.Doc, undoManager: Y.UndoManager): () => void {
  const onTransaction = (transaction: Y.Transaction) => {
    const steps = [...undoManager.undoStack, ...undoManager.redoStack];
    if (transaction.local || steps.length === 0 || !insertsAndDeletes(transaction)) return;
    /** The latest of this person's steps that inserted `id` (-1: none). */
    const stepOf = (id: Y.ID) => steps.findLastIndex((step) => Y.isDeleted(step.insertions, id));
    const mine = (id: Y.ID) => stepOf(id) >= 0;
    // Only the text nodes it deleted characters of this person's undo steps from: where a move may have taken them.
    const nodes = new Set<Y.XmlText>();
    Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
      if (!(struct instanceof Y.Item && struct.content instanceof Y.ContentString && struct.parent instanceof Y.XmlText) || nodes.has(struct.parent)) return;
      // Any of its characters: one item may hold words of several people's steps (Alice's redo of her undo
      // brought back "brown fox jumps" whole, its "jumps" Bob's redo step's).
      // Each step's ranges looked up once per item, not per character (a deletion of a long text is one item).
      if (steps.some((step) => overlaps(step.insertions, struct.id.client, struct.id.clock, struct.length))) nodes.add(struct.parent);
    });
    if (nodes.size === 0) return;
    const retyped: Retyped[] = [];
    for (const { ids, run, at } of moves(transaction, nodes)) {
      // Runs of copies one after another (one client, consecutive clocks) whose originals one step of this
      // person's inserted: a run is added to one step, and the words of two steps moved together (a
      // paragraph made a heading) went wholly to the later one, so one Ctrl+Z took back both.
      let current: { from: Y.ID[]; client: number; clock: number; length: number; step: number } | undefined;
      ids.forEach((id, i) => {
        const copy = run.ids[at + i]!;
        const step = stepOf(id);
        if (current !== undefined && step === current.step && copy.client === current.client && copy.clock === current.clock + current.length) {
          current.from.push(id);
          current.length += 1;
          return;
        }
        if (current !== undefined) retyped.push(current);
        current = step >= 0 ? { from: [id], client: copy.client, clock: copy.clock, length: 1, step } : undefined;
      });
      if (current !== undefined) retyped.push(current);
    }
    undoableWithTheOriginal(undoManager, retyped);
    undoableWithTheOriginal(undoManager, retyped, undoManager.redoStack);
  };
  doc.on('afterTransaction', onTransaction);
  return () => doc.off('afterTransaction', onTransaction);
}
