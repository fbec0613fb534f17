// Paints who wrote what: ProseMirror decorations colouring each passage in its author's colour, with
// "Ada · Today 14:05" on hover. Yjs ids become document positions through y-prosemirror's binding
// (its mapping of Y types to ProseMirror nodes), walking the items of each text block's Y.XmlText.

import type { Node as PMNode } from 'prosemirror-model';
import { type EditorState, Plugin, PluginKey } from 'prosemirror-state';
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view';
import { ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { type AuthorshipIndex, formatWhen } from './authorship-index.js';

export const authorshipKey = new PluginKey<DecorationSet>('authorship');

/** Repainted at most this often while people type; between repaints the colours move with the text. */
const REPAINT_MS = 80;

export interface SyncBinding {
  readonly mapping: Map<Y.AbstractType<unknown>, PMNode | PMNode[]>;
}

/** The decorations for `state`, from `index`; empty if the sync binding is not there yet. */
export function authorshipDecorations(state: EditorState, index: AuthorshipIndex, now = Date.now()): DecorationSet {
  const binding = (ySyncPluginKey.getState(state) as { binding?: SyncBinding } | undefined)?.binding;
  if (binding === undefined) return DecorationSet.empty;
  return DecorationSet.create(
    state.doc,
    passagesOf(state.doc, binding, index, now).map(({ from, to, author, color, title }) =>
      Decoration.inline(from, to, { class: 'authored', style: `--author-color: ${color}`, title, 'data-author': author }),
    ),
  );
}

/** Every passage of `doc` whose author `index` knows, in document order. */
export function passagesOf(doc: PMNode, binding: SyncBinding, index: AuthorshipIndex, now = Date.now()): Passage[] {
  const typeOf = new Map<PMNode, Y.AbstractType<unknown>>();
  for (const [type, node] of binding.mapping) if (!Array.isArray(node)) typeOf.set(node, type);
  const passages: Passage[] = [];
  doc.descendants((node, pos) => {
    if (!node.inlineContent) return true;
    const type = typeOf.get(node);
    if (type instanceof Y.XmlElement) paintBlock(type, pos + 1, pos + node.nodeSize - 1, binding, index, now, passages);
    return false;
  });
  return passages;
}

/** A stretch of text by one author with one label: one decoration, however many Yjs items it spans. */
export interface Passage {
  readonly from: number;
  to: number;
  readonly author: string;
  readonly color: string;
  readonly title: string;
}

function paintBlock(
  element: Y.XmlElement,
  start: number,
  end: number,
  binding: SyncBinding,
  index: AuthorshipIndex,
  now: number,
  out: Passage[],
): void {
  let pos = start;
  for (let item = element._start; item !== null && pos < end; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentType)) continue;
    const child = item.content.type;
    if (child instanceof Y.XmlText) {
      for (let t = child._start; t !== null; t = t.right) {
        if (t.deleted || !t.countable) continue;
        paintRun(t.id.client, t.id.clock, t.length, Math.min(pos, end), index, now, out);
        pos += t.length;
      }
    } else {
      // An inline node (an image, a line break): as long as ProseMirror says.
      const node = binding.mapping.get(child);
      pos += node !== undefined && !Array.isArray(node) ? node.nodeSize : 1;
    }
  }
}

/** Passages for `length` ids of `client` from `clock`, placed from `pos`; extends the last one where it goes on. */
function paintRun(client: number, clock: number, length: number, pos: number, index: AuthorshipIndex, now: number, out: Passage[]): void {
  for (let c = clock; c < clock + length; ) {
    const { author, at, end } = index.attribute(client, c);
    const to = Math.min(end, clock + length);
    const info = author === undefined ? undefined : index.describe(author);
    if (author !== undefined && info !== undefined) {
      const from = pos + (c - clock);
      const title = at === undefined ? info.name : `${info.name} · ${formatWhen(at, now)}`;
      const last = out.at(-1);
      if (last !== undefined && last.to === from && last.author === author && last.title === title) last.to = pos + (to - clock);
      else out.push({ from, to: pos + (to - clock), author, color: info.color, title });
    }
    c = to;
  }
}

/** The plugin: repaints after changes (at most every REPAINT_MS), maps the colours in between. */
export function authorshipPlugin(index: AuthorshipIndex): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: authorshipKey,
    state: {
      init: () => DecorationSet.empty,
      apply: (tr, set) => (tr.getMeta(authorshipKey) as DecorationSet | undefined) ?? set.map(tr.mapping, tr.doc),
    },
    props: {
      decorations: (state) => authorshipKey.getState(state),
    },
    view(view) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let painted = -1;
      const repaint = (v: EditorView) => {
        timer = undefined;
        painted = index.version;
        const started = performance.now();
        const set = index.enabled ? authorshipDecorations(v.state, index) : DecorationSet.empty;
        performance.measure('tandem:authorship-compute', { start: started });
        v.dispatch(v.state.tr.setMeta(authorshipKey, set).setMeta('addToHistory', false));
        // What a repaint costs (computing and drawing), for bench/authorship.ts and the browser's profiler.
        performance.measure('tandem:authorship-repaint', { start: started });
      };
      // Off, the plugin costs a mapped empty set per transaction and nothing more.
      const schedule = (v: EditorView) => {
        if (timer === undefined && (index.enabled || authorshipKey.getState(v.state) !== DecorationSet.empty)) {
          timer = setTimeout(() => repaint(v), REPAINT_MS);
        }
      };
      const onIndex = () => schedule(view);
      index.listeners.add(onIndex);
      schedule(view);
      return {
        update(v, previous) {
          if (v.state.doc !== previous.doc || painted !== index.version) schedule(v);
        },
        destroy() {
          clearTimeout(timer);
          index.listeners.delete(onIndex);
        },
      };
    },
  });
}
