// Text someone deleted coming back in another person's move of it.
//
// y-prosemirror writes a move as "delete here, insert a copy there" (moved-text.ts). Alice deletes "two" in
// "one two three" while Bob, not having seen that, presses Enter after "one": his editor copies " two three"
// into a new paragraph, and Alice's deletion, when it reaches the others, deletes characters his Enter had
// deleted already. Everyone got "one", " two three": the deleted word was back. A join, a paragraph made a
// heading, paragraphs pasted into the middle of one do the same.
//
// Alice's editor can tell: a change from elsewhere moves text out of a paragraph, and its copy holds,
// between the characters it moved (or right before them at the copy's start, right after them at its end),
// characters she had deleted herself, with their text, the whole run found in exactly one place. Her editor
// deletes those from the copy; anything less certain is left (a deleted word coming back is better than a
// wanted one going). Only deletions the server had not acknowledged count:
// the server shows a change to others once stored, so the mover cannot have seen those; a deletion it had
// acknowledged may have been seen, and a copy holding the same text again is then the mover's own doing
// (text pasted back). So a deletion acknowledged before the move reached this page (the mover offline, or
// the move on its way) came back; the mover's note of what its move copied (noted-moves.ts) settles those:
// a character it copied that this page had deleted is one the mover had not seen deleted (copiedBackNoted).

import * as Y from 'yjs';
import { indexIn, type InsertedRun, insertedRuns, insertsAndDeletes, type Move, movesOf, nodesDeletedFrom } from './moved-text.js';
import { notedMovesIn, standing } from './noted-moves.js';

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
  /** `node`'s block was made for the copy: it goes too once empty. */
  readonly madeFor?: boolean;
}

/** Each document's OwnDeletions, for the caret to follow a move through them too (narrow-sync.ts). */
const byDoc = new WeakMap<Y.Doc, OwnDeletions>();

/**
 * What this page deleted that the mover of `transaction` (from elsewhere) cannot have seen deleted, as
 * moved-text's `deletedAlso`, if it watches its document: deletions the server has not stored yet, and those
 * a move noted in the transaction copied (noted-moves.ts).
 */
export function unseenDeletionsIn(transaction: Y.Transaction): ((id: Y.ID) => string | undefined) | undefined {
  return byDoc.get(transaction.doc)?.unseenBy(transaction);
}

/** This page's own deletions, and the characters of others' moves that bring them back. */
export class OwnDeletions {
  /** Each deleted character's text and the number of the change that deleted it. */
  private readonly deleted = new Map<string, { ch: string; change: number }>();
  /** The characters this page deleted, acknowledged or not (the oldest forgotten first), for copiedBackNoted. */
  private readonly deletedEver = new Map<string, string>();
  /** Those of them whose text node (their line) this page deleted too, emptied or with them. */
  private readonly lineGone = new Set<string>();

  /**
   * `unseen`: whether a character still there is this page's and unseen by others (unacknowledged): the
   * mover's copy does not hold it, so it does not cut a run of moved text apart (text typed over the
   * deleted word, or brought back by Ctrl+Z, which split-rescue.ts moves into the copy).
   */
  constructor(
    doc: Y.Doc,
    private readonly changes: ChangeCount,
    private readonly unseen: (id: Y.ID) => boolean = () => false,
  ) {
    byDoc.set(doc, this);
  }

  /** The text of character `id` if this page deleted it and the server has not acknowledged that yet. */
  readonly unstored = (id: Y.ID): string | undefined => {
    if (this.deleted.size === 0) return undefined;
    const deletion = this.deleted.get(key(id));
    return deletion !== undefined && deletion.change > this.changes.stored() ? deletion.ch : undefined;
  };

