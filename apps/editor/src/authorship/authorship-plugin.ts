// Paints who wrote what: ProseMirror decorations colouring each passage in its author's colour, with
// "Ada · Today 14:05" on hover. Yjs ids become document positions through y-prosemirror's binding
// (its mapping of Y types to ProseMirror nodes), walking the items of each text block's Y.XmlText.

import type { Node as PMNode } from 'prosemirror-model';
import { type EditorState, Plugin, PluginKey } from 'prosemirror-state';
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view';
import { ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { type AuthorshipIndex, formatWhen } from './authorship-index.js';

export const authorshipKey = new PluginKey<Painted>('authorship');

/** Repainted at most this often while people type; between repaints the colours move with the text. */
const REPAINT_MS = 80;

export interface SyncBinding {
  readonly mapping: Map<Y.AbstractType<unknown>, PMNode | PMNode[]>;
}

/** The decorations for `state`, from `index`; empty if the sync binding is not there yet. */
export function authorshipDecorations(state: EditorState, index: AuthorshipIndex, now = Date.now()): DecorationSet {
  const binding = (ySyncPluginKey.getState(state) as { binding?: SyncBinding } | undefined)?.binding;
  if (binding === undefined) return DecorationSet.empty;
  return DecorationSet.create(state.doc, passagesOf(state.doc, binding, index, now).map(toDecoration));
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

/** The colours shown, and the stretches of the document changed since they were computed ([from, to] pairs). */
interface Painted {
  readonly set: DecorationSet;
  readonly dirty: readonly number[];
}

/** The passage travels in the decoration's spec, so that a decoration can be moved whole. */
const toDecoration = (passage: Passage) =>
  Decoration.inline(
    passage.from,
    passage.to,
    { class: 'authored', style: `--author-color: ${passage.color}`, title: passage.title, 'data-author': passage.author },
    { passage },
  );

/** Passages for the text blocks `blocks` ([position, node]), or undefined if one is not bound to Yjs yet. */
function paintBlocks(blocks: Iterable<readonly [number, PMNode]>, binding: SyncBinding, index: AuthorshipIndex): Passage[] | undefined {
  const list = [...blocks];
  const wanted = new Set(list.map(([, node]) => node));
  const typeOf = new Map<PMNode, Y.AbstractType<unknown>>();
  for (const [type, node] of binding.mapping) if (!Array.isArray(node) && wanted.has(node)) typeOf.set(node, type);
  const passages: Passage[] = [];
  const now = Date.now();
  for (const [pos, node] of list) {
    const type = typeOf.get(node);
    if (!(type instanceof Y.XmlElement)) return undefined;
    paintBlock(type, pos + 1, pos + node.nodeSize - 1, binding, index, now, passages);
  }
  return passages;
}

/** The text blocks in and around `from`..`to` of `doc`. */
function textBlocksAround(doc: PMNode, from: number, to: number, into: Map<number, PMNode>): void {
  const size = doc.content.size;
  const a = Math.max(0, Math.min(from - 1, size));
  const b = Math.max(a, Math.min(to + 1, size));
  doc.nodesBetween(a, b, (node, pos) => {
    if (!node.inlineContent) return true;
    into.set(pos, node);
    return false;
  });
}

/**
 * The colours after y-prosemirror applied a remote change, which replaces the whole document: the
 * top-level blocks it kept (the same node objects) keep their passages, moved; the others are
 * painted again now, so nothing flickers. Undefined if that cannot be done.
 */
function carryOver(previous: PMNode, next: PMNode, painted: Painted, binding: SyncBinding, index: AuthorshipIndex): DecorationSet | undefined {
  const { set, dirty } = painted;
  const before = new Map<PMNode, number>();
  previous.forEach((node, offset) => {
    // A block changed here since the last repaint is painted again too, kept or not.
    for (let i = 0; i < dirty.length; i += 2) if (dirty[i]! <= offset + node.nodeSize && dirty[i + 1]! >= offset) return;
    before.set(node, offset);
  });
  const kept: Decoration[] = [];
  const changed = new Map<number, PMNode>();
  next.forEach((node, offset) => {
    const was = before.get(node);
    if (was === undefined) {
      textBlocksAround(next, offset + 1, offset + node.nodeSize - 1, changed);
      return;
    }
    for (const d of set.find(was, was + node.nodeSize)) {
      const passage = (d.spec as { passage: Passage }).passage;
      kept.push(toDecoration({ ...passage, from: d.from + offset - was, to: d.to + offset - was }));
    }
  });
  const repainted = paintBlocks(changed, binding, index);
  return repainted === undefined ? undefined : DecorationSet.create(next, [...kept, ...repainted.map(toDecoration)]);
}

/**
 * The colours of `state` recomputed only in the text blocks changed since the last repaint, or
 * undefined when that cannot be done (a changed block that the sync binding does not know yet).
 */
function repaintChanged(state: EditorState, painted: Painted, index: AuthorshipIndex): DecorationSet | undefined {
  const binding = (ySyncPluginKey.getState(state) as { binding?: SyncBinding } | undefined)?.binding;
  if (binding === undefined) return undefined;
  const blocks = new Map<number, PMNode>();
  for (let i = 0; i < painted.dirty.length; i += 2) textBlocksAround(state.doc, painted.dirty[i]!, painted.dirty[i + 1]!, blocks);
  const passages = paintBlocks(blocks, binding, index);
  if (passages === undefined) return undefined;
  let set = painted.set;
  for (const [pos, node] of blocks) set = set.remove(set.find(pos, pos + node.nodeSize));
  return set.add(state.doc, passages.map(toDecoration));
}

/**
 * The plugin: repaints after changes (at most every REPAINT_MS) and maps the colours in between. A
 * repaint after typing recomputes only the blocks typed in; one after the index changed in ways that
 * reach further (an answer, a binding, the toggle), the whole document.
 */
export function authorshipPlugin(index: AuthorshipIndex): Plugin<Painted> {
  return new Plugin<Painted>({
    key: authorshipKey,
    state: {
      init: () => ({ set: DecorationSet.empty, dirty: [] }),
      apply(tr, painted, previous, state) {
        const set = tr.getMeta(authorshipKey) as DecorationSet | undefined;
        if (set !== undefined) return { set, dirty: [] };
        // Off (nothing shown), there is nothing to keep track of: turning it on repaints everything.
        if (!tr.docChanged || painted.set === DecorationSet.empty) return painted;
        const binding = (ySyncPluginKey.getState(state) as { binding?: SyncBinding } | undefined)?.binding;
        if (binding !== undefined && (tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin === true) {
          const carried = carryOver(previous.doc, state.doc, painted, binding, index);
          if (carried !== undefined) return { set: carried, dirty: [] };
        }
        const dirty: number[] = [];
        for (let i = 0; i < painted.dirty.length; i += 2) dirty.push(tr.mapping.map(painted.dirty[i]!, -1), tr.mapping.map(painted.dirty[i + 1]!, 1));
        tr.mapping.maps.forEach((map, i) => {
          const rest = tr.mapping.slice(i + 1);
          map.forEach((_oldFrom, _oldTo, from, to) => dirty.push(rest.map(from, -1), rest.map(to, 1)));
        });
        return { set: painted.set.map(tr.mapping, tr.doc), dirty };
      },
    },
    props: {
      decorations: (state) => authorshipKey.getState(state)?.set,
    },
    view(view) {
      const key = authorshipKey;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let painted = -1;
      let paintedWhole = -1;
      const repaint = (v: EditorView) => {
        timer = undefined;
        // Nothing shown yet (the answer came before the document did, say): no changes were tracked.
        const whole = paintedWhole !== index.wholeVersion || key.getState(v.state)!.set === DecorationSet.empty;
        painted = index.version;
        paintedWhole = index.wholeVersion;
        // Nothing changed that the colours do not already show (a remote change is painted as it lands).
        if (!whole && index.enabled && key.getState(v.state)!.dirty.length === 0) return;
        const started = performance.now();
        const set = !index.enabled
          ? DecorationSet.empty
          : ((whole ? undefined : repaintChanged(v.state, key.getState(v.state)!, index)) ?? authorshipDecorations(v.state, index));
        performance.measure('tandem:authorship-compute', { start: started });
        v.dispatch(v.state.tr.setMeta(authorshipKey, set).setMeta('addToHistory', false));
        // What a repaint costs (computing and drawing), for bench/authorship.ts and the browser's profiler.
        performance.measure('tandem:authorship-repaint', { start: started });
      };
      // Off, the plugin costs a mapped empty set per transaction and nothing more.
      const schedule = (v: EditorView) => {
        if (timer === undefined && (index.enabled || key.getState(v.state)!.set !== DecorationSet.empty)) {
          // An answer or the toggle is painted at once; typing waits for a pause or the next REPAINT_MS.
          timer = setTimeout(() => repaint(v), paintedWhole !== index.wholeVersion ? 0 : REPAINT_MS);
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
