// Sends a local edit to Yjs by updating only the top-level blocks it changed.
//
// y-prosemirror's sync plugin hands every view update to `updateYFragment` over the whole document:
// it lists every top-level Yjs child and ProseMirror child and compares them from both ends, and it
// computes the selection's relative positions by walking from the first block (twice per Yjs
// transaction). In a 2 000-paragraph document that is most of a keystroke's cost. This plugin,
// placed right after `ySyncPlugin`, replaces the binding's `_prosemirrorChanged` with a narrower
// path: ProseMirror's own structural sharing tells which top-level blocks changed since the last
// document Yjs mirrors, and only those go through `updateYFragment` (the same per-block algorithm,
// so the Yjs result is the same). Whenever it cannot be sure what Yjs mirrors (first render,
// snapshots, a Yjs child count that disagrees), it falls back to y-prosemirror's whole-document path.

import { caretThroughLineJoin, noteWhatWasSeen, RESCUE_ORIGIN, RETYPED } from './join-rescue.js';
import { copiesBySource, noteMoves, notesWrittenIn } from './noted-moves.js';
import { unseenDeletionsIn } from './deleted-in-moves.js';
import { type DeletedPlace, deletedPlace, followMove, followNotedCopy, placeInRetyped } from './moved-text.js';
import type { Retyped } from './rescue-undo.js';
import type { MarkType, Node } from 'prosemirror-model';
import { type EditorState, NodeSelection, Plugin, TextSelection, type Transaction } from 'prosemirror-state';
import { Mapping as StepMapping } from 'prosemirror-transform';
import { changesShape, movesInLine, settleShapeChange } from './kept-in-place.js';
import type { EditorView } from 'prosemirror-view';
import { ProsemirrorBinding, updateYFragment, ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { elementOf } from './block-index.js';
import { caretBeforeInsertions } from './caret-before-insertions.js';
import { REPEATS_STANDING } from './double-move.js';
import { placeTextEdits } from './typed-in-place.js';
import { settleFormatting } from './formats-by-name.js';
import { childAt, type Mapping, relativeSelection, type YType } from './relative-position.js';
import { firstChangedPos } from '../changed-ranges.js';

/** The parts of y-prosemirror's binding this path reads and replaces. */
interface Binding {
  readonly type: Y.XmlFragment;
  readonly doc: Y.Doc;
  readonly mapping: Mapping;
  readonly isOMark: Map<MarkType, boolean>;
  prosemirrorView: EditorView | null;
  beforeTransactionSelection: unknown;
  beforeAllTransactions: () => void;
  _prosemirrorChanged(doc: Node): void;
}

/** The top-level children `from`…`to` of `type`, which mirror `doc`'s, or undefined if any is not an element. */
function elements(type: Y.XmlFragment, mapping: Mapping, doc: Node, from: number, to: number): Y.XmlElement[] | undefined {
  const out: Y.XmlElement[] = [];
  // The first from the mapping (block-index.ts); by index, stepping through the blocks before it, only if need be.
  let child = from < to ? (elementOf(type, mapping, doc.child(from)) ?? childAt(type, from)) : undefined;
  for (let i = from; i < to; i++) {
    if (!(child instanceof Y.XmlElement)) return undefined;
    out.push(child);
    const next = child._item!.next;
    child = next === null ? undefined : ((next.content as Y.ContentType).type as YType);
  }
  return out;
}

/** What the person's change did, from the document Yjs mirrors to the one it is to mirror (see kept-in-place.ts). */
export interface Change {
  /** ProseMirror's mapping of positions from the old document to the new. */
  readonly mapping: StepMapping;
  /** Whether it changed more than the text of one textblock (a split, a join, blocks pasted or moved). */
  readonly shape: boolean;
  /** Whether, within a textblock, it deleted or inserted a line break or an image, which moves the text after it (movesInLine). */
  readonly inLine?: boolean;
  /** Before this position nothing changed (firstChangedPos); Infinity for a change of nothing. */
  readonly from?: number;
}

/** The change `tr` made. */
export function changeOf(tr: Transaction): Change {
  const shape = tr.steps.some((step, i) => changesShape(step, tr.docs[i]!));
  return { mapping: tr.mapping, shape, inLine: !shape && tr.steps.some((step, i) => movesInLine(step, tr.docs[i]!)), from: firstChangedPos(tr) };
}

/** The position of top-level block `index` of `doc`. */
const blockPos = (doc: Node, index: number) => {
  let pos = 0;
  for (let i = 0; i < index; i++) pos += doc.child(i).nodeSize;
  return pos;
};

/**
 * Updates `binding.type`, which mirrors `prev`, to mirror `next`, touching only the blocks between
 * the unchanged ones at either end. Returns false, having changed nothing, when it cannot. With the
 * `change` that made `next`, old characters kept in a changed block only because they look like what
 * replaced them are written again (kept-in-place.ts).
 */
export function updateChangedBlocks(binding: Pick<Binding, 'type' | 'doc' | 'mapping' | 'isOMark'>, prev: Node, next: Node, change?: Change): boolean {
  const { type, doc } = binding;
  if (type._length !== prev.childCount) return false;
  const a = prev.content;
  const b = next.content;
  let start = 0;
  const min = Math.min(a.childCount, b.childCount);
  while (start < min && a.child(start) === b.child(start)) start++;
  let endA = a.childCount;
  let endB = b.childCount;
  while (endA > start && endB > start && a.child(endA - 1) === b.child(endB - 1)) {
    endA--;
    endB--;
  }
  const ys = elements(type, binding.mapping, prev, start, endA);
  if (ys === undefined) return false;
  const ps: Node[] = [];
  for (let i = start; i < endB; i++) ps.push(b.child(i));
  // The Yjs element each new block ends up in, for the formatting check at the end.
  const written: Array<Y.XmlElement | undefined> = [];
  // A new block: an empty element in place, then filled by the same code that fills existing ones.
  const create = (index: number, node: Node) => {
    const el = new Y.XmlElement(node.type.name);
    written[index - start] = el;
    type.insert(index, [el]);
    updateYFragment(doc, el, node, binding);
  };
  doc.transact(() => {
    // Text typed or deleted beside equal characters: at the place the person changed (typed-in-place.ts).
    if (change !== undefined && !change.shape && ys.length === ps.length) {
      let first: readonly [number, number] | undefined;
      const firstStart = () => (first ??= [blockPos(prev, start), blockPos(next, start)]);
      let prevAt = 0;
      let nextAt = 0;
      for (let i = 0; i < ys.length; i++) {
        const old = prev.child(start + i);
        const [p, n] = [prevAt, nextAt];
        placeTextEdits(ys[i]!, old, ps[i]!, () => [firstStart()[0] + p, firstStart()[1] + n], change.mapping);
        prevAt += old.nodeSize;
        nextAt += ps[i]!.nodeSize;
      }
    }
    // y-prosemirror's order within the changed range: when blocks were added, first the blocks whose
    // content is unchanged from either end (Enter at the start of a paragraph adds an empty one before it:
    // the text stays in its Yjs block, with whatever others are typing into it); then a block updated in
    // place when its type still matches (keeping concurrent edits inside it), from the left, else from the
    // right, else replaced. Not when blocks were removed: matching the one left by content would delete
    // the other Yjs block, with what someone typed into it unseen (a deletion across a paragraph break that
    // leaves text equal to the second paragraph), where updating the first in place keeps it.
    let left = 0;
    let right = 0;
    const unchanged = (y: number, p: number) => ys.length < ps.length && prev.child(start + y).eq(ps[p]!);
    while (left < Math.min(ys.length, ps.length) && unchanged(left, left)) {
      updateYFragment(doc, ys[left]!, ps[left]!, binding);
      written[left] = ys[left];
      left++;
    }
    while (right < Math.min(ys.length, ps.length) - left && unchanged(ys.length - right - 1, ps.length - right - 1)) {
      updateYFragment(doc, ys[ys.length - right - 1]!, ps[ps.length - right - 1]!, binding);
      written[ps.length - right - 1] = ys[ys.length - right - 1];
      right++;
    }
    while (ys.length - left - right > 0 && ps.length - left - right > 0) {
      const leftY = ys[left]!;
      const leftP = ps[left]!;
      const rightY = ys[ys.length - right - 1]!;
      const rightP = ps[ps.length - right - 1]!;
      if (leftY.nodeName === leftP.type.name) {
        updateYFragment(doc, leftY, leftP, binding);
        written[left] = leftY;
        left++;
      } else if (rightY.nodeName === rightP.type.name) {
        updateYFragment(doc, rightY, rightP, binding);
        written[ps.length - right - 1] = rightY;
        right++;
      } else {
        binding.mapping.delete(leftY);
        type.delete(start + left, 1);
        create(start + left, leftP);
        left++;
      }
    }
    const removed = ys.length - left - right;
    if (removed > 0) {
      for (const y of ys.slice(left, left + removed)) binding.mapping.delete(y);
      type.delete(start + left, removed);
    }
    for (let i = left; i < ps.length - right; i++) create(start + i, ps[i]!);
    // Old characters kept only because they looked alike written again, and the moves as the change made them.
    if (change?.shape === true || change?.inLine === true) settleShapeChange(doc._transaction!, prev.type.schema, ys, blockPos(prev, start), change.mapping);
    // Each changed line's formatting as the editor shows it, compared by mark name (formats-by-name.ts).
    for (let i = 0; i < ps.length; i++) {
      const el = written[i];
      if (el !== undefined && el._item?.deleted !== true) settleFormatting(el, ps[i]!);
    }
    binding.mapping.set(type, next);
  }, ySyncPluginKey);
  return true;
}

/**
 * Every change from elsewhere reaches the view, or the view is drawn again from Yjs. y-prosemirror shows such a
 * change in a Yjs observer; when that throws (Yjs logs it and goes on), the change is left out of the view for
 * good, and the view's next edit, compared with what Yjs holds, writes the stale part back for everyone: an image
 * someone deleted came back so (relative-position.ts). Wrapped on the class, before any binding binds it.
 */
function showEveryChange(): void {
  const proto = ProsemirrorBinding.prototype as unknown as { _typeChanged: (events: unknown, transaction: Y.Transaction) => void; _forceRerender: () => void; __guarded?: true };
  if (proto.__guarded === true) return;
  const show = proto._typeChanged;
  proto._typeChanged = function guarded(this: typeof proto, events, transaction) {
    try {
      show.call(this, events, transaction);
    } catch (error) {
      console.warn('A change from elsewhere could not be shown; the document is drawn again', error);
      this._forceRerender();
    }
  };
  proto.__guarded = true;
}
showEveryChange();

/** Transaction meta of a split made again (split-again.ts): the character it went before (`from`), and its copy that starts the new line (`to`). */
export const SPLIT_AGAIN = 'tandem:split-again';

/** Each document the editor showed, with the one before it and the change between (see `changeBetween`). */
const madeBy = new WeakMap<Node, { readonly from: Node; readonly change: Change }>();

/** The change from `prev` to `next`, two documents of one editor, when it went through at most 16 transactions. */
function changeBetween(prev: Node, next: Node): Change | undefined {
  const links: Change[] = [];
  for (let doc = next; doc !== prev; ) {
    const made = madeBy.get(doc);
    if (made === undefined || links.length === 16) return undefined;
    links.unshift(made.change);
    doc = made.from;
  }
  if (links.length === 1) return links[0];
  const mapping = new StepMapping();
  for (const link of links) mapping.appendMapping(link.mapping);
  const shape = links.some((link) => link.shape);
  // Nothing before a change moves, so the least of the links' first positions holds through all of them.
  const from = links.every((link) => link.from !== undefined) ? Math.min(...links.map((link) => link.from!)) : undefined;
  return { mapping, shape, inLine: !shape && links.some((link) => link.inLine === true), from };
}

/**
 * Before which position `next` is the same as `prev` (two documents of one editor, at most 16 transactions
 * apart; see changeBetween). Undefined when the documents' history is not known here.
 */
export const firstChangeBetween = (prev: Node, next: Node): number | undefined => changeBetween(prev, next)?.from;

/** The plugin; goes right after `ySyncPlugin`, whose binding it narrows. */
export function narrowSyncPlugin(): Plugin {
  return new Plugin({
    state: {
      init: () => null,
      apply(tr) {
        if (tr.docChanged) madeBy.set(tr.doc, { from: tr.before, change: changeOf(tr) });
        return null;
      },
    },
    // A node selected before others' change is carried through it as the range around it (relativeSelection):
    // selected again when the range still holds just that node.
    appendTransaction(transactions, before, after) {
      if (!(before.selection instanceof NodeSelection)) return null;
      if (!transactions.some((tr) => (tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin === true)) return null;
      // A selected block the other deleted: y-prosemirror selects whatever node now stands there (the next
      // paragraph, whole), and the next key replaced it (a review). A caret there instead.
      if (after.selection instanceof NodeSelection) {
        if (after.selection.node.type === before.selection.node.type) return null;
        return after.tr.setSelection(TextSelection.near(after.doc.resolve(after.selection.from))).setMeta('addToHistory', false);
      }
      if (after.selection.empty) return null;
      const { from, to } = after.selection;
      const node = after.doc.nodeAt(from);
      if (node === null || from + node.nodeSize !== to || node.type !== before.selection.node.type || !NodeSelection.isSelectable(node)) return null;
      return after.tr.setSelection(NodeSelection.create(after.doc, from)).setMeta('addToHistory', false);
    },
    view(view) {
      const binding = (ySyncPluginKey.getState(view.state) as { binding: ProsemirrorBinding }).binding as unknown as Binding;
      const selection = (state: EditorState) => relativeSelection(state, binding.type, binding.mapping);
      /** The document Yjs mirrors, when known. */
      let synced: Node | undefined;
      let changed = false;

      binding._prosemirrorChanged = (next: Node) => {
        changed = true;
        const prev = synced;
        binding.doc.transact(() => {
          if (prev === next) binding.mapping.set(binding.type, next);
          else if (prev === undefined || !updateChangedBlocks(binding, prev, next, changeBetween(prev, next))) updateYFragment(binding.doc, binding.type, next, binding);
          binding.beforeTransactionSelection = selection(binding.prosemirrorView!.state);
          // A join or a block changing kind deletes text nodes: say what of them this page had seen (join-rescue.ts).
          noteWhatWasSeen(binding.doc._transaction!);
          // And which characters a move copied, for the others to tell its copies (noted-moves.ts).
          noteMoves(binding.doc._transaction!);
        }, ySyncPluginKey);
        synced = next;
      };

      // The selection before each Yjs transaction, kept for a remote change to restore: computed the
      // narrow way, and registered in place of y-prosemirror's own listener. Not when the transaction is
      // the one writing a local edit (the view shows a document Yjs does not mirror yet): the mapping is
      // a step behind, so the narrow way would give up for the whole-document walk, and the result is
      // never read, as `_prosemirrorChanged` above replaces it before the transaction ends.
      const before = () => {
        const view = binding.prosemirrorView;
        if (binding.beforeTransactionSelection !== null || view == null) return;
        if (synced !== undefined && view.state.doc !== synced) return;
        binding.beforeTransactionSelection = selection(view.state);
      };
      binding.doc.off('beforeAllTransactions', binding.beforeAllTransactions);
      binding.beforeAllTransactions = before;
      binding.doc.on('beforeAllTransactions', before);

      // A change from elsewhere that moves the text holding this page's caret (Enter earlier in the
      // paragraph, a join, a paragraph made a heading) takes the caret with it, to the same character in
      // the moved text, before the sync plugin restores the selection (moved-text.ts). So does this page's
      // moving its own characters after such a change (split-rescue.ts).
      // A caret in this person's characters that a change from elsewhere deleted without their being moved
      // (the mover had not seen them: a list item indented, outdented or made a heading while they typed in
      // it), until this page types them again (join-rescue.ts' typeAgain), right after: it goes with them.
      let unplaced: { anchor: DeletedPlace; head: DeletedPlace } | null = null;
      /** Whether the last transaction moved a caret that stood before a repeat it took out (for a split made again next). */
      let repeatPlaced: true | null = null;
      binding.doc.on('beforeObserverCalls', (transaction: Y.Transaction) => {
        const kept = binding.beforeTransactionSelection as { anchor: Y.RelativePosition | null; head: Y.RelativePosition | null } | null;
        // A split this page made again (split-again.ts): a caret at the split point, where its own new line stood,
        // goes to the start of the line (it stayed at the end of the line above, and the next keys went there).
        // Only a caret this page put there as it took out its own new line (below): one the person put at the end
        // of the line above stays there (a review).
        const placed = repeatPlaced;
        repeatPlaced = null;
        const again = transaction.meta.get(SPLIT_AGAIN) as { from: Y.ID; to: Y.ID } | undefined;
        if (again !== undefined && kept !== null && kept.anchor !== null && kept.head !== null) {
          const at = (pos: Y.RelativePosition) => pos.item !== null && pos.item.client === again.from.client && pos.item.clock === again.from.clock;
          if (placed !== null && at(kept.anchor) && at(kept.head)) {
            const start = Y.createRelativePositionFromJSON({ item: again.to, assoc: 0 });
            binding.beforeTransactionSelection = { ...kept, anchor: start, head: start };
            return;
          }
          // A caret further inside the words the split moves goes with them, to the same character (it stayed
          // on the character moved away, and landed at the end of the line above).
          const copies = new Map<string, Y.ID>();
          for (const note of notesWrittenIn(transaction)) for (const { source, copy } of note.pairs) copies.set(`${source.client}:${source.clock}`, copy);
          const follow = (pos: Y.RelativePosition) => {
            const copy = pos.item === null || at(pos) ? undefined : copies.get(`${pos.item.client}:${pos.item.clock}`);
            return copy === undefined ? pos : Y.createRelativePositionFromJSON({ item: copy, assoc: pos.assoc });
          };
          const [anchor, head] = [follow(kept.anchor), follow(kept.head)];
          if (anchor !== kept.anchor || head !== kept.head) binding.beforeTransactionSelection = { ...kept, anchor, head };
          return;
        }
        const rescue = transaction.origin === RESCUE_ORIGIN;
        // A caret before a repeat this page takes out (double-move.ts): before the other's copy of that character.
        const standing = rescue ? (transaction.meta.get(REPEATS_STANDING) as ReadonlyMap<string, Y.ID> | undefined) : undefined;
        if (standing !== undefined && kept !== null && kept.anchor !== null && kept.head !== null) {
          const instead = (pos: Y.RelativePosition) => {
            const other = pos.item === null ? undefined : standing.get(`${pos.item.client}:${pos.item.clock}`);
            return other === undefined ? undefined : Y.createRelativePositionFromJSON({ item: other, assoc: pos.assoc });
          };
          const [anchor, head] = [instead(kept.anchor), instead(kept.head)];
          if (anchor !== undefined && head !== undefined) {
            binding.beforeTransactionSelection = { ...kept, anchor, head };
            repeatPlaced = true;
            return;
          }
        }
        const waiting = unplaced;
        if (!rescue) unplaced = null;
        if (rescue && waiting !== null && kept !== null) {
          const retyped = transaction.meta.get(RETYPED) as readonly Retyped[] | undefined;
          const anchor = retyped === undefined ? undefined : placeInRetyped(binding.doc, retyped, waiting.anchor);
          const head = anchor === undefined || waiting.head === waiting.anchor ? anchor : placeInRetyped(binding.doc, retyped!, waiting.head);
          if (anchor !== undefined && head !== undefined) {
            unplaced = null;
            binding.beforeTransactionSelection = { ...kept, anchor, head };
            return;
          }
        }
        if ((transaction.local && !rescue) || kept === null || kept.anchor === null || kept.head === null) return;
        // Which end of a selection is its end (the later): text the other person inserts right there stays
        // out of it, as it does at the start, so that deleting or typing over the selection takes only what
        // this person selected (their words typed right after a selected word went with it; an exploratory run).
        const view = binding.prosemirrorView;
        const endKey = view != null && view.state.selection.anchor > view.state.selection.head ? 'anchor' : 'head';
        const keptEnd = endKey === 'anchor' ? kept.anchor : kept.head;
        if (transaction.deleteSet.clients.size === 0) {
          // Typing from elsewhere (nothing deleted, so nothing moved): right at a caret, it goes after it.
          if (!rescue && Y.compareRelativePositions(kept.anchor, kept.head)) {
            const before = caretBeforeInsertions(transaction, kept.anchor);
            if (before !== kept.anchor) binding.beforeTransactionSelection = { ...kept, anchor: before, head: before };
          } else if (!rescue) {
            const end = caretBeforeInsertions(transaction, keptEnd);
            if (end !== keptEnd) binding.beforeTransactionSelection = { ...kept, [endKey]: end };
          }
          return;
        }
        const anywhere = rescue; // a move into an existing paragraph
        // The mover may have copied text this page deleted meanwhile (deleted-in-moves.ts): counted in.
        const deletedAlso = unseenDeletionsIn(transaction);
        const anchor = followMove(transaction, kept.anchor, anywhere, deletedAlso);
        // A caret (anchor and head one place): followed once.
        const caret = Y.compareRelativePositions(kept.anchor, kept.head);
        const head = caret ? anchor : followMove(transaction, kept.head, anywhere, deletedAlso);
        // A caret on words someone else's page moved and noted (its rescue after an undo or redo there): with them.
        if (caret && !transaction.local && anchor === kept.anchor) {
          const copies = copiesBySource(transaction);
          const noted = copies.size === 0 ? undefined : followNotedCopy(transaction, anchor, copies);
          if (noted !== undefined) {
            binding.beforeTransactionSelection = { ...kept, anchor: noted, head: noted };
            return;
          }
        }
        binding.beforeTransactionSelection = { ...kept, anchor, head };
        // A caret no move took along stays before what the other person inserted right at it (caret-before-insertions.ts).
        if (caret && !rescue && anchor === kept.anchor) {
          const before = caretBeforeInsertions(transaction, anchor);
          if (before !== anchor) binding.beforeTransactionSelection = { ...kept, anchor: before, head: before };
          // Or goes with its text, deleted with the line break before it and written again before the break.
          const joined = caretThroughLineJoin(transaction, anchor);
          if (joined !== undefined) binding.beforeTransactionSelection = { ...kept, anchor: joined, head: joined };
        }
        // A selection's end no move took along: before what was inserted right at it (above).
        if (!caret && !rescue && (endKey === 'anchor' ? anchor === kept.anchor : head === kept.head)) {
          const end = caretBeforeInsertions(transaction, keptEnd);
          if (end !== keptEnd) binding.beforeTransactionSelection = { ...kept, anchor, head, [endKey]: end };
        }
        if (!rescue && anchor === kept.anchor && (caret || head === kept.head)) {
          const anchorPlace = deletedPlace(transaction, kept.anchor);
          const headPlace = caret ? anchorPlace : deletedPlace(transaction, kept.head);
          if (anchorPlace !== undefined && headPlace !== undefined) unplaced = { anchor: anchorPlace, head: headPlace };
        }
      });

      return {
        update(v) {
          // The sync plugin's view update runs first. When it did not hand the document to Yjs, either
          // the document came from Yjs (a remote change, undo, first render: mirrored) or a snapshot
          // is shown (unknown: the next local change takes the whole-document path).
          if (!changed) {
            const s = ySyncPluginKey.getState(v.state) as { snapshot: unknown; prevSnapshot: unknown };
            synced = s.snapshot == null && s.prevSnapshot == null ? v.state.doc : undefined;
          }
          changed = false;
        },
      };
    },
  });
}
