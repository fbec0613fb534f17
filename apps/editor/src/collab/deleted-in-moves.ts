// Text someone deleted coming back in another person's move of it.
//
// y-prosemirror writes a move as "delete here, insert a copy there" (moved-text.ts). Alice deletes "two" in
// "one two three" while Bob, not having seen that, presses Enter after "one": his editor copies " two three"
// into a new paragraph, and Alice's deletion, when it reaches the others, deletes characters his Enter had
// deleted already. Everyone got "one", " two three": the deleted word was back. A join, a paragraph made a
// heading, paragraphs pasted into the middle of one do the same.
//
// Alice's editor can tell: a change from elsewhere moves text out of a paragraph, and its copy holds,
// between the characters Alice still saw there, characters she had deleted herself, in their place and with
// their text. Her editor deletes those from the copy. Only deletions the server had not acknowledged count:
// the server shows a change to others once stored, so the mover cannot have seen those; a deletion it had
// acknowledged may have been seen, and a copy holding the same text again is then the mover's own doing
// (text pasted back).

import * as Y from 'yjs';
import { indexIn, insertsAndDeletes, moves, nodesDeletedFrom } from './moved-text.js';

const key = (id: Y.ID) => `${id.client}:${id.clock}`;

/** How many deleted characters a page remembers (the oldest are forgotten first). */
const REMEMBERED = 20_000;

/** How far the server has stored this page's changes: its local transactions that changed the document, counted. */
export interface ChangeCount {
  /** How many this page has made (not counting one whose transaction is still being cleaned up). */
  made(): number;
  /** How many of them, from the first on, the server acknowledged storing. */
  stored(): number;
}

/** A character of someone else's copy to delete: `id` in `node`. */
export interface CopiedBack {
  readonly node: Y.XmlText;
  readonly id: Y.ID;
}

/** Each document's OwnDeletions, for the caret to follow a move through them too (narrow-sync.ts). */
const byDoc = new WeakMap<Y.Doc, OwnDeletions>();

/** What this page deleted that the server has not stored yet, as moved-text's `deletedAlso`, if it watches `doc`. */
export function unstoredDeletionsIn(doc: Y.Doc): ((id: Y.ID) => string | undefined) | undefined {
  return byDoc.get(doc)?.unstored;
}

/** This page's own deletions, and the characters of others' moves that bring them back. */
export class OwnDeletions {
  /** Each deleted character's text and the number of the change that deleted it. */
  private readonly deleted = new Map<string, { ch: string; change: number }>();

  constructor(
    doc: Y.Doc,
    private readonly changes: ChangeCount,
  ) {
    byDoc.set(doc, this);
  }

  /** The text of character `id` if this page deleted it and the server has not acknowledged that yet. */
  readonly unstored = (id: Y.ID): string | undefined => {
    if (this.deleted.size === 0) return undefined;
    const deletion = this.deleted.get(key(id));
    return deletion !== undefined && deletion.change > this.changes.stored() ? deletion.ch : undefined;
  };

  /** Remembers the characters `transaction`, a local edit, deleted. Must run before its cleanup (the text is collected then). */
  record(transaction: Y.Transaction): void {
    if (transaction.deleteSet.clients.size === 0) return;
    const change = this.changes.made() + 1;
    // Text it moved (Enter, a join: deleted here, copied there) is not deleted: another move of it is double-move.ts's.
    const moved = new Set<string>();
    if (insertsAndDeletes(transaction)) for (const move of moves(transaction, nodesDeletedFrom(transaction))) for (const id of move.ids) moved.add(key(id));
    Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString) || !(struct.parent instanceof Y.XmlText)) return;
      if (struct.id.clock >= (transaction.beforeState.get(struct.id.client) ?? 0)) return; // inserted by it too
      const { str } = struct.content;
      for (let i = 0; i < str.length; i++) {
        const id = Y.createID(struct.id.client, struct.id.clock + i);
        if (!moved.has(key(id))) this.deleted.set(key(id), { ch: str[i]!, change });
      }
    });
    for (const k of this.deleted.keys()) {
      if (this.deleted.size <= REMEMBERED) break;
      this.deleted.delete(k);
    }
  }

  /** The characters of the copies `transaction` (from elsewhere) made that bring back this page's unstored deletions. */
  copiedBack(transaction: Y.Transaction): CopiedBack[] {
    if (transaction.local || this.deleted.size === 0 || !insertsAndDeletes(transaction)) return [];
    const out: CopiedBack[] = [];
    for (const move of moves(transaction, nodesDeletedFrom(transaction), false, this.unstored)) {
      // The move's characters it did not delete itself are this page's deletions (counted in only for that).
      move.ids.forEach((id, i) => {
        if (!Y.isDeleted(transaction.deleteSet, id)) out.push({ node: move.run.node, id: move.run.ids[move.at + i]! });
      });
    }
    return out;
  }
}

/** Deletes `chars` (others' copies of what this page had deleted) in one transaction of `origin`. */
export function deleteCopiedBack(doc: Y.Doc, chars: readonly CopiedBack[], origin: unknown): void {
  doc.transact(() => {
    for (const { node, id } of [...chars].reverse()) {
      const index = indexIn(node, id);
      if (index !== undefined) node.delete(index, 1);
    }
  }, origin);
}
