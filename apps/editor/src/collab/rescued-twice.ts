// Text two pages both typed again. Alice presses Backspace twice at the start of list item "three" (her
// editor writes "two" again into the item of "three", then "three" after "two") while Bob, not having seen
// it, indents "three" (his editor deletes that item and writes "three" again into a list inside "two").
// Each change deletes the block the other's copy went into; each page sees its own copy of "three" gone
// with a block the other deleted, unseen, and types it again (join-rescue.ts): "three" came out twice.
// Each rescue says which characters it typed again (noted-moves.ts noteCopies), and every copy, followed
// back through the notes, stands for an original character: two rescues standing for the same original
// are one too many. Of the two, the page of the higher client id deletes its own, the same on both pages.

import * as Y from 'yjs';
import type { Repeat } from './double-move.js';
import { type NotedMove, notesWrittenIn, standing } from './noted-moves.js';

const key = (id: Y.ID) => `${id.client}:${id.clock}`;

/** How many copies (and rescued characters) a page remembers: the oldest are forgotten first. */
const REMEMBERED = 20_000;

export class RescuedTwice {
  /** Each copy noted here (this page's moves and rescues, others' notes) → the character it stands for. */
  private readonly sourceOf = new Map<string, Y.ID>();
  /** The original each of this page's rescued characters stands for → those characters. */
  private readonly rescued = new Map<string, Y.ID[]>();

  constructor(
    private readonly doc: Y.Doc,
    /** The origin of this page's rescues. */
    private readonly rescueOrigin: unknown,
  ) {}

  /**
   * Remembers which character each copy noted in `transaction` stands for. Called for this page's own
   * transactions (below), and for another's that made this page type something again (join-rescue.ts): the
   * notes of a change from elsewhere are read only then, not for every change (opening a document reads
   * every note ever written in one transaction).
   */
  learn(transaction: Y.Transaction): readonly NotedMove[] {
    const notes = notesWrittenIn(transaction);
    for (const note of notes) for (const { source, copy } of note.pairs) this.sourceOf.set(key(copy), source);
    forgetOldest(this.sourceOf);
    return notes;
  }

  /**
   * This page's rescued characters that another page's rescue (or move) in `transaction` stands for as
   * well, when this page's give way; and, for this page's own transactions, what they noted. Must run before
   * the transaction's cleanup, as the other handlers.
   */
  twice(transaction: Y.Transaction): Repeat[] {
    // Another's change, while this page has typed nothing again: nothing to compare, nothing read.
    if (!transaction.local && this.rescued.size === 0) return [];
    const notes = this.learn(transaction);
    if (notes.length === 0) return [];
    if (transaction.local) {
      if (transaction.origin === this.rescueOrigin) {
        for (const note of notes) {
          for (const { source, copy } of note.pairs) {
            const root = this.root(source);
            this.rescued.set(root, [...(this.rescued.get(root) ?? []), copy]);
          }
        }
        forgetOldest(this.rescued);
      }
      return [];
    }
    const out: Repeat[] = [];
    for (const note of notes) {
      if (this.doc.clientID < note.author) continue; // theirs gives way, on their page
      for (const { source, copy } of note.pairs) {
        const mine = this.rescued.get(this.root(source));
        if (mine === undefined || !standing(this.doc, copy)) continue;
        for (const id of mine) {
          const item = Y.getItem(this.doc.store, id);
          if (standing(this.doc, id) && item instanceof Y.Item && item.parent instanceof Y.XmlText) out.push({ node: item.parent, id });
        }
      }
    }
    return out;
  }

  /** The original character `id` stands for, through the copies noted (itself if none). */
  private root(id: Y.ID): string {
    let at = id;
    for (let hops = 0; hops < 16; hops++) {
      const source = this.sourceOf.get(key(at));
      if (source === undefined) break;
      at = source;
    }
    return key(at);
  }
}

function forgetOldest<V>(map: Map<string, V>): void {
  for (const k of map.keys()) {
    if (map.size <= REMEMBERED) break;
    map.delete(k);
  }
}
