// The find plugin: while the find bar is open, the matches of its query in the document (kept up to
// date through every change, local or remote, searching again only the blocks that changed), their
// highlights, the current match, and the commands that move between matches and replace them.
// While the bar is closed it does nothing at all.

import type { Node } from 'prosemirror-model';
import { type EditorState, Plugin, PluginKey, TextSelection, type Transaction } from 'prosemirror-state';
import { Mapping, StepMap } from 'prosemirror-transform';
import { Decoration, type DecorationAttrs, DecorationSet, type EditorView } from 'prosemirror-view';
import { OWN_UNDO_STEP } from '../undo-steps.js';
import { blockMemo, findMatches, type Match, matchAtOrAfter, type SearchQuery } from './search-core.js';

export interface FindState {
  readonly open: boolean;
  readonly query: SearchQuery;
  readonly matches: readonly Match[];
  /** Index into `matches`; -1 when there is none. */
  readonly current: number;
  readonly decorations: DecorationSet;
}

type FindAction =
  /** Opens the search (or changes its query); the current match is the first at or after `from`. */
  | { readonly type: 'search'; readonly query: SearchQuery; readonly from: number }
  | { readonly type: 'go'; readonly index: number }
  | { readonly type: 'close' };

export const findKey = new PluginKey<FindState>('tandem-find');

const CLOSED: FindState = {
  open: false,
  query: { text: '', caseSensitive: false },
  matches: [],
  current: -1,
  decorations: DecorationSet.empty,
};

const MATCH: DecorationAttrs = { class: 'find-match' };
const CURRENT: DecorationAttrs = { class: 'find-match find-match-current', 'data-find-current': 'true' };

const highlight = (m: Match, current: boolean): Decoration => Decoration.inline(m.from, m.to, current ? CURRENT : MATCH, { current });

function decorate(doc: Node, matches: readonly Match[], current: number): DecorationSet {
  return DecorationSet.create(doc, matches.map((m, i) => highlight(m, i === current)));
}

/** Moves the current highlight without rebuilding every other one. */
function recolour(state: FindState, doc: Node, index: number): DecorationSet {
  let set = state.decorations;
  const swap = (i: number, current: boolean) => {
    const m = state.matches[i];
    if (m === undefined) return;
    set = set.remove(set.find(m.from, m.to).filter((d) => d.from === m.from && d.to === m.to));
    set = set.add(doc, [highlight(m, current)]);
  };
  swap(state.current, false);
  swap(index, true);
  return set;
}

/**
 * What changed between two documents, as one replaced range (old `from..toA`, new `from..toB`), found
 * by comparing them: the same node object is the same content, so this costs a walk over the top
 * level. A transaction's own steps would not do: y-prosemirror applies a remote change as one step
 * replacing the whole document.
 */
function changedRange(a: Node, b: Node): { from: number; toA: number; toB: number } | null {
  const from = a.content.findDiffStart(b.content);
  if (from === null) return null;
  let { a: toA, b: toB } = a.content.findDiffEnd(b.content)!;
  // Repeated text can make the two ends cross the start: take the later end.
  const overlap = from - Math.min(toA, toB);
  if (overlap > 0) {
    toA += overlap;
    toB += overlap;
  }
  return { from, toA, toB };
}

/** `from..to` widened to the whole textblocks it touches: where the matches must be found again. */
function blocksAround(doc: Node, from: number, to: number): [number, number] {
  const $from = doc.resolve(from);
  const $to = doc.resolve(to);
  return [$from.parent.isTextblock ? $from.start() : from, $to.parent.isTextblock ? $to.end() : to];
}

/** The matches within `from..to` (sorted matches, found by bisection). */
function matchesWithin(matches: readonly Match[], from: number, to: number): readonly Match[] {
  const first = matchAtOrAfter(matches, from);
  if (first < 0 || matches[first]!.from < from) return [];
  let last = first;
  while (last < matches.length && matches[last]!.to <= to) last++;
  return matches.slice(first, last);
}

export interface FindPluginOptions {
  /** Called when the find state changed (the bar shows the count). */
  readonly onChange: (state: FindState) => void;
  /** The document cannot be edited here (a viewer, a commenter): it still takes focus back from the bar. */
  readonly readOnly: boolean;
}

