// What a writer may change in a document's comments (see @tandem/schema/comments), judged from the Yjs
// transaction that applied its update to the update gate's shadow copy:
// - a commenter may change nothing outside the comments; an editor may change anything else;
// - a new comment holds primitives only, with a valid body; its author is whoever stored its update;
// - on an existing comment anyone who may comment may resolve and reopen (RESOLVE_KEYS), only its
//   author may edit or delete it (AUTHOR_KEYS), any editor may move its anchor to an encoded relative
//   position (ANCHOR_KEYS: an undo brings text back as new items), and nothing else changes;
// - a comment is never removed from the map (deleting is marking it `deleted`), so threads keep their shape.
// Only the types a transaction changed are looked at: an ordinary keystroke costs a walk from its
// text to the root, a few pointer steps.

import { ANCHOR_KEYS, AUTHOR_KEYS, COMMENTS, isCommentBody, isCommentTime, RESOLVE_KEYS } from '@tandem/schema/comments';
import * as Y from 'yjs';

/** Who sent an update, as far as its rules go. */
export interface Writer {
  /** The author the update is stored as. */
  readonly author: string;
  /** May change the document outside the comments (an editor, or the server itself). */
  readonly mayEdit: boolean;
}

/** What one transaction did to the comments, kept until it is judged for its writer. */
export interface CommentTouch {
  /** It changed something outside the comments. */
  readonly outside: boolean;
  /** Refused whoever sent it (a malformed comment, a removed one). */
  readonly refusal: string | undefined;
  /** Comments it created (their map's item ids). */
  readonly created: readonly Y.ID[];
  /** Existing comments it changed in a way only their author may. */
  readonly authorOnly: readonly Y.ID[];
  /** It moved an existing comment's anchor, which only an editor may. */
  readonly anchorsMoved: boolean;
}

export const UNTOUCHED: CommentTouch = Object.freeze({ outside: false, refusal: undefined, created: [], authorOnly: [], anchorsMoved: false });
const OUTSIDE_ONLY: CommentTouch = Object.freeze({ outside: true, refusal: undefined, created: [], authorOnly: [], anchorsMoved: false });

export const idKey = (id: Y.ID): string => `${id.client}:${id.clock}`;

/** The authors of a document's comments, by the item id of each comment's map. */
export class CommentAuthors {
  private readonly byItem = new Map<string, string>();

  get(id: Y.ID): string | undefined {
    return this.byItem.get(idKey(id));
  }

  set(id: Y.ID, author: string): void {
    if (!this.byItem.has(idKey(id))) this.byItem.set(idKey(id), author);
  }
}

// Yjs internals the rules read (typed loosely in yjs' own declarations).
type AnyType = Y.AbstractType<unknown>;
const isNew = (tr: Y.Transaction, id: Y.ID) => id.clock >= (tr.beforeState.get(id.client) ?? 0);

/** Where `type` is: the comments root, one comment's map, deeper inside a comment, or outside. */
function placeOf(type: AnyType, root: AnyType): 'root' | 'comment' | 'inside' | 'outside' {
  if (type === root) return 'root';
  let depth = 1;
  for (let item = type._item; item !== null; depth += 1) {
    const parent = item.parent as AnyType;
    if (parent === root) return depth === 1 ? 'comment' : 'inside';
    item = parent._item;
  }
  return 'outside';
}

/** Why a newly created comment map is not one, or undefined. */
function malformed(map: Y.Map<unknown>): string | undefined {
  for (const item of map._map.values()) {
    if (!item.deleted && !(item.content instanceof Y.ContentAny || item.content instanceof Y.ContentBinary)) {
      return 'a comment holds plain values only';
    }
  }
  if (!isCommentBody(map.get('body'))) return 'a comment needs a body of 1 to 2000 characters';
  return badTime(map);
}

/** What is wrong with `map`'s times, if any: each present one is a time a Date can hold. */
function badTime(map: Y.Map<unknown>): string | undefined {
  for (const key of ['createdAt', 'resolvedAt']) {
    if (map.has(key) && !isCommentTime(map.get(key))) return `a comment's ${key} is a time in milliseconds`;
  }
  return undefined;
}

