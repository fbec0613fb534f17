// Links in the editor, apart from their popover: finding the link at the caret, setting and removing one,
// URLs that become links as they are typed or pasted, `[text](url)`, and Ctrl/Cmd+click to open. Every
// address goes through @tandem/schema's normalizeLink / isLinkTarget (http, https, mailto, /d/…).

import { isLinkTarget, normalizeLink } from '@tandem/schema/links';
import { InputRule } from 'prosemirror-inputrules';
import { Fragment, type Mark, type Node, Slice } from 'prosemirror-model';
import { type Command, type EditorState, Plugin } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { schema } from './schema.js';
import { OWN_UNDO_STEP } from './undo-steps.js';

const linkType = schema.marks.link!;

/** A link's extent in the document and its address. */
export interface LinkRange {
  readonly from: number;
  readonly to: number;
  readonly href: string;
}

/**
 * The link holding the selection: for a caret, the link it is inside or touches (at either end); for a
 * range, the link that contains all of it. Adjacent text with the same link counts as one link.
 */
export function linkAt(state: EditorState): LinkRange | null {
  const { $from, $to } = state.selection;
  if (!$from.sameParent($to) || !$from.parent.inlineContent) return null;
  const parent = $from.parent;
  let pos = $from.start();
  let run: { from: number; to: number; mark: Mark } | null = null;
  const runs: Array<{ from: number; to: number; mark: Mark }> = [];
  for (let i = 0; i < parent.childCount; i++) {
    const child = parent.child(i);
    const mark = linkType.isInSet(child.marks);
    if (mark !== undefined && run !== null && run.to === pos && run.mark.eq(mark)) run.to = pos + child.nodeSize;
    else if (mark !== undefined) runs.push((run = { from: pos, to: pos + child.nodeSize, mark }));
    else run = null;
    pos += child.nodeSize;
  }
  const found = runs.find((r) => r.from <= $from.pos && $to.pos <= r.to);
  return found === undefined ? null : { from: found.from, to: found.to, href: String(found.mark.attrs.href) };
}

/** True where a link can be added: at a caret in text that takes marks, outside code; over a range holding such text. */
export function canLink(state: EditorState): boolean {
  const { $from, from, to, empty } = state.selection;
  const takesLinks = (node: Node) => node.inlineContent && node.type.allowsMarkType(linkType);
  if (empty) return takesLinks($from.parent) && !(state.storedMarks ?? $from.marks()).some((m) => m.type.spec.code);
  let found = false;
  state.doc.nodesBetween(from, to, (node) => {
    if (!found && takesLinks(node)) found = true;
    return !found;
  });
  return found;
}

/**
 * What a link command applies to: the selected text, the link the caret is in (its address changes), or the
 * caret (the address is inserted there as linked text).
 */
export type LinkTarget = 'selection' | 'link' | 'caret';

/** What a link command would apply to in `state`. */
export function linkTargetOf(state: EditorState): LinkTarget {
  return !state.selection.empty ? 'selection' : linkAt(state) !== null ? 'link' : 'caret';
}

/**
 * Links `href` to the selection; with a caret inside a link, changes that link's address; with a caret
 * elsewhere, inserts `text` (what the person typed) as the linked text. With `target`, it applies to that
 * only, and does nothing when the state no longer has it: the link field stays open while someone else edits,
 * and the words it was opened for (or the link) may be gone by Enter; the typed address then went in as text
 * mid-word (found by an exploratory review).
 */
