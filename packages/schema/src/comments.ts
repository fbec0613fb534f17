// The comments of a document, as they live in its Yjs document: one root map of comment id → comment
// map, read the same way by the server (its rules and API) and the editor (its panel and highlights).
//
// A comment map holds primitives only: `start`/`end` (encoded Yjs relative positions into the text,
// thread starts only), `body`, `createdAt`, `parent` (a reply: its thread's first comment), `resolved`
// and `resolvedAt` (threads), `deleted`. Its author is never a field: it is whoever stored the update
// that created the map (see the server's comment rules).

import type { Node } from 'prosemirror-model';
import { absolutePositionToRelativePosition, initProseMirrorDoc, relativePositionToAbsolutePosition } from 'y-prosemirror';
import * as Y from 'yjs';
import { FRAGMENT, schema } from './schema.js';

/** The root map of a document's comments. */
export const COMMENTS = 'comments';
/** Longest comment body, in UTF-16 code units. */
export const MAX_COMMENT_BODY = 2_000;
/** Keys of an existing comment anyone who may comment may set (resolving and reopening a thread). */
export const RESOLVE_KEYS: ReadonlySet<string> = new Set(['resolved', 'resolvedAt']);
/** Keys of an existing comment only its author may set (editing and deleting it). */
export const AUTHOR_KEYS: ReadonlySet<string> = new Set(['body', 'deleted']);
/**
 * Keys of an existing comment any editor may set: its anchor, moved with the text (Ctrl+Z brings deleted
 * text back as new Yjs items; the editor that undid it moves the anchors that were on the old ones).
 */
export const ANCHOR_KEYS: ReadonlySet<string> = new Set(['start', 'end']);

/**
 * Whether `value` is a time a comment may hold (`createdAt`, `resolvedAt`): milliseconds a Date can hold. A
 * comment made with 1e300 or NaN there broke the comment list for everyone, for good (it cannot be removed
 * and its creation time never changes; found by a review): the server refuses one, and a reader takes one
 * stored before for none.
 */
export const isCommentTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e15;

export interface Anchor {
  readonly start: Y.RelativePosition;
  readonly end: Y.RelativePosition;
}

/** One comment as stored, checked; `item` is the Yjs id its author is looked up by. */
export interface StoredComment {
  readonly id: string;
  readonly item: Y.ID;
  readonly body: string;
  readonly createdAt: number;
  readonly parent: string | undefined;
  readonly anchor: Anchor | undefined;
  readonly resolved: boolean;
  readonly resolvedAt: number | undefined;
  readonly deleted: boolean;
}

export const commentsOf = (doc: Y.Doc): Y.Map<Y.Map<unknown>> => doc.getMap(COMMENTS);

/** Whether `body` may be a comment's text. */
export const isCommentBody = (body: unknown): body is string => typeof body === 'string' && body.trim() !== '' && body.length <= MAX_COMMENT_BODY;

function decodePosition(value: unknown): Y.RelativePosition | undefined {
  if (!(value instanceof Uint8Array)) return undefined;
  try {
    return Y.decodeRelativePosition(value);
  } catch {
    return undefined;
  }
}

/** The comment stored as `map` under `id`, or undefined when it is not one (a malformed entry is skipped). */
export function readComment(id: string, map: unknown): StoredComment | undefined {
  if (!(map instanceof Y.Map) || map._item === null) return undefined;
  const body = map.get('body');
  const deleted = map.get('deleted') === true;
  if (typeof body !== 'string' || (!deleted && !isCommentBody(body))) return undefined;
  const parent = map.get('parent');
  const start = decodePosition(map.get('start'));
  const end = decodePosition(map.get('end'));
  const createdAt = map.get('createdAt');
  const resolvedAt = map.get('resolvedAt');
  return {
    id,
    item: map._item.id,
    body: deleted ? '' : body,
    createdAt: isCommentTime(createdAt) ? createdAt : 0,
    parent: typeof parent === 'string' ? parent : undefined,
    anchor: start !== undefined && end !== undefined ? { start, end } : undefined,
    resolved: map.get('resolved') === true,
    resolvedAt: isCommentTime(resolvedAt) ? resolvedAt : undefined,
    deleted,
  };
}