/** An encoded relative position into `doc`, exactly: naming an item or a type the document has, no bytes after it. */
function isRelativePosition(value: unknown, doc: Y.Doc): boolean {
  if (!(value instanceof Uint8Array)) return false;
  let rel: Y.RelativePosition;
  try {
    rel = Y.decodeRelativePosition(value);
  } catch {
    return false;
  }
  const id = rel.item ?? rel.type;
  if (id === null ? rel.tname === null : id.clock >= Y.getState(doc.store, id.client)) return false; // names nothing (or nothing here)
  const again = Y.encodeRelativePosition(rel);
  return again.length === value.length && again.every((byte, i) => byte === value[i]);
}

/** What transaction `tr` (applied to a document whose comments root is `root`) did to the comments. */
export function inspect(tr: Y.Transaction, root: Y.Map<unknown>): CommentTouch {
  let outside = false;
  let touched = false;
  for (const type of tr.changed.keys()) {
    if (placeOf(type as AnyType, root as AnyType) === 'outside') outside = true;
    else touched = true;
  }
  if (!touched) return outside ? OUTSIDE_ONLY : UNTOUCHED;
  let refusal: string | undefined;
  const created: Y.ID[] = [];
  const authorOnly: Y.ID[] = [];
  let anchorsMoved = false;
  for (const [type, keys] of tr.changed) {
    const place = placeOf(type as AnyType, root as AnyType);
    if (place === 'outside') continue;
    if (place === 'inside') {
      refusal = 'a comment holds plain values only';
    } else if (place === 'root') {
      for (const key of keys) {
        const current = key === null ? undefined : root._map.get(key);
        if (current === undefined) {
          refusal = 'comments are kept in a map by id';
          continue;
        }
        // Every entry this key held before the transaction must still be there (a comment is never removed).
        for (let item: Y.Item | null = current; item !== null; item = item.left) {
          if (!isNew(tr, item.id) && item.deleted) refusal = 'a comment is never removed, only marked deleted';
        }
        if (current.deleted || !isNew(tr, current.id)) continue;
        const map = current.content instanceof Y.ContentType ? current.content.type : undefined;
        const why = map instanceof Y.Map ? malformed(map) : 'a comment is a map';
        if (why !== undefined) refusal = why;
        else created.push(current.id);
      }
    } else {
      const item = (type as AnyType)._item!;
      const map = type as unknown as Y.Map<unknown>;
      for (const key of keys) {
        if (key !== null && RESOLVE_KEYS.has(key)) {
          if (key === 'resolvedAt' && !isCommentTime(map.get(key))) refusal = "a comment's resolvedAt is a time in milliseconds";
          continue;
        }
        if (key !== null && ANCHOR_KEYS.has(key)) {
          anchorsMoved = true;
          if (!isRelativePosition(map.get(key), tr.doc)) refusal = "a comment's anchor is an encoded relative position into the document";
        } else if (key !== null && AUTHOR_KEYS.has(key)) {
          authorOnly.push(item.id);
          const body = map.get('body');
          if (key === 'body' && map.get('deleted') !== true && !isCommentBody(body)) refusal = 'a comment needs a body of 1 to 2000 characters';
        } else {
          refusal = `a comment's ${key === null ? 'content' : JSON.stringify(key)} does not change`;
        }
      }
    }
  }
  return { outside, refusal, created, authorOnly, anchorsMoved };
}

/** Why `writer` may not make the changes `touch` describes, or undefined when it may (its comments are then recorded). */
export function judge(touch: CommentTouch, writer: Writer, authors: CommentAuthors): string | undefined {
  if (touch.outside && !writer.mayEdit) return 'a commenter changes comments only';
  if (touch.refusal !== undefined) return touch.refusal;
  if (touch.anchorsMoved && !writer.mayEdit) return "only an editor moves a comment's anchor";
  for (const id of touch.authorOnly) {
    if (authors.get(id) !== writer.author) return "only a comment's author edits or deletes it";
  }
  for (const id of touch.created) authors.set(id, writer.author);
  return undefined;
}

/** The item ids of the comments `update` creates (entries new to the root map), read without applying it. */
export function createdIn(update: Uint8Array): Y.ID[] {
  const ids: Y.ID[] = [];
  for (const struct of Y.decodeUpdate(update).structs) {
    // Decoded, not integrated: a root parent is still its name.
    if (struct instanceof Y.Item && (struct.parent as unknown) === COMMENTS && struct.parentSub !== null) ids.push(struct.id);
  }
  return ids;
}

/** The item ids of every comment in `doc`. */
export function commentItems(root: Y.Map<unknown>): Y.ID[] {
  const ids: Y.ID[] = [];
  for (const item of root._map.values()) if (!item.deleted) ids.push(item.id);
  return ids;
}