  /**
   * Remembers the characters `transaction`, a local edit, deleted (`movedByIt`: its moves, if already found).
   * Must run before its cleanup (the text is collected then).
   */
  record(transaction: Y.Transaction, movedByIt: readonly Move[] = movesOf(transaction), sourceOf: (id: Y.ID) => Y.ID | undefined = () => undefined): void {
    if (transaction.deleteSet.clients.size === 0) return;
    const change = this.changes.made() + 1;
    // Text it moved (Enter, a join: deleted here, copied there) is not deleted: another move of it is double-move.ts's.
    const moved = new Set<string>();
    for (const move of movedByIt) for (const id of move.ids) moved.add(key(id));
    Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString) || !(struct.parent instanceof Y.XmlText)) return;
      if (struct.id.clock >= (transaction.beforeState.get(struct.id.client) ?? 0)) return; // inserted by it too
      const { str } = struct.content;
      for (let i = 0; i < str.length; i++) {
        const id = Y.createID(struct.id.client, struct.id.clock + i);
        if (moved.has(key(id))) continue;
        this.deleted.set(key(id), { ch: str[i]!, change });
        this.deletedEver.set(key(id), str[i]!);
        // A copy this page's own move made (a change of the list's kind, Enter): the text it stands for is
        // deleted too, for a move of the original by someone who had not seen this page's (they copied the
        // original, so they had seen neither): Bob splits "two" while Alice makes the list numbered, then
        // deletes the line.
        let source = sourceOf(id);
        for (let hops = 0; source !== undefined && hops < 16 && !this.deletedEver.has(key(source)); hops++) {
          this.deletedEver.set(key(source), str[i]!);
          source = sourceOf(source);
        }
      }
    });
    // The lines it deleted: their characters deleted before (emptied, then joined to the line above) or now.
    Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentType) || !(struct.content.type instanceof Y.XmlText)) return;
      for (let item = struct.content.type._start; item !== null; item = item.right) {
        for (let i = 0; i < item.length; i++) {
          const k = key(Y.createID(item.id.client, item.id.clock + i));
          if (this.deletedEver.has(k)) this.lineGone.add(k);
        }
      }
    });
    for (const k of this.deleted.keys()) {
      if (this.deleted.size <= REMEMBERED) break;
      this.deleted.delete(k);
    }
    this.forgetOldest();
  }

  /** Keeps deletedEver (and lineGone) within REMEMBERED, the oldest forgotten first: others' notes add to it too. */
  private forgetOldest(): void {
    for (const k of this.deletedEver.keys()) {
      if (this.deletedEver.size <= REMEMBERED) break;
      this.deletedEver.delete(k);
      this.lineGone.delete(k);
    }
  }

  /** See unseenDeletionsIn. */
  unseenBy(transaction: Y.Transaction): (id: Y.ID) => string | undefined {
    if (this.deletedEver.size === 0) return this.unstored;
    const copied = new Set<string>();
    for (const move of notedMovesIn(transaction)) for (const { source } of move.pairs) if (this.deletedEver.has(key(source))) copied.add(key(source));
    if (copied.size === 0) return this.unstored;
    return (id) => this.unstored(id) ?? (copied.has(key(id)) ? this.deletedEver.get(key(id)) : undefined);
  }

  /**
   * The characters of moves noted in `transaction` (from elsewhere) that copy characters this page deleted:
   * the mover had not seen them deleted (it would have found them gone), whatever the server had
   * acknowledged.
   */
  copiedBackNoted(transaction: Y.Transaction): CopiedBack[] {
    if (this.deletedEver.size === 0) return [];
    const out: CopiedBack[] = [];
    const { store } = transaction.doc;
    for (const move of notedMovesIn(transaction)) {
      for (const { source, copy } of move.pairs) {
        // A deletion this page took back since (Ctrl+Z: Yjs brings the text back as new characters) counts
        // too: the mover copied the old characters, so it had seen neither, and the text brought back goes
        // into the copy with what this page typed unseen (split-rescue.ts), or it would be there twice.
        const ch = this.deletedEver.get(key(source));
        if (ch === undefined) continue;
        // The copy stands for a character this page deleted: so does a copy of it, noted later (the mover's
        // page typing it again when it went with a block this page deleted).
        this.deletedEver.set(key(copy), ch);
        const lineGone = this.lineGone.has(key(source));
        if (lineGone) this.lineGone.add(key(copy));
        if (!standing(transaction.doc, copy)) continue;
        const item = Y.getItem(store, copy) as Y.Item;
        // The copy's line, made by the move, goes too once empty if this page deleted the line it came from:
        // Bob indents, outdents or splits item "two" while Alice deletes the item ("two" and its line).
        if (item.parent instanceof Y.XmlText) out.push({ node: item.parent, id: copy, madeFor: move.block && lineGone });
      }
    }
    this.forgetOldest();
    return out;
  }

  /**
   * The characters of the copies `transaction` (from elsewhere) made that bring back this page's unstored
   * deletions. Strict, as what it finds is deleted: a run of the characters the transaction deleted from a
   * text node, this page's deletions among them, must stand in one copy exactly once, with those deletions
   * between characters the transaction deleted, or at the copy's start or end (Enter right before them,
   * the paragraph's end after them).
   */
  copiedBack(transaction: Y.Transaction): CopiedBack[] {
    if (transaction.local) return [];
    forgetStored(this.deleted, this.changes.stored());
    if (this.deleted.size === 0 || !insertsAndDeletes(transaction)) return [];
    const out: CopiedBack[] = [];
    let copies: InsertedRun[] | undefined;
    for (const node of nodesDeletedFrom(transaction)) {
      const nodeDeleted = node._item !== null && Y.isDeleted(transaction.deleteSet, node._item.id);
      for (const run of runsWithOwnDeletions(transaction, node, this.unstored, this.unseen)) {
        copies ??= insertedRuns(transaction);
        // Out of a paragraph that stays into a new one (Enter); out of a deleted one, anywhere (a join).
        const candidates = copies.filter((copy) => copy.node !== node && (nodeDeleted || copy.fresh));
        const found = onlyPlace(candidates, run.text);
        if (found === undefined) continue;
        if (run.mine[0] && found.at !== 0) continue;
        if (run.mine[run.mine.length - 1] && found.at + run.text.length !== found.copy.text.length) continue;
        run.mine.forEach((mine, j) => mine && out.push({ node: found.copy.node, id: found.copy.ids[found.at + j]! }));
      }
    }
    return out;
  }
}