export const setLink =
  (href: string, text: string, target?: LinkTarget): Command =>
  (state, dispatch) => {
    if (!isLinkTarget(href) || !canLink(state)) return false;
    const { from, to, empty, $from } = state.selection;
    const link = linkAt(state);
    const applies = target ?? linkTargetOf(state);
    if (applies === 'selection' ? empty : applies === 'link' ? !empty || link === null : !empty) return false;
    if (dispatch === undefined) return true;
    const mark = linkType.create({ href });
    const tr = state.tr;
    if (applies === 'selection') tr.removeMark(from, to, linkType).addMark(from, to, mark);
    else if (applies === 'link') tr.removeMark(link!.from, link!.to, linkType).addMark(link!.from, link!.to, mark);
    else tr.replaceSelectionWith(schema.text(text, mark.addToSet(linkType.removeFromSet(state.storedMarks ?? $from.marks()))), false);
    // A step of its own, as a paste is: inserted linked text read as typing, and the words typed right
    // after the link went with it on Ctrl+Z (found by a review).
    dispatch(tr.removeStoredMark(linkType).setMeta(OWN_UNDO_STEP, true).scrollIntoView());
    return true;
  };

/** Removes the link at the caret (all of it), or every link in the selection. */
export const removeLink: Command = (state, dispatch) => {
  const link = linkAt(state);
  const { from, to, empty } = state.selection;
  const range = link ?? (empty ? null : { from, to });
  if (range === null || !state.doc.rangeHasMark(range.from, range.to, linkType)) return false;
  dispatch?.(state.tr.removeMark(range.from, range.to, linkType).removeStoredMark(linkType));
  return true;
};

/** Opens `href` in a new tab that cannot reach back to this one. */
export function openLink(href: string): void {
  if (isLinkTarget(href)) window.open(href, '_blank', 'noopener,noreferrer');
}