/** Every well-formed comment of `doc`, oldest first. */
export function readComments(doc: Y.Doc): StoredComment[] {
  const out: StoredComment[] = [];
  commentsOf(doc).forEach((map, id) => {
    const comment = readComment(id, map);
    if (comment !== undefined) out.push(comment);
  });
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

export interface Thread {
  readonly comment: StoredComment;
  readonly replies: readonly StoredComment[];
}

/** Comments grouped into threads: each start with its replies (a reply to a missing start is dropped). */
/**
 * Whether every comment of `thread` was deleted: only then is it gone (from the panel, the text's highlights,
 * the places kept through cuts and restores). Its first comment deleted while a reply stands, it stays
 * where it was, the first comment shown as deleted.
 */
export const threadGone = ({ comment, replies }: Thread): boolean => comment.deleted && replies.every((reply) => reply.deleted);

export function threadsOf(comments: readonly StoredComment[]): Thread[] {
  const starts = comments.filter((c) => c.parent === undefined);
  const byParent = new Map<string, StoredComment[]>();
  for (const c of comments) if (c.parent !== undefined) byParent.set(c.parent, [...(byParent.get(c.parent) ?? []), c]);
  return starts.map((comment) => ({ comment, replies: byParent.get(comment.id) ?? [] }));
}

/** The values a new comment map starts with (set on a fresh Y.Map, then put in the root map). */
export function newCommentFields(fields: { body: string; anchor?: Anchor; parent?: string; now?: number }): Record<string, unknown> {
  if (!isCommentBody(fields.body)) throw new RangeError(`A comment body is 1 to ${MAX_COMMENT_BODY} characters, not ${String(fields.body).length}`);
  return {
    body: fields.body,
    createdAt: fields.now ?? Date.now(),
    ...(fields.parent === undefined ? { resolved: false } : { parent: fields.parent }),
    ...(fields.anchor === undefined
      ? {}
      : { start: Y.encodeRelativePosition(fields.anchor.start), end: Y.encodeRelativePosition(fields.anchor.end) }),
  };
}

export interface Quoted {
  /** The anchored text now ('' when it is gone), its first `maxChars` characters at most. */
  readonly quote: string;
  /** All of the anchored text was deleted. */
  readonly orphaned: boolean;
  /** The anchored text is longer than `quote`. */
  readonly truncated: boolean;
}

/** How an image reads in a comment's quote: by its description ("[image: A blue square]"; "[image]" without one). */
export function imageQuote(alt: unknown): string {
  const description = typeof alt === 'string' ? alt.trim() : '';
  return description === '' ? '[image]' : `[image: ${description}]`;
}

/**
 * The text of an inline leaf in a comment's quote: an image has no text of its own, so a comment on an image
 * alone quoted nothing (and a restore could not find it again); a line break reads as nothing.
 */
export const leafQuote = (leaf: Node): string => (leaf.type.name === 'image' ? imageQuote(leaf.attrs.alt) : '');

/** Where an anchor is in the ProseMirror copy of the document, and the text it covers. */
export interface Placed {
  readonly from: number;
  readonly to: number;
  readonly quote: string;
}

// y-prosemirror's mapping of Yjs types to ProseMirror nodes (typed loosely in its declarations).
type Mapping = ReturnType<typeof initProseMirrorDoc>['mapping'];

/**
 * `doc` as ProseMirror sees it, read from a copy: y-prosemirror deletes from the Y.Doc it reads whatever
 * the schema cannot hold (an unknown element or mark, written by some client), and the document read
 * may be a server's live one, whose every change goes to everyone (and never to its log). The copy has
 * the same item ids, so relative positions resolve in it as in `doc`.
 */
function readProseMirror(doc: Y.Doc): { copy: Y.Doc; fragment: Y.XmlFragment; pm: Node; mapping: Mapping } {
  const copy = new Y.Doc({ gc: doc.gc });
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const fragment = copy.getXmlFragment(FRAGMENT);
  const { doc: pm, mapping } = initProseMirrorDoc(fragment, schema);
  return { copy, fragment, pm, mapping };
}

function placeAll(doc: Y.Doc, anchors: ReadonlyArray<Anchor | undefined>, maxChars = Infinity): Array<Placed | undefined> {
  // Nothing to place: nothing to read (reading costs the whole document).
  if (anchors.every((anchor) => anchor === undefined)) return anchors.map(() => undefined);
  const { copy, fragment, pm, mapping } = readProseMirror(doc);
  try {
    return anchors.map((anchor) => {
      if (anchor === undefined) return undefined;
      const from = relativePositionToAbsolutePosition(copy, fragment, anchor.start, mapping);
      const to = relativePositionToAbsolutePosition(copy, fragment, anchor.end, mapping);
      if (from === null || to === null || from >= to || to > pm.content.size) return undefined;
      // A span of n positions holds at most n characters (a block separator stands for a closing and an
      // opening token): read only as far as `maxChars` can reach, not all of a comment on the whole document.
      return { from, to, quote: pm.textBetween(from, Math.min(to, from + maxChars + 1), '\n', leafQuote) };
    });
  } finally {
    copy.destroy();
  }
}

/**
 * What each anchor of `doc` covers now, read through a ProseMirror copy of the document (the positions the
 * editor would show). Anchors whose text is all gone are orphaned.
 */
export function quoteAnchors(doc: Y.Doc, anchors: ReadonlyArray<Anchor | undefined>, maxChars = Infinity): Quoted[] {
  return placeAll(doc, anchors, maxChars).map((p, i) =>
    anchors[i] === undefined
      ? { quote: '', orphaned: false, truncated: false }
      : p === undefined
        ? { quote: '', orphaned: true, truncated: false }
        : { quote: p.quote.slice(0, maxChars), orphaned: false, truncated: p.quote.length > maxChars },
  );
}

/** Where every anchored comment of a thread not gone (threadGone) of `doc` is now, by id (orphaned ones left out). */
export function placeComments(doc: Y.Doc): Map<string, Placed> {
  const all = readComments(doc);
  const gone = new Set(threadsOf(all).filter(threadGone).map(({ comment }) => comment.id));
  const comments = all.filter((c) => c.anchor !== undefined && !gone.has(c.id));
  const placed = placeAll(doc, comments.map((c) => c.anchor));
  const out = new Map<string, Placed>();
  comments.forEach((c, i) => {
    if (placed[i] !== undefined) out.set(c.id, placed[i]);
  });
  return out;
}

/**
 * The occurrence of `quote` in `pm` nearest to `near`, read as placeComments reads a quote (textBetween,
 * blocks joined by '\n', inline nodes as leafQuote reads them): within one text block, or over consecutive
 * text blocks for a quote that spans several.
 */
function nearest(pm: Node, quote: string, near: number): { from: number; to: number } | undefined {
  let best: { from: number; to: number } | undefined;
  // The text with the document position of each character (-1: a block separator).
  let text = '';
  const at: number[] = [];
  const acrossBlocks = quote.includes('\n');
  const search = () => {
    for (let i = text.indexOf(quote); i >= 0; i = text.indexOf(quote, i + 1)) {
      const from = at[i]!;
      const last = at[i + quote.length - 1]!;
      if (from < 0 || last < 0 || pm.textBetween(from, last + 1, '\n', leafQuote) !== quote) continue;
      if (best === undefined || Math.abs(from - near) < Math.abs(best.from - near)) best = { from, to: last + 1 };
    }
  };
  pm.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    if (acrossBlocks && at.length > 0) {
      text += '\n';
      at.push(-1);
    }
    node.forEach((child, offset) => {
      const childText = child.isText ? child.text! : leafQuote(child);
      // An inline node's characters all stand at its one position (a match ending in it ends after it).
      for (let i = 0; i < childText.length; i++) at.push(pos + 1 + offset + (child.isText ? i : 0));
      text += childText;
    });
    if (!acrossBlocks) {
      search();
      text = '';
      at.length = 0;
    }
    return false;
  });
  if (acrossBlocks) search();
  return best;
}

