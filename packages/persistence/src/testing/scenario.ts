// For the history tests: people editing one Y.Text document, each update appended to the log as it happens,
// with its author and time, and every other person kept in sync.

import * as Y from 'yjs';
import type { DocumentStore } from '../types.js';

export class Scenario {
  private readonly docs = new Map<string, Y.Doc>();
  readonly texts: string[] = ['']; // texts[seq] = content after update seq
  private clock = 1_000_000;

  constructor(
    private readonly store: DocumentStore,
    private readonly name: string,
    people: readonly string[] = ['alice', 'bob'],
  ) {
    for (const who of people) this.docs.set(who, new Y.Doc());
  }

  /** Runs `edit` as `who`, `gapMs` after the last edit, syncs the others, and stores the update. */
  async edit(who: string, edit: (text: Y.Text) => void, gapMs = 1000): Promise<number> {
    return this.editDoc(who, (doc) => edit(doc.getText('t')), gapMs);
  }

  /** As `edit`, on the whole document (`texts` then records its text 't'). */
  async editDoc(who: string, edit: (doc: Y.Doc) => void, gapMs = 1000): Promise<number> {
    this.clock += gapMs;
    const doc = this.docs.get(who);
    if (doc === undefined) throw new Error(`${who} is not in this scenario`);
    let update: Uint8Array | undefined;
    doc.once('update', (u: Uint8Array) => (update = u));
    Y.transact(doc, () => edit(doc));
    for (const [name, other] of this.docs) if (name !== who) Y.applyUpdate(other, update!);
    const [result] = await this.store.append([{ doc: this.name, entries: [{ update: update!, author: who, receivedAt: this.clock }] }]);
    this.texts[result!.lastSeq] = doc.getText('t').toString();
    return result!.lastSeq;
  }

  get now(): number {
    return this.clock;
  }
}
