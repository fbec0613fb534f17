// Where one undo step ends and the next begins. Per-user undo is Yjs' UndoManager (only this
// editor's own changes are tracked); this module decides its steps the way people expect from a
// word processor: a step ends at a pause in typing, at the start of a new sentence, at a new line
// (which begins a step with the text typed after it), at any other change of structure or
// formatting (a step of its own), at a paste or drop, and when the caret moves elsewhere.

import type { Node, Slice } from 'prosemirror-model';
import { undoInputRule } from 'prosemirror-inputrules';
import { type Command, type EditorState, Plugin, PluginKey, type Transaction } from 'prosemirror-state';
import { ReplaceStep } from 'prosemirror-transform';
import { defaultDeleteFilter, ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { schema } from './schema.js';

/** Typing after this long a pause starts a new undo step. */
export const STEP_PAUSE_MS = 1000;

/** Transaction meta: this change is an undo step of its own (a replacement made by find and replace). */
export const OWN_UNDO_STEP = 'tandem:own-undo-step';

/**
 * Transaction meta: this change belongs to the step being typed, whatever the pause before it (a typographic
 * replacement taken back: one more Ctrl+Z takes back the typing, not the taking back).
 */
export const SAME_UNDO_STEP = 'tandem:same-undo-step';

/** Typing that starts a sentence (after ".", "!", "?" or "…" and a space) starts a new step. */
const SENTENCE_END = /[.!?…]["'”’)\]]*\s$/;

/**
 * Blocks undo never deletes while they hold anything: y-prosemirror's default keeps paragraphs only, so
 * undoing Enter in a list item or a heading deleted the new item or heading with the text someone else had
 * typed into it since. Undo first takes out this person's own text (children go before their parents),
 * so a block left holding only theirs is empty by then and goes as before.
 */
const PROTECTED_NODES = new Set(Object.keys(schema.nodes));

/**
 * The undo manager of one editor: tracks the sync plugin's changes (this person's own edits) in
 * `fragment`, and merges them into one step until `undoSteps` ends it.
 */
export function createUndoManager(fragment: Y.XmlFragment): Y.UndoManager {
  const kept: KeptRanges = [];
  const undoManager = new Y.UndoManager(fragment, {
    trackedOrigins: new Set([ySyncPluginKey]),
    // undoSteps ends every step itself (the pause included, timed by the transactions), so Yjs'
    // own timer never has to.
    captureTimeout: Number.MAX_SAFE_INTEGER,
    captureTransaction: (tr) => tr.meta.get('addToHistory') !== false,
    // The document's last paragraph stays (emptied): the editor cannot show a document with no block,
    // and would write one back as a new change of its own, which would throw away every redo step.
    deleteFilter: (item) =>
      !wholeKept(item, kept) &&
      defaultDeleteFilter(item, PROTECTED_NODES) &&
      !isLastParagraph(item, fragment) &&
      !isAttributeOfKeptBlock(item, fragment.doc?.clientID) &&
      !isFirstLineOfKeptItem(item, fragment.doc?.clientID),
  });
  keptBy.set(undoManager, kept);
  return undoManager;
}

/**
 * The step a transaction of `undoManager`'s scope just went into, from an 'afterTransaction' handler
 * registered after the undo manager's own: an undo's goes on the redo stack, any other on the undo stack.
 */
export function stepJustMade(undoManager: Y.UndoManager): Y.UndoManager['undoStack'][number] | undefined {
  return (undoManager.undoing ? undoManager.redoStack : undoManager.undoStack).at(-1);
}

/** Characters (client, first clock, length) an undo or redo deletes only when its step names them. */
type KeptRanges = Array<{ readonly client: number; readonly clock: number; readonly length: number }>;

const keptBy = new WeakMap<Y.UndoManager, KeptRanges>();

/**
 * `ranges` of characters that `undoManager`'s Ctrl+Z and Ctrl+Y leave unless their step names them: others'
 * text this editor typed again (split-rescue.ts). Yjs merges a character typed right after text a redo
 * brought back (same client, next clock) into one item with it, and the next Ctrl+Z, following the redone
 * text, deleted the whole item: the other person's letter typed again at the end of "two" went with "two"
 * (Tab, Shift+Tab, Bob types, Ctrl+Z, Ctrl+Z). Call with the same array as it changes; the latest 1 000 count.
 */
export function keepFromUndo(undoManager: Y.UndoManager, ranges: KeptRanges): void {
  const kept = keptBy.get(undoManager);
  if (kept === undefined) return;
  kept.push(...ranges);
  kept.splice(0, Math.max(0, kept.length - 1_000));
}

/**
 * Whether `item`, which an undo or redo is about to delete, is text of `kept` as a whole. When only part of
 * it is, the item is split there (inside the undo's transaction) and what is not kept is deleted: the item
 * that stays `item` is the part before the first kept character, or, when it starts with kept characters,
 * they are, and the rest after them is deleted here.
 */
function wholeKept(item: Y.Item, kept: KeptRanges): boolean {
  if (kept.length === 0 || !(item.content instanceof Y.ContentString)) return false;
  const { client, clock } = item.id;
  const end = clock + item.length;
  let first = end;
  let firstEnd = end;
  for (const r of kept) {
    if (r.client !== client || r.clock >= end || r.clock + r.length <= clock) continue;
    if (r.clock < first) {
      first = Math.max(r.clock, clock);
      firstEnd = Math.min(r.clock + r.length, end);
    }
  }
  if (first === end) return false;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types each kind of parent differently
  const doc = (item.parent as Y.AbstractType<any>).doc;
  const transaction = doc?._transaction ?? null;
  if (doc === null || transaction === null) return true;
  if (first > clock) {
    // Deleted up to the first kept character; the kept ones, and anything after them, stay.
    Y.getItemCleanEnd(transaction, doc.store, Y.createID(client, first - 1));
    return false;
  }
  // Starts with kept characters: they stay; what follows them (the step's, split off) goes.
  if (firstEnd < end) {
    const rest = Y.getItemCleanStart(transaction, Y.createID(client, firstEnd));
    if (!wholeKept(rest, kept)) rest.delete(transaction);
  }
  return true;
}

/**
 * An attribute a block was made with (a heading's level, a task's tick, a list's first number), when the
 * block stays because someone else's text is in it: it stays as it was made. Deleted, the attribute fell
 * back to its default, and the other person's words in a pasted Heading 2 were left in a Heading 1. Only
 * the block's first value for the key (nothing to its left): a later change of the attribute is a step of
 * its own, undone as any other.
 */
function isAttributeOfKeptBlock(item: Y.Item, clientID: number | undefined): boolean {
  if (item.parentSub === null || item.left !== null || !(item.parent instanceof Y.XmlElement)) return false;
  return clientID !== undefined && holdsOthersContent(item.parent, clientID);
}

/** Whether `type` holds (at any depth) content someone other than `clientID` put there, not deleted. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types each kind of content differently
function holdsOthersContent(type: Y.AbstractType<any>, clientID: number): boolean {
  for (let child = type._start; child !== null; child = child.right) {
    if (child.deleted) continue;
    if (child.id.client !== clientID) return true;
    if (child.content instanceof Y.ContentType && holdsOthersContent(child.content.type, clientID)) return true;
  }
  return false;
}

/** The list items whose first block must be a line (the schema's `paragraph block*`). */
const LINE_FIRST = new Set(['list_item', 'task_item']);

/**
 * Whether `item` is the first line of a list item that keeps blocks after it the undo does not take (someone
 * else's, or holding someone else's): the line stays, emptied. Taken, the item was left holding only a list,
 * which the editor cannot show and deletes, with what it holds: Alice splits "two|XYZ", Bob Tabs "three"
 * under her new line "XYZ", and her Ctrl+Z lost "three" for everyone (found by a review).
 */
function isFirstLineOfKeptItem(item: Y.Item, clientID: number | undefined): boolean {
  const parent = item.parent;
  if (clientID === undefined || !(item.content instanceof Y.ContentType) || !(parent instanceof Y.XmlElement) || !LINE_FIRST.has(parent.nodeName)) return false;
  let first = parent._start;
  while (first !== null && first.deleted) first = first.right;
  if (first !== item) return false;
  for (let next = item.right; next !== null; next = next.right) {
    if (next.deleted) continue;
    if (next.id.client !== clientID || (next.content instanceof Y.ContentType && holdsOthersContent(next.content.type, clientID))) return true;
  }
  return false;
}

function isLastParagraph(item: Y.Item, fragment: Y.XmlFragment): boolean {
  return (
    item.parent === fragment &&
    fragment.length <= 1 &&
    item.content instanceof Y.ContentType &&
    item.content.type instanceof Y.XmlElement &&
    item.content.type.nodeName === 'paragraph'
  );
}

interface StepState {
  /** Incremented for every change that must begin a new step; the view tells the undo manager. */
  readonly breaks: number;
  /** The next change of this person's begins a new step (the last one was structure, or the caret moved). */
  readonly breakBeforeNext: boolean;
  /** When this person last changed the document (`Transaction.time`). */
  readonly lastChangeAt: number;
  /** The current step holds typed text, not only spaces: a new sentence may end it. */
  readonly stepHasWords: boolean;
}

const key = new PluginKey<StepState>('tandem-undo-steps');

/** What a transaction does, as far as undo steps are concerned. */
type Change =
  | { kind: 'none' }
  /** A new line (Enter, Shift+Enter): ends the step before it and begins one that typing continues. */
  | { kind: 'new-line' }
  /** Any other change of structure or formatting, a paste, a drop: a step of its own. */
  | { kind: 'structure' }
  | { kind: 'typing'; sentenceStart: boolean; words: boolean };

/** A slice of empty text blocks only: a new line put in whole (Enter above a table, table-boundaries.ts). */
function emptyLines(slice: Slice): boolean {
  let lines = true;
  slice.content.forEach((node) => (lines &&= node.isTextblock && node.content.size === 0));
  return lines;
}

/** Only empty blocks or a line break inserted, nothing removed: what Enter and Shift+Enter do. */
function isNewLine(tr: Transaction): boolean {
  return tr.steps.every(
    (step) =>
      step instanceof ReplaceStep &&
      step.from === step.to &&
      step.slice.size > 0 &&
      step.slice.content.textBetween(0, step.slice.content.size) === '' &&
      (step.slice.openStart > 0 || step.slice.content.firstChild?.type.name === 'hard_break' || emptyLines(step.slice)),
  );
}

/**
 * The text typed over a selection that spanned blocks (from one line into the next, a heading and a list
 * selected whole), if `tr` is that: the selection before it was a range, after it a caret right after
 * the new text, in one textblock. Typing over a selection within one line is typing already; across
 * lines it changes structure (the lines are joined), and was a step of its own that took the first letter
 * with it: Ctrl+Z left "X" of "XYZ" typed over "two three".
 */
function typedOverSelection(tr: Transaction, before: EditorState, after: EditorState): string | undefined {
  if (before.selection.empty || !after.selection.empty) return undefined;
  const caret = after.selection.from;
  const $caret = after.doc.resolve(caret);
  if (!$caret.parent.isTextblock) return undefined;
  // Where the selection began, or the start of the caret's line when that is gone (all of it was selected).
  const start = Math.max(tr.mapping.map(before.selection.from, -1), $caret.start());
  if (start >= caret || !after.doc.resolve(start).sameParent($caret)) return undefined;
  let onlyText = true;
  after.doc.nodesBetween(start, caret, (node) => void (node.isInline && !node.isText && (onlyText = false)));
  return onlyText ? after.doc.textBetween(start, caret) : undefined;
}

function classify(tr: Transaction, before: EditorState, after: EditorState): Change {
  if (!tr.docChanged) return { kind: 'none' };
  const ui = tr.getMeta('uiEvent') as string | undefined;
  if (tr.getMeta(OWN_UNDO_STEP) === true) return { kind: 'structure' };
  if (tr.getMeta('paste') === true || ui === 'paste' || ui === 'drop' || ui === 'cut') return { kind: 'structure' };
  if (isNewLine(tr)) return { kind: 'new-line' };
  const inOneLine = classifyInLine(tr);
  if (inOneLine.kind !== 'structure') return inOneLine;
  // Typed over a selection across lines: typing, which the next letters continue.
  const typed = typedOverSelection(tr, before, after);
  return typed === undefined ? inOneLine : { kind: 'typing', sentenceStart: false, words: /\S/.test(typed) };
}

/** A change of text inside one textblock per step ('typing'), or anything else ('structure'). */
function classifyInLine(tr: Transaction): Change {
  let sentenceStart = false;
  let words = false;
  for (let i = 0; i < tr.steps.length; i++) {
    const step = tr.steps[i]!;
    const before: Node = tr.docs[i]!;
    // Text typed or deleted inside one paragraph (or heading…) is typing; anything else is structure.
    if (!(step instanceof ReplaceStep) || step.slice.openStart !== 0 || step.slice.openEnd !== 0) return { kind: 'structure' };
    const $from = before.resolve(step.from);
    if (!$from.parent.isTextblock || !$from.sameParent(before.resolve(step.to))) return { kind: 'structure' };
    let text = '';
    for (let c = 0; c < step.slice.content.childCount; c++) {
      const node = step.slice.content.child(c);
      if (!node.isText) return { kind: 'structure' };
      text += node.text;
    }
    if (/\S/.test(text)) words = true;
    if (i === 0 && /^\S/.test(text) && SENTENCE_END.test($from.parent.textBetween(0, $from.parentOffset, undefined, '\ufffc'))) {
      sentenceStart = true;
    }
  }
  return { kind: 'typing', sentenceStart, words };
}

/**
 * Ends undo steps at the boundaries people expect. Must come before `ySyncPlugin` in the plugin
 * list: the sync plugin writes a change to Yjs in its view update, and the step has to be ended
 * (`stopCapturing`) before that write is captured.
 */
export function undoSteps(undoManager: Y.UndoManager): Plugin<StepState> {
  return new Plugin<StepState>({
    key,
    state: {
      init: () => ({ breaks: 0, breakBeforeNext: false, lastChangeAt: 0, stepHasWords: false }),
      apply(tr, value, oldState, newState) {
        // Remote changes, and undo and redo themselves (rendered from Yjs), are not this person's typing.
        const sync = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
        if (sync?.isChangeOrigin === true || tr.getMeta('addToHistory') === false) return value;
        if (tr.getMeta(SAME_UNDO_STEP) === true) return { ...value, lastChangeAt: tr.time };
        const change = classify(tr, oldState, newState);
        if (change.kind === 'none') {
          const moved = tr.selectionSet && !newState.selection.eq(oldState.selection);
          return moved || tr.storedMarksSet ? { ...value, breakBeforeNext: true } : value;
        }
        const typing = change.kind === 'typing';
        const brk =
          value.breakBeforeNext ||
          !typing ||
          tr.time - value.lastChangeAt >= STEP_PAUSE_MS ||
          (change.sentenceStart && value.stepHasWords);
        return {
          breaks: brk ? value.breaks + 1 : value.breaks,
          breakBeforeNext: change.kind === 'structure',
          lastChangeAt: tr.time,
          stepHasWords: typing && (change.words || (!brk && value.stepHasWords)),
        };
      },
    },
    view(view) {
      let seen = key.getState(view.state)!.breaks;
      return {
        update(v) {
          const { breaks } = key.getState(v.state)!;
          if (breaks === seen) return;
          seen = breaks;
          undoManager.stopCapturing();
        },
      };
    },
  });
}

/**
 * Takes back the typographic replacement just made ("--" to "—", a curly quote), ProseMirror's
 * `undoInputRule`, as part of the undo step being typed: after a pause it would be a step of its own, and
 * the next Ctrl+Z would bring the replacement back instead of taking back the typing.
 */
export const undoReplacement: Command = (state, dispatch) =>
  undoInputRule(state, dispatch === undefined ? undefined : (tr) => dispatch(tr.setMeta(SAME_UNDO_STEP, true)));