/**
 * Whether either end of `anchor` sits on deleted text. Yjs would follow an undone deletion to the text
 * that replaced it, but only in the document that ran the undo: everyone else sees the deleted text.
 */
function onDeletedText(doc: Y.Doc, anchor: Anchor | undefined): boolean {
  if (anchor === undefined) return false;
  return [anchor.start, anchor.end].some((position) => {
    if (position.item === null) return false;
    try {
      return Y.getItem(doc.store, position.item).deleted;
    } catch {
      return true; // not in the document at all
    }
  });
}

/**
 * Puts back on their text the comments of `doc` that `was` placed and that no longer cover that text
 * (after an edit that replaced the text with copies of it, as a restore does): each is anchored again
 * on the occurrence of its quote nearest to where it was (over as many blocks as it was). Others are left alone
 * (orphaned, if their text is gone). Run inside the transaction that made the edit.
 */
export function reanchorComments(doc: Y.Doc, was: ReadonlyMap<string, Placed>): void {
  if (was.size === 0) return;
  const now = placeComments(doc);
  const map = commentsOf(doc);
  let read: ReturnType<typeof readProseMirror> | undefined;
  const stick = (pos: number, assoc: number): Uint8Array => {
    // A position in the copy, as ids: the same in `doc`.
    const relative = absolutePositionToRelativePosition(pos, read!.fragment, read!.mapping);
    const absolute = Y.createAbsolutePositionFromRelativePosition(relative, doc);
    const sticky = absolute !== null && absolute.type instanceof Y.XmlText ? Y.createRelativePositionFromTypeIndex(absolute.type, absolute.index, assoc) : relative;
    return Y.encodeRelativePosition(sticky);
  };
  for (const [id, placed] of was) {
    const comment = map.get(id);
    if (comment === undefined) continue;
    if (now.get(id)?.quote === placed.quote && !onDeletedText(doc, readComment(id, comment)?.anchor)) continue;
    read ??= readProseMirror(doc);
    const found = nearest(read.pm, placed.quote, placed.from);
    if (found === undefined) continue;
    comment.set('start', stick(found.from, 0));
    comment.set('end', stick(found.to, -1));
  }
  read?.copy.destroy();
}
