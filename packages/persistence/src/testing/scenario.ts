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

/** A Y.XmlElement `name` with attributes `attrs` holding `children` (strings become Y.XmlText). */
export function element(name: string, attrs: Record<string, unknown> = {}, ...children: Array<Y.XmlElement | Y.XmlText | string>): Y.XmlElement {
  const el = new Y.XmlElement(name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value as string);
  el.insert(0, children.map((child) => (typeof child === 'string' ? new Y.XmlText(child) : child)));
  return el;
}

/**
 * People editing one document, each with their own copy: an edit is stored at once (a second after the
 * last, under its author) and reaches the others only when they `sync`, so edits made meanwhile are
 * concurrent.
 */
export class HeldBack {
  readonly docs = new Map<string, Y.Doc>();
  private readonly inbox = new Map<string, Uint8Array[]>();
  private at = 1_000_000;

  constructor(
    private readonly store: DocumentStore,
    private readonly name: string,
    people: readonly string[],
  ) {
    for (const who of people) {
      this.docs.set(who, new Y.Doc());
      this.inbox.set(who, []);
    }
  }

  /** `who` edits; the seq it was stored at, or undefined when the edit changed nothing. */
  async maybeEdit(who: string, edit: (doc: Y.Doc) => void): Promise<number | undefined> {
    const doc = this.docs.get(who);
    if (doc === undefined) throw new Error(`${who} is not in this scenario`);
    let update: Uint8Array | undefined;
    const listen = (u: Uint8Array) => (update = u);
    doc.on('update', listen);
    Y.transact(doc, () => edit(doc));
    doc.off('update', listen);
    if (update === undefined) return undefined;
    for (const [other, box] of this.inbox) if (other !== who) box.push(update);
    this.at += 1000;
    const [result] = await this.store.append([{ doc: this.name, entries: [{ update, author: who, receivedAt: this.at }] }]);
    return result!.lastSeq;
  }

  /** `who` edits (it must change something); the seq it was stored at. */
  async edit(who: string, edit: (doc: Y.Doc) => void): Promise<number> {
    const seq = await this.maybeEdit(who, edit);
    if (seq === undefined) throw new Error(`${who}'s edit changed nothing`);
    return seq;
  }

  /** `who` (everyone, if not given) gets what the others did since. */
  sync(who?: string): void {
    for (const [person, box] of this.inbox) if (who === undefined || person === who) for (const u of box.splice(0)) Y.applyUpdate(this.docs.get(person)!, u);
  }
}