// A URL typed or pasted into text: it starts a word (or follows a bracket or quote), and ends at whitespace;
// punctuation after it belongs to the sentence, and a ")" only to the URL when it opened one. The quotes
// may be curly and the dots an ellipsis, as the editor's typography makes them while typing: the URL in
// `"see https://example.com"` ended in ” and followed a “ (found by a review).
// An address starting `www.` is one too, as in Google Docs and Word: it links to https://.
const URL_IN_TEXT = /(?<=^|[\s(['"“‘])(?:https?:\/\/|mailto:|www\.)[^\s<>]+/gi;
/** `www.` then at least a name, a dot and a domain. */
const WWW_HOST = /^www\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+(?:[:/?#]|$)/i;
/** A whole pasted text that is one address: pasted over selected text, it links that text. */
const ONE_ADDRESS = /^(?:https?:\/\/|mailto:|www\.)\S+$/i;
/** What ends a sentence or a quotation after a URL rather than belonging to it. */
const AFTER_URL = /[.,;:!?'"\]”’…]/;
const trimUrl = (url: string): string => {
  let end = url.length;
  for (;;) {
    const last = url[end - 1]!;
    if (AFTER_URL.test(last)) end--;
    else if (last === ')' && (url.slice(0, end).match(/\(/g)?.length ?? 0) < (url.slice(0, end).match(/\)/g)?.length ?? 0)) end--;
    else return url.slice(0, end);
  }
};

/** Where the address `url` (as written in the text) links to: https:// before one starting `www.`; null if nowhere. */
export function hrefOf(url: string): string | null {
  if (/^www\./i.test(url)) return WWW_HOST.test(url) ? hrefOf(`https://${url}`) : null;
  return isLinkTarget(url) ? url : null;
}

/** Each linkable URL in `text`, with its offset and where it links to. */
export function urlsIn(text: string): Array<{ index: number; url: string; href: string }> {
  return [...text.matchAll(URL_IN_TEXT)].flatMap((m) => {
    const url = trimUrl(m[0]);
    const href = hrefOf(url);
    return href === null ? [] : [{ index: m.index, url, href }];
  });
}

/** Links the URL that ends right before the caret (what was just typed), if there is one; else null. */
function linkTypedUrl(state: EditorState, end: number): ReturnType<EditorState['tr']['addMark']> | null {
  const $end = state.doc.resolve(end);
  if (!canLink(state)) return null;
  const before = $end.parent.textBetween(Math.max(0, $end.parentOffset - 500), $end.parentOffset, undefined, '\ufffc');
  const last = urlsIn(before).at(-1);
  if (last === undefined || !/^\s*$/.test(before.slice(last.index + last.url.length).replace(/[.,;:!?'")\]”’…]+$/, ''))) return null;
  const from = end - before.length + last.index;
  const to = from + last.url.length;
  if (state.doc.rangeHasMark(from, to, linkType)) return null;
  return state.tr.addMark(from, to, linkType.create({ href: last.href }));
}

/** A URL (or `www.` address) followed by a space becomes a link (Enter does the same, in {@link linkPlugin}). */
export const typedUrlRule = new InputRule(
  /(?:https?:\/\/|mailto:|www\.)[^\s<>]+\s$/i,
  (state, match, start, end) => {
    const tr = linkTypedUrl(state, end);
    return tr === null ? null : tr.insertText(match[0].slice(-1), end);
  },
  { inCodeMark: false },
);

/** `[text](url)` becomes linked text once the closing parenthesis is typed; a refused url stays plain text. */
export const linkInputRule = new InputRule(
  /\[([^\]\n]+)\]\(([^()\s]+)\)$/,
  (state, match, start, end) => {
    const [, text, address] = match;
    const link = normalizeLink(address ?? '');
    if (text === undefined || !link.ok) return null;
    return state.tr.replaceWith(start, end, schema.text(text, [linkType.create({ href: link.href })])).removeStoredMark(linkType);
  },
  { inCodeMark: false },
);

/** Links the URLs in pasted text that is not code and not already linked. */
function linkifyFragment(fragment: Fragment, inCode: boolean): Fragment {
  const nodes: Node[] = [];
  fragment.forEach((node) => {
    if (!node.isText) {
      nodes.push(node.copy(linkifyFragment(node.content, inCode || node.type.spec.code === true || !node.type.allowsMarkType(linkType))));
      return;
    }
    const text = node.text!;
    const urls = inCode || node.marks.some((m) => m.type === linkType || m.type.spec.code) ? [] : urlsIn(text);
    let at = 0;
    for (const { index, url, href } of urls) {
      if (index > at) nodes.push(node.cut(at, index));
      nodes.push(schema.text(url, linkType.create({ href }).addToSet(node.marks)));
      at = index + url.length;
    }
    if (at < text.length) nodes.push(at === 0 ? node : node.cut(at));
  });
  return Fragment.fromArray(nodes);
}

/** Typed and pasted URLs, a URL pasted over selected text, and Ctrl/Cmd+click to open. */
export function linkPlugin(): Plugin {
  return new Plugin({
    props: {
      handleKeyDown(view, event) {
        // Enter after a URL links it, then lets the keymap split the block as usual.
        if (event.key !== 'Enter' || event.shiftKey || event.ctrlKey || event.metaKey || event.altKey || !view.state.selection.empty) return false;
        if (view.state.selection.$from.parent.type.spec.code) return false;
        const tr = linkTypedUrl(view.state, view.state.selection.from);
        if (tr !== null) view.dispatch(tr);
        return false;
      },
      transformPasted(slice, view) {
        if (!canLink(view.state)) return slice;
        return new Slice(linkifyFragment(slice.content, false), slice.openStart, slice.openEnd);
      },
      handlePaste(view, event) {
        const text = event.clipboardData?.getData('text/plain').trim() ?? '';
        const { empty, $from, $to } = view.state.selection;
        const href = ONE_ADDRESS.test(text) ? hrefOf(text) : null;
        if (empty || !$from.sameParent($to) || href === null) return false;
        return setLink(href, text)(view.state, view.dispatch);
      },
      handleClick(view, pos, event) {
        if (!(event.ctrlKey || event.metaKey)) return false;
        return openLinkAt(view, pos);
      },
    },
  });
}

function openLinkAt(view: EditorView, pos: number): boolean {
  const $pos = view.state.doc.resolve(pos);
  const mark = linkType.isInSet($pos.nodeAfter?.marks ?? []) ?? linkType.isInSet($pos.nodeBefore?.marks ?? []);
  if (mark === undefined) return false;
  openLink(String(mark.attrs.href));
  return true;
}
