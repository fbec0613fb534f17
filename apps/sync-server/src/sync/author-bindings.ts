// Which author each Yjs client id of one room writes as (the author its first stored update was
// stored with), and telling the connections that asked (`?authors=1`, message 102) as bindings appear:
// the editor colours new text by it without asking the history API again.

import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { AuthorInfo } from '../authors/author-lookup.js';
import { encodeAuthorBindings } from './protocol.js';

/** What a binding needs of a connection: a way to send. */
export interface BindingListener {
  send(message: Uint8Array): void;
}

export interface AuthorBindingsDeps {
  /** Names and colours of these author ids (every one of them in the answer). */
  describe(ids: readonly string[]): Promise<Record<string, AuthorInfo>>;
}

export class AuthorBindings {
  private readonly byClient = new Map<number, string>();
  private readonly listeners = new Set<BindingListener>();
  /** Bindings made this turn, for the listeners; only kept while there are listeners. */
  private fresh: Array<[number, string]> = [];

  constructor(private readonly deps: AuthorBindingsDeps) {}

  /**
   * Binds every client id that inserted something in `update` (stored as `author`) and not bound yet.
   * On the path of every stored update, so the usual case (one client, already bound) reads three
   * varints and one map entry, and decodes nothing.
   */
  bind(update: Uint8Array, author: string): void {
    let clients: number;
    let first: number;
    try {
      const decoder = decoding.createDecoder(update);
      clients = decoding.readVarUint(decoder);
      if (clients === 0) return; // deletions only
      decoding.readVarUint(decoder); // how many structs
      first = decoding.readVarUint(decoder);
    } catch {
      return; // not ours to judge: the update gate (or the log) has checked it
    }
    if (clients === 1) return this.add(first, author);
    for (const client of Y.parseUpdateMeta(update).from.keys()) this.add(client, author);
  }

  /** Binds `client` to `author` unless it is bound already (an id whose writer was looked up in the log). */
  claim(client: number, author: string): void {
    this.add(client, author);
  }

  /** The author `client` writes as, if known. */
  authorOf(client: number): string | undefined {
    return this.byClient.get(client);
  }

  /** Every author a client of this room has been bound to: who wrote here since the room opened. */
  authors(): string[] {
    return [...new Set(this.byClient.values())];
  }

  /** `listener` hears every binding this room knows, now and as they come. */
  listen(listener: BindingListener): void {
    this.listeners.add(listener);
    if (this.byClient.size > 0) void this.send([...this.byClient], [listener]);
  }

  unlisten(listener: BindingListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.fresh = [];
  }

  private add(client: number, author: string): void {
    if (this.byClient.has(client)) return;
    this.byClient.set(client, author);
    if (this.listeners.size === 0) return;
    this.fresh.push([client, author]);
    // Everything bound this turn goes out in one message.
    if (this.fresh.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const fresh = this.fresh;
    this.fresh = [];
    if (fresh.length > 0 && this.listeners.size > 0) void this.send(fresh, this.listeners);
  }

  private async send(bindings: Array<[number, string]>, to: Iterable<BindingListener>): Promise<void> {
    const authors = await this.deps.describe([...new Set(bindings.map(([, author]) => author))]);
    const message = encodeAuthorBindings(JSON.stringify({ bindings, authors }));
    // Only those still listening: one that left while the names were looked up is gone.
    for (const listener of to) if (this.listeners.has(listener)) listener.send(message);
  }
}
