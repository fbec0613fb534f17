// Where each comment's anchor is in the editor, and the highlight on its text: anchors are Yjs
// relative positions, turned into ProseMirror positions after the document changes (a remote edit,
// or our own once y-prosemirror has written it to Yjs), and mapped through edits in between.

import type { Node as PMNode } from 'prosemirror-model';
import { type EditorState, Plugin, PluginKey } from 'prosemirror-state';
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view';
import { relativePositionToAbsolutePosition, ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { type Mapping, relativePosition } from '../collab/relative-position.js';
import { threadGone } from '@tandem/schema/comments';
import type { Anchor, CommentStore } from './comment-store.js';
import { selectedText } from './selected-text.js';

interface SyncState {
  readonly doc: Y.Doc;
  readonly type: Y.XmlFragment;
  readonly binding?: { readonly mapping: Mapping };
}

/** Where an open thread's anchored text is now; absent for an orphaned one. */
export interface Placed {
  readonly from: number;
  readonly to: number;
}

export interface Highlights {
  readonly set: DecorationSet;
  readonly placed: ReadonlyMap<string, Placed>;
  /** The thread shown as the current one (its highlight is stronger). */
  readonly active: string | undefined;
}

export const highlightsKey = new PluginKey<Highlights>('comment-highlights');

const syncOf = (state: EditorState) => ySyncPluginKey.getState(state) as SyncState | undefined;

/** A relative position at `pos` that sticks to the text on its `assoc` side (the anchored text's edges). */
function stick(pos: number, state: EditorState, sync: SyncState, mapping: Mapping, assoc: number): Y.RelativePosition {
  const relative = relativePosition(pos, state.doc, sync.type, mapping);
  const absolute = Y.createAbsolutePositionFromRelativePosition(relative, sync.doc);
  if (absolute === null || !(absolute.type instanceof Y.XmlText)) return relative;
  return Y.createRelativePositionFromTypeIndex(absolute.type, absolute.index, assoc);
}

/** The anchor for the selected text: typing at either edge stays outside it. Undefined for an empty selection. */
export function anchorOfSelection(state: EditorState): Anchor | undefined {
  const { from, to, empty } = state.selection;
  if (empty || selectedText(state.doc, from, to).trim() === '') return undefined;
  return anchorOf(state, from, to);
}

/** The anchor for the text from `from` to `to` (as the selection's), or undefined before the sync plugin is bound. */
export function anchorOf(state: EditorState, from: number, to: number): Anchor | undefined {
  const sync = syncOf(state);
  if (sync?.binding === undefined) return undefined;
  return { start: stick(from, state, sync, sync.binding.mapping, 0), end: stick(to, state, sync, sync.binding.mapping, -1) };
}

/** Where `anchor` is in the editor now, or undefined when its text is gone (orphaned). */
export function placeAnchor(state: EditorState, anchor: Anchor): Placed | undefined {
  const sync = syncOf(state);
  if (sync?.binding === undefined) return undefined;
  const from = relativePositionToAbsolutePosition(sync.doc, sync.type, anchor.start, sync.binding.mapping);
  const to = relativePositionToAbsolutePosition(sync.doc, sync.type, anchor.end, sync.binding.mapping);
  return from === null || to === null || from >= to || to > state.doc.content.size ? undefined : { from, to };
}

function place(state: EditorState, comments: CommentStore, active: string | undefined): Highlights {
  const sync = syncOf(state);
  const placed = new Map<string, Placed>();
  if (sync?.binding === undefined) return { set: DecorationSet.empty, placed, active };
  const decorations: Decoration[] = [];
  for (const thread of comments.threads()) {
    const { comment } = thread;
    // A thread whose first comment was deleted keeps its place while a reply stands.
    if (comment.anchor === undefined || threadGone(thread)) continue;
    const from = relativePositionToAbsolutePosition(sync.doc, sync.type, comment.anchor.start, sync.binding.mapping);
    const to = relativePositionToAbsolutePosition(sync.doc, sync.type, comment.anchor.end, sync.binding.mapping);
    if (from === null || to === null || from >= to || to > state.doc.content.size) continue;
    placed.set(comment.id, { from, to });
    if (comment.resolved) continue;
    decorations.push(
      Decoration.inline(from, to, {
        class: comment.id === active ? 'comment-highlight active' : 'comment-highlight',
        'data-comment-id': comment.id,
      }),
    );
  }
  return { set: DecorationSet.create(state.doc, decorations), placed, active };
}

function samePlaces(a: ReadonlyMap<string, Placed>, b: ReadonlyMap<string, Placed>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, { from, to }] of a) {
    const other = b.get(id);
    if (other === undefined || other.from !== from || other.to !== to) return false;
  }
  return true;
}