export function findPlugin(options: FindPluginOptions): Plugin<FindState> {
  const inBlock = blockMemo();
  const search = (doc: Node, query: SearchQuery) => findMatches(doc, query, inBlock);
  return new Plugin<FindState>({
    key: findKey,
    state: {
      init: () => CLOSED,
      apply(tr, prev, oldState, newState): FindState {
        const action = tr.getMeta(findKey) as FindAction | undefined;
        if (action?.type === 'close') return CLOSED;
        if (action?.type === 'search') {
          const matches = search(newState.doc, action.query);
          const current = matchAtOrAfter(matches, action.from);
          return { open: true, query: action.query, matches, current, decorations: decorate(newState.doc, matches, current) };
        }
        if (!prev.open) return prev;
        if (action?.type === 'go') {
          if (action.index === prev.current || prev.matches[action.index] === undefined) return prev;
          return { ...prev, current: action.index, decorations: recolour(prev, newState.doc, action.index) };
        }
        if (!tr.docChanged) return prev;
        const change = changedRange(oldState.doc, newState.doc);
        if (change === null) return prev;
        // Matches: every block's, remembered for the blocks that did not change.
        const matches = search(newState.doc, prev.query);
        const map = new StepMap([change.from, change.toA - change.from, change.toB - change.from]);
        const was = prev.matches[prev.current];
        const at = was === undefined ? undefined : map.mapResult(was.from, 1);
        const current =
          matches.length === 0 ? -1 : at === undefined || at.deleted ? Math.min(Math.max(prev.current, 0), matches.length - 1) : matchAtOrAfter(matches, at.pos);
        // Highlights: moved along outside the change, made again in the blocks it touched (building
        // them all again costs, in ProseMirror, blocks × matches).
        const [from, to] = blocksAround(newState.doc, change.from, change.toB);
        let set = prev.decorations.map(new Mapping([map]), newState.doc);
        set = set.remove(set.find(from, to));
        set = set.add(newState.doc, matchesWithin(matches, from, to).map((m) => highlight(m, false)));
        // The current one: the old mark, if it survived, becomes a plain highlight; the new one is marked.
        if (at !== undefined && !at.deleted) {
          for (const d of set.find(at.pos, at.pos, (spec: { current?: boolean }) => spec.current === true)) {
            set = set.remove([d]).add(newState.doc, [highlight(d, false)]);
          }
        }
        const now = matches[current];
        if (now !== undefined) set = set.remove(set.find(now.from, now.to).filter((d) => d.from === now.from && d.to === now.to)).add(newState.doc, [highlight(now, true)]);
        return { ...prev, matches, current, decorations: set };
      },
    },
    props: {
      decorations: (state) => findKey.getState(state)!.decorations,
      // A read-only document is not focusable by itself; Esc in the bar gives it focus back.
      attributes: options.readOnly ? { tabindex: '-1' } : {},
    },
    view: () => ({
      update(view, prevState) {
        const state = findKey.getState(view.state)!;
        if (state !== findKey.getState(prevState)) options.onChange(state);
      },
    }),
  });
}

export const findState = (state: EditorState): FindState => findKey.getState(state)!;

/** Shows the current match: selects it in the editor and scrolls it into view. */
function showCurrent(view: EditorView): void {
  const { matches, current } = findState(view.state);
  const match = matches[current];
  if (match === undefined) return;
  const { selection } = view.state;
  if (selection.from !== match.from || selection.to !== match.to) {
    view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, match.from, match.to)).scrollIntoView());
  }
  // ProseMirror scrolls only to a selection it shows, i.e. while the editor has focus; the bar has it.
  // To the middle, clear of the bar and the sticky bars above the text, unless well in view already.
  const el = view.dom.querySelector('[data-find-current]');
  const rect = el?.getBoundingClientRect();
  if (el != null && rect !== undefined && (rect.top < 160 || rect.bottom > innerHeight - 40)) el.scrollIntoView({ block: 'center', inline: 'nearest' });
}

/** Opens the search or changes its query; the current match is the first from the selection. */
export function setSearch(view: EditorView, query: SearchQuery): void {
  view.dispatch(view.state.tr.setMeta(findKey, { type: 'search', query, from: view.state.selection.from } satisfies FindAction));
  showCurrent(view);
}

/** Moves to the next (1) or previous (-1) match, wrapping around. */
export function goToMatch(view: EditorView, dir: 1 | -1): void {
  const { matches, current } = findState(view.state);
  if (matches.length === 0) return;
  const index = current < 0 ? (dir > 0 ? 0 : matches.length - 1) : (current + dir + matches.length) % matches.length;
  view.dispatch(view.state.tr.setMeta(findKey, { type: 'go', index } satisfies FindAction));
  showCurrent(view);
}

export function closeSearch(view: EditorView): void {
  if (findState(view.state).open) view.dispatch(view.state.tr.setMeta(findKey, { type: 'close' } satisfies FindAction));
}

/**
 * `text` in place of from..to, with the marks of the replaced text's first character: a link whose whole text
 * is replaced stays a link (the marks "across" the range, asked before, leave out a mark that ends where the
 * range ends, as a link or a comment does: replacing "Acme" in "[Acme](…)" took the link away).
 */
export function replaceRange(tr: Transaction, { from, to }: Match, text: string): void {
  if (text === '') {
    tr.delete(from, to);
    return;
  }
  const first = tr.doc.nodeAt(from);
  const marks = first !== null && first.isText && from < to ? first.marks : tr.doc.resolve(from).marks();
  tr.replaceWith(from, to, tr.doc.type.schema.text(text, marks));
}

/** Replaces the current match and moves to the next one; false when there is no current match. */
export function replaceCurrent(view: EditorView, text: string): boolean {
  const { matches, current, query } = findState(view.state);
  const match = matches[current];
  if (match === undefined || !view.editable) return false;
  const tr = view.state.tr;
  replaceRange(tr, match, text);
  // The replacement is an undo step of its own, and the search goes on after it.
  tr.setMeta(OWN_UNDO_STEP, true).setMeta(findKey, { type: 'search', query, from: match.from + text.length } satisfies FindAction);
  view.dispatch(tr);
  showCurrent(view);
  return true;
}

/**
 * Replaces every match in the document as it is now (remote changes included), in one transaction:
 * one undo step. Returns how many were replaced.
 */
export function replaceAll(view: EditorView, text: string): number {
  const { query } = findState(view.state);
  if (!view.editable) return 0;
  const matches = findMatches(view.state.doc, query);
  if (matches.length === 0) return 0;
  const tr = view.state.tr;
  // Last first: each replacement leaves the positions before it as they were.
  for (let i = matches.length - 1; i >= 0; i--) replaceRange(tr, matches[i]!, text);
  tr.setMeta(OWN_UNDO_STEP, true).setMeta(findKey, { type: 'search', query, from: tr.selection.from } satisfies FindAction);
  view.dispatch(tr);
  return matches.length;
}
