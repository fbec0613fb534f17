// Comments that go with cut text, as in Google Docs: a cut puts on the clipboard (its HTML) the document's
// name and, for each comment whose text lies inside the cut, its id and where its text is in the cut's
// text (offset and quote); a paste into the same document anchors those of them that are orphaned now
// (their text was cut) again on the pasted text, for everyone. A copy carries nothing; another document
// finds no comment of its own under those ids. Text dragged within the editor is cut and pasted in one:
// its comments go with it the same way.
//
// The clipboard is anyone's HTML: it is trusted only to name comments of this document that are orphaned,
// and a place inside the pasted text where their quote is. The move is written with the paste's origin,
// into its undo step (the comments map is in the undo manager's scope for that origin only): undoing the
// paste puts the anchors back on the cut text, which undoing the cut brings back (anchors-after-undo.ts).

import { commentsOf, leafQuote, readComment, readComments, threadGone, threadsOf } from '@tandem/schema/comments';
import { DOMSerializer, type Fragment, type Node } from 'prosemirror-model';
import { type EditorState, Plugin } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { yUndoPluginKey, ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { ANCHOR_ORIGIN, moveAnchorsOntoRedone } from './anchors-after-undo.js';
import { anchorOf, highlightsKey, placeAnchor } from './comment-highlights.js';

/** The attribute of the empty element a cut adds to the clipboard's HTML. */
export const CUT_ATTRIBUTE = 'data-tandem-cut';
/** At most this many comments are read from one paste. */
const MAX_COMMENTS = 200;
const MAX_ID = 100;
/** Stack item meta: the anchors a paste set ([comment id, start, end]). */
const MOVED = 'tandem:cut-comments';
type Moved = ReadonlyArray<readonly [string, Uint8Array, Uint8Array]>;

export interface CutComment {
  readonly id: string;
  /** Where the comment's text starts in the cut's text (cutText), in UTF-16 code units. */
  readonly offset: number;
  readonly quote: string;
}

export interface CutData {
  readonly doc: string;
  readonly comments: readonly CutComment[];
}

/**
 * The text of `doc` from `from` to `to` as the cut and the paste both read it (blocks joined by '\n',
 * inline leaves as a comment's quote reads them), with the document position of each character (-1: a
 * block separator; every character of an inline leaf stands at its one position).
 */
export function cutText(doc: Node, from: number, to: number): { text: string; at: number[] } {
  let text = '';
  const at: number[] = [];
  doc.nodesBetween(from, to, (node, pos) => {
    if (node.isTextblock) {
      if (text !== '') {
        text += '\n';
        at.push(-1);
      }
      return true;
    }
    if (node.isText) {
      const start = Math.max(from, pos);
      const end = Math.min(to, pos + node.nodeSize);
      text += node.text!.slice(start - pos, end - pos);
      for (let p = start; p < end; p++) at.push(p);
    } else if (node.isInline) {
      const quote = leafQuote(node);
      text += quote;
      for (let i = 0; i < quote.length; i++) at.push(pos);
    }
    return true;
  });
  return { text, at };
}

/** The clipboard's data, checked: undefined unless it is well formed (ids and offsets of the right kinds). */
export function readCutData(html: string): CutData | undefined {
  const element = new DOMParser().parseFromString(html, 'text/html').querySelector(`[${CUT_ATTRIBUTE}]`);
  const raw = element?.getAttribute(CUT_ATTRIBUTE);
  if (raw === null || raw === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { doc, comments } = data as { doc?: unknown; comments?: unknown };
  if (typeof doc !== 'string' || !Array.isArray(comments) || comments.length > MAX_COMMENTS) return undefined;
  const out: CutComment[] = [];
  for (const c of comments as unknown[]) {
    if (typeof c !== 'object' || c === null) continue;
    const { id, offset, quote } = c as Record<string, unknown>;
    if (typeof id !== 'string' || id === '' || id.length > MAX_ID) continue;
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) continue;
    if (typeof quote !== 'string' || quote === '') continue;
    out.push({ id, offset, quote });
  }
  return { doc, comments: out };
}

/**
 * The occurrence of `quote` in `text` nearest to `offset` whose ends are characters (not separators), and
 * no further from it than ProseMirror's fitting of the pasted blocks can move text (a few separators).
 */
function nearestIn(text: string, at: readonly number[], quote: string, offset: number): number | undefined {
  let best: number | undefined;
  const slack = 4 + 2 * at.filter((p) => p < 0).length;
  for (let i = text.indexOf(quote); i >= 0; i = text.indexOf(quote, i + 1)) {
    if (at[i]! < 0 || at[i + quote.length - 1]! < 0 || Math.abs(i - offset) > slack) continue;
    if (best === undefined || Math.abs(i - offset) < Math.abs(best - offset)) best = i;
  }
  return best;
}

/** The comments of `state` wholly inside `from`..`to`, placed in that range's text. */
function commentsInside(state: EditorState, from: number, to: number): CutComment[] {
  const placed = highlightsKey.getState(state)?.placed;
  if (placed === undefined) return [];
  const { text, at } = cutText(state.doc, from, to);
  const out: CutComment[] = [];
  for (const [id, where] of placed) {
    if (where.from < from || where.to > to) continue;
    const start = at.findIndex((p) => p >= where.from);
    let end = at.length;
    while (end > 0 && (at[end - 1]! < 0 || at[end - 1]! >= where.to)) end--;
    if (start < 0 || end <= start) continue;
    out.push({ id, offset: start, quote: text.slice(start, end) });
  }
  return out.slice(0, MAX_COMMENTS);
}

export interface CutCommentsOptions {
  readonly doc: Y.Doc;
  /** The document's name now. */
  readonly docName: () => string;
}

/** The plugin that carries comments through a cut and a paste, or a drag, in this document (see the top of this file). */
export function cutComments({ doc, docName }: CutCommentsOptions): Plugin {
  /** What the cut being serialized carries (set by the cut event, taken by the serializer). */
  let cutting: CutData | undefined;
  /** What the paste or drop being applied carries (set by its event, taken by the next view update). */
  let pasting: (CutData & { readonly dropped?: boolean }) | undefined;
  let undoManager: Y.UndoManager | undefined;
  let getView: (() => EditorView) | undefined;

  /**
   * A redo of a paste does not set its anchors again when the anchors changed since its undo (undoing the
   * cut moved them onto the text it brought back; Yjs redoes no map value that was overwritten after it).
   * The step carries the anchors it set (meta, handed on from stack item to stack item): a redo puts the
   * comments still orphaned back on them, which then follow the redone text (anchors-after-undo.ts).
   */
  const popped = ({ stackItem, type }: { stackItem: { meta: Map<unknown, unknown> }; type: 'undo' | 'redo' }) => {
    const moved = stackItem.meta.get(MOVED) as Moved | undefined;
    if (moved === undefined || undoManager === undefined) return;
    const other = type === 'undo' ? undoManager.redoStack : undoManager.undoStack;
    other[other.length - 1]?.meta.set(MOVED, moved);
    if (type !== 'redo') return;
    queueMicrotask(() => {
      const state = getView?.().state;
      if (state === undefined) return;
      const map = commentsOf(doc);
      doc.transact(() => {
        for (const [id, start, end] of moved) {
          const entry = map.get(id);
          const comment = readComment(id, entry);
          if (!(entry instanceof Y.Map) || comment?.anchor === undefined || placeAnchor(state, comment.anchor) !== undefined) continue;
          entry.set('start', start);
          entry.set('end', end);
        }
      }, ANCHOR_ORIGIN);
      moveAnchorsOntoRedone(doc);
    });
  };
  // The clipboard's HTML with the cut's data appended (an empty element; nothing when not cutting).
  const serializer = DOMSerializer.fromSchema(schema);
  const serializeFragment = serializer.serializeFragment.bind(serializer);
  serializer.serializeFragment = (fragment: Fragment, options?: { document?: Document }, target?: HTMLElement | DocumentFragment) => {
    const out = serializeFragment(fragment, options, target);
    if (cutting !== undefined) {
      const marker = (options?.document ?? document).createElement('span');
      marker.setAttribute(CUT_ATTRIBUTE, JSON.stringify(cutting));
      out.appendChild(marker);
      cutting = undefined;
    }
    return out;
  };

  return new Plugin({
    props: {
      clipboardSerializer: serializer,
      handleDOMEvents: {
        cut(view) {
          const { from, to, empty } = view.state.selection;
          if (!view.editable || empty) return false;
          const comments = commentsInside(view.state, from, to);
          if (comments.length > 0) {
            cutting = { doc: docName(), comments };
            queueMicrotask(() => (cutting = undefined));
          }
          return false; // ProseMirror's own cut follows, and serializes with the serializer above
        },
        drop(view) {
          // Text dragged within this editor is moved (deleted where it was): its comments go with it, to the
          // dropped text ProseMirror selects.
          const { from, to, empty } = view.state.selection;
          pasting = undefined;
          if (!view.editable || empty || view.dragging?.move !== true) return false;
          const comments = commentsInside(view.state, from, to);
          if (comments.length === 0) return false;
          pasting = { doc: docName(), comments, dropped: true };
          queueMicrotask(() => (pasting = undefined));
          return false;
        },
        paste(view, event) {
          const html = event.clipboardData?.getData('text/html') ?? '';
          pasting = undefined;
          if (!view.editable || !html.includes(CUT_ATTRIBUTE)) return false;
          const data = readCutData(html);
          if (data === undefined || data.doc !== docName() || data.comments.length === 0) return false;
          pasting = data;
          queueMicrotask(() => (pasting = undefined));
          return false;
        },
      },
    },
    view(view) {
      // The anchor moves a paste makes are part of its undo step (see the top of this file).
      undoManager = yUndoPluginKey.getState(view.state)?.undoManager;
      undoManager?.addToScope(commentsOf(doc));
      undoManager?.on('stack-item-popped', popped);
      getView = () => view;
      return {
        update(v, prev) {
          const data = pasting;
          if (data === undefined || v.state.doc.eq(prev.doc)) return;
          pasting = undefined;
          if (data.dropped === true) {
            reanchor(v.state, data, v.state.selection.from, v.state.selection.to);
            return;
          }
          // A paste replaces the selection and leaves the caret after what it put in: the pasted text lies
          // between the two. (Comparing the documents from either end overlapped where the pasted text
          // began or ended as the text beside it did, "very " pasted before "very good", and found nothing.)
          const from = Math.min(prev.selection.from, v.state.doc.content.size);
          const to = v.state.selection.to;
          if (to > from) reanchor(v.state, data, from, to);
        },
        destroy() {
          undoManager?.off('stack-item-popped', popped);
        },
      };
    },
  });

  /** Anchors the orphaned comments `data` names on their text inside `from`..`to` of `state`. */
  function reanchor(state: EditorState, data: CutData, from: number, to: number): void {
    const map = commentsOf(doc);
    const { text, at } = cutText(state.doc, from, to);
    const moves: Array<[string, Y.Map<unknown>, Uint8Array, Uint8Array]> = [];
    const seen = new Set<string>();
    const gone = new Set(threadsOf(readComments(doc)).filter(threadGone).map(({ comment }) => comment.id));
    for (const { id, offset, quote } of data.comments) {
      if (seen.has(id) || !map.has(id)) continue;
      seen.add(id);
      const entry = map.get(id);
      const comment = readComment(id, entry);
      if (!(entry instanceof Y.Map) || comment === undefined || comment.parent !== undefined || gone.has(id) || comment.anchor === undefined) continue;
      if (placeAnchor(state, comment.anchor) !== undefined) continue; // not orphaned: it stays where it is
      const i = nearestIn(text, at, quote, offset);
      if (i === undefined) continue;
      const anchor = anchorOf(state, at[i]!, at[i + quote.length - 1]! + 1);
      if (anchor === undefined) continue;
      moves.push([id, entry, Y.encodeRelativePosition(anchor.start), Y.encodeRelativePosition(anchor.end)]);
    }
    if (moves.length === 0) return;
    doc.transact(() => {
      for (const [, entry, start, end] of moves) {
        entry.set('start', start);
        entry.set('end', end);
      }
    }, ySyncPluginKey);
    // The step this went into (the paste's) remembers it, for its redo.
    const step = undoManager?.undoStack[undoManager.undoStack.length - 1];
    if (step !== undefined) step.meta.set(MOVED, [...((step.meta.get(MOVED) as Moved | undefined) ?? []), ...moves.map(([id, , start, end]) => [id, start, end] as const)]);
  }
}