/** Shows `id` as the current thread (undefined: none). */
export function setActiveComment(view: EditorView, id: string | undefined): void {
  view.dispatch(view.state.tr.setMeta(highlightsKey, { active: id }));
}

/** The open thread whose highlight holds `pos`, if any. */
export function threadAt(state: EditorState, pos: number): string | undefined {
  const highlights = highlightsKey.getState(state);
  if (highlights === undefined) return undefined;
  for (const [id, { from, to }] of highlights.placed) if (pos >= from && pos <= to) return id;
  return undefined;
}

/**
 * The plugin: places the anchors again after each change to the document or the comments (in a task
 * of its own, once Yjs has our edit too), and maps them in between. `onPlaced` gets the highlights placed
 * and the document they were placed in (their positions are good for it only).
 */
export function commentHighlights(comments: CommentStore, onPlaced: (highlights: Highlights, doc: PMNode) => void): Plugin<Highlights> {
  return new Plugin<Highlights>({
    key: highlightsKey,
    state: {
      init: () => ({ set: DecorationSet.empty, placed: new Map(), active: undefined }),
      apply(tr, value, _previous, state) {
        const meta = tr.getMeta(highlightsKey) as { placed?: Highlights; active?: string } | undefined;
        if (meta?.placed !== undefined) return meta.placed;
        if (meta !== undefined && 'active' in meta) return place(state, comments, meta.active);
        if (!tr.docChanged) return value;
        const placed = new Map<string, Placed>();
        for (const [id, { from, to }] of value.placed) {
          const a = tr.mapping.map(from, 1);
          const b = tr.mapping.map(to, -1);
          if (a < b) placed.set(id, { from: a, to: b });
        }
        return { set: value.set.map(tr.mapping, tr.doc), placed, active: value.active };
      },
    },
    props: {
      decorations: (state) => highlightsKey.getState(state)?.set,
    },
    view(view) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let placedVersion = -1;
      const schedule = () => {
        timer ??= setTimeout(() => {
          timer = undefined;
          const threadsChanged = placedVersion !== comments.version;
          placedVersion = comments.version;
          const { state } = view;
          const shown = highlightsKey.getState(state);
          const highlights = place(state, comments, shown?.active);
          // Typing moves anchors as the mapping already did (always, with no comments): then the highlights
          // shown are these, and a transaction to say so would run every plugin and the toolbar again.
          if (threadsChanged || shown === undefined || !samePlaces(shown.placed, highlights.placed)) {
            // Not marked `addToHistory: false`: y-prosemirror ends the current undo step on such a transaction.
            view.dispatch(view.state.tr.setMeta(highlightsKey, { placed: highlights }));
          }
          onPlaced(highlights, state.doc);
        }, 0);
      };
      const listener = () => schedule();
      comments.listeners.add(listener);
      schedule();
      return {
        update(v, previous) {
          if (v.state.doc !== previous.doc || placedVersion !== comments.version) schedule();
        },
        destroy() {
          clearTimeout(timer);
          comments.listeners.delete(listener);
        },
      };
    },
  });
}
