// The comments of the open document, over its Y.Map (see @tandem/schema/comments): reading threads,
// and the writes a person makes (add, reply, resolve, reopen, delete their own). Every write is one
// Yjs transaction, so it reaches the server as one update for the server's rules to judge.

import {
  type Anchor,
  commentsOf,
  newCommentFields,
  readComments,
  type StoredComment,
  type Thread,
  threadsOf,
} from '@tandem/schema/comments';
import * as Y from 'yjs';

export type { Anchor, StoredComment, Thread };

/** A random id for a new comment: its key in the map, unique without coordination. */
const newId = (): string => crypto.randomUUID();

export class CommentStore {
  readonly map: Y.Map<Y.Map<unknown>>;
  /** Told after every change to the comments, local or remote. */
  readonly listeners = new Set<() => void>();
  /** Bumped on every change. */
  version = 0;

  constructor(readonly doc: Y.Doc) {
    this.map = commentsOf(doc);
    this.map.observeDeep(() => {
      this.version += 1;
      for (const listener of this.listeners) listener();
    });
  }

  threads(): Thread[] {
    return threadsOf(readComments(this.doc));
  }

  /** Whether comment `comment` was written in this browser's Yjs session (before the server names its author). */
  isLocal(comment: StoredComment): boolean {
    return comment.item.client === this.doc.clientID;
  }

  add(anchor: Anchor, body: string): string {
    return this.put(newCommentFields({ body, anchor }));
  }

  reply(parent: string, body: string): string {
    return this.put(newCommentFields({ body, parent }));
  }

  setResolved(id: string, resolved: boolean): void {
    const map = this.map.get(id);
    if (map === undefined) return;
    this.doc.transact(() => {
      map.set('resolved', resolved);
      map.set('resolvedAt', Date.now());
    });
  }

  /** Marks comment `id` deleted and drops its text (the server lets only its author do so). */
  remove(id: string): void {
    const map = this.map.get(id);
    if (map === undefined) return;
    this.doc.transact(() => {
      map.set('deleted', true);
      map.set('body', '');
    });
  }

  private put(fields: Record<string, unknown>): string {
    const id = newId();
    const map = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(fields)) map.set(key, value);
    this.doc.transact(() => this.map.set(id, map));
    return id;
  }
}