/**
 * Drops the entries of changes the server stored (kept in the order they were made: the oldest first), so
 * a page whose changes are all stored pays nothing for remote edits.
 */
export function forgetStored(entries: Map<string, { change: number }>, stored: number): void {
  for (const [k, entry] of entries) {
    if (entry.change > stored) return;
    entries.delete(k);
  }
}

/** A run of characters of a text node the transaction deleted, with this page's unstored deletions (`mine`) among them. */
interface RunWithOwn {
  text: string;
  readonly mine: boolean[];
}

/**
 * The runs of `node`'s characters that `transaction` deleted or this page had deleted (unstored), cut apart
 * by characters still there that the mover saw: only runs holding both kinds.
 */
function runsWithOwnDeletions(
  transaction: Y.Transaction,
  node: Y.XmlText,
  unstored: (id: Y.ID) => string | undefined,
  unseen: (id: Y.ID) => boolean,
): RunWithOwn[] {
  const runs: RunWithOwn[] = [];
  let run: RunWithOwn | undefined;
  let theirs = false;
  const end = () => {
    if (run !== undefined && theirs && run.mine.includes(true)) runs.push(run);
    run = undefined;
    theirs = false;
  };
  const add = (ch: string, mine: boolean) => {
    run ??= { text: '', mine: [] };
    run.text += ch;
    run.mine.push(mine);
    if (!mine) theirs = true;
  };
  for (let item = node._start; item !== null; item = item.right) {
    if (item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)) continue; // arrived with it
    const deletedNow = Y.isDeleted(transaction.deleteSet, item.id);
    if (item.deleted && !deletedNow) {
      // Gone before: this page's deletion (its text kept here), or someone else's (not shown: skipped).
      for (let i = 0; i < item.length; i++) {
        const ch = unstored(Y.createID(item.id.client, item.id.clock + i));
        if (ch !== undefined) add(ch, true);
      }
      continue;
    }
    if (!item.countable || (!item.deleted && unseen(item.id))) continue;
    if (!deletedNow || !(item.content instanceof Y.ContentString)) {
      end();
      continue;
    }
    const { str } = item.content;
    for (let i = 0; i < str.length; i++) add(str[i]!, false);
  }
  end();
  return runs;
}

/** The one place among `copies` where `text` stands, if there is exactly one. */
function onlyPlace(copies: readonly InsertedRun[], text: string): { copy: InsertedRun; at: number } | undefined {
  let found: { copy: InsertedRun; at: number } | undefined;
  for (const copy of copies) {
    for (let at = copy.text.indexOf(text); at >= 0; at = copy.text.indexOf(text, at + 1)) {
      if (found !== undefined) return undefined;
      found = { copy, at };
    }
  }
  return found;
}

/**
 * Deletes `chars` (others' copies of what this page had deleted) in one transaction of `origin`; `drop` is given each text node emptied of a copy whose block
 * was made for it (see CopiedBack.madeFor), with the copy's author, to take the block away too.
 */
export function deleteCopiedBack(doc: Y.Doc, chars: readonly CopiedBack[], origin: unknown, drop?: (node: Y.XmlText, author: number) => void): void {
  doc.transact(() => {
    const emptied = new Map<Y.XmlText, number>();
    for (const { node, id, madeFor } of [...chars].reverse()) {
      const index = indexIn(node, id);
      if (index !== undefined) node.delete(index, 1);
      if (madeFor === true) emptied.set(node, id.client);
    }
    if (drop !== undefined) for (const [node, author] of emptied) if (node.length === 0) drop(node, author);
  }, origin);
}
