// The comments of a document, as they live in its Yjs document: one root map of comment id → comment
// map, read the same way by the server (its rules and API) and the editor (its panel and highlights).
//
// A comment map holds primitives only: `start`/`end` (encoded Yjs relative positions into the text,
// thread starts only), `body`, `createdAt`, `parent` (a reply: its thread's first comment), `resolved`
// and `resolvedAt` (threads), `deleted`. Its author is never a field: it is whoever stored the update
// that created the map (see the server's comment rules).

import { initProseMirrorDoc, relativePositionToAbsolutePosition } from 'y-prosemirror';
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
    createdAt: typeof createdAt === 'number' ? createdAt : 0,
    parent: typeof parent === 'string' ? parent : undefined,
    anchor: start !== undefined && end !== undefined ? { start, end } : undefined,
    resolved: map.get('resolved') === true,
    resolvedAt: typeof resolvedAt === 'number' ? resolvedAt : undefined,
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
  /** The anchored text now; '' when it is gone. */
  readonly quote: string;
  /** All of the anchored text was deleted. */
  readonly orphaned: boolean;
}

/**
 * What each anchor of `doc` covers now, read through a ProseMirror copy of the document (the positions the
 * editor would show). Anchors whose text is all gone are orphaned.
 */
export function quoteAnchors(doc: Y.Doc, anchors: ReadonlyArray<Anchor | undefined>): Quoted[] {
  const fragment = doc.getXmlFragment(FRAGMENT);
  const { doc: pm, mapping } = initProseMirrorDoc(fragment, schema);
  return anchors.map((anchor) => {
    if (anchor === undefined) return { quote: '', orphaned: false };
    const from = relativePositionToAbsolutePosition(doc, fragment, anchor.start, mapping);
    const to = relativePositionToAbsolutePosition(doc, fragment, anchor.end, mapping);
    if (from === null || to === null || from >= to) return { quote: '', orphaned: true };
    return { quote: pm.textBetween(from, to, '\n'), orphaned: false };
  });
}
