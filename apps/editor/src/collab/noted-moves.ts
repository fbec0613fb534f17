// Which characters an editor's move copied, said in the document for the other editors.
//
// y-prosemirror writes a move (Enter inside a paragraph, a join, a paragraph made a heading) as "delete
// here, insert a copy there" (moved-text.ts). An editor that receives it sees new characters and deleted
// ones, and tells them apart from typing only by their text — and not at all when the move deleted nothing
// that editor still showed (both people pressed Enter at one place). Each editor therefore notes its moves
// in MOVED: which character each copied character stands for. A copied character that another editor had
// moved away or deleted meanwhile (a change the mover had not seen: had it, the character would have been
// gone) is then known for what it is, whatever the server had acknowledged by then (double-move.ts,
// deleted-in-moves.ts).

import * as Y from 'yjs';
import { forEachNewItem, type Move, movesOf, movesWithShortcuts } from './moved-text.js';

/**
 * A root map: "<client>:<clock>" of a move's first copied character → `{ r, s }`: the characters it copied,
 * as runs `r` [source client, source clock, copy client, copy clock, length, …] in the source's order, and
 * `s`, what the mover had seen of each client with anything in the text it moved from, or an attribute
 * written on a block around it ({ client: clock }): whether it had seen a change made there (formatting, a
 * task's tick) that its copy does not carry.
 */
export const MOVED = 'tandem:moved';

const key = (id: Y.ID) => `${id.client}:${id.clock}`;

/** Transaction meta: what each of its moves' notes says its editor had seen, by the note's key (seenByMover). */
const SAID_SEEN = Symbol('tandem:said-seen');

/** Transaction meta: the moves noted in it, once read (notedMovesIn). */
const NOTED = Symbol('tandem:noted-moves');

/** A move another editor noted: each source character with its copy, in order. */
export interface NotedMove {
  /** The client id of the editor that noted it. */
  readonly author: number;
  readonly pairs: ReadonlyArray<{ readonly source: Y.ID; readonly copy: Y.ID }>;
  /** "<client>:<clock>" of its first source character, and of all of them. */
  readonly first: string;
  readonly sources: ReadonlySet<string>;
  /** The clock up to which the mover had seen `client`'s changes in the text it moved from, or the blocks around it (0: none). */
  seen(client: number): number;
  /** The copy's block was made with it (a new line: Enter, a list item indented; a rescue's block, noteCopies). */
  readonly block: boolean;
}

/**
 * Notes in MOVED, in `transaction` itself (a local edit, still open: the note travels with the move, in the
 * same update), the moves it made. Called where the edit is written (narrow-sync.ts), after it. A few dozen
 * bytes per Enter pressed inside a paragraph, per join; nothing for typing.
 */
export function noteMoves(transaction: Y.Transaction): void {
  if (transaction.deleteSet.clients.size === 0) return; // typing: no move
  // The move finders read what the transaction added from its afterState, which Yjs sets as it ends.
  const { afterState } = transaction;
  let moved: Move[];
  try {
    transaction.afterState = stateNow(transaction.doc);
    // Kept for the handlers after it (movesOf): the note adds no text, so what it finds stays true.
    moved = movesWithShortcuts(transaction, movesOf(transaction));
  } finally {
    transaction.afterState = afterState;
  }
  if (moved.length === 0) return;
  const map = transaction.doc.getMap(MOVED);
  const said = new Map<string, Record<string, number>>();
  transaction.meta.set(SAID_SEEN, said);
  for (const move of moved) {
    const seen = seenByMover(transaction, move);
    said.set(key(move.run.ids[move.at]!), seen);
    const runs = packRuns(move.ids.map((id, i) => [id, move.run.ids[move.at + i]!]));
    // `b`: the copy's line is new with the move (Enter, an item indented or outdented, a change of kind).
    const made = move.run.node._item !== null && move.run.node._item.id.clock >= (transaction.beforeState.get(move.run.node._item.id.client) ?? 0);
    map.set(key(move.run.ids[move.at]!), made ? { r: runs, s: seen, b: 1 } : { r: runs, s: seen });
  }
}

/**
 * What the editor making `move` (in `transaction`, its own edit) had seen, as its note says it (`s`): for each
 * client with anything in the text it moved from, or an attribute written on a block around it (a task's tick:
 * attrs-in-moves.ts), the clock up to which it had that client's changes. The mover's page reads its own moves
 * by this same record (double-move.ts), so that both pages judge a move alike.
 */
export function seenByMover(transaction: Y.Transaction, move: Move): Record<string, number> {
  // The very record its note holds, when noteMoves wrote one for it in this transaction.
  const said = (transaction.meta.get(SAID_SEEN) as Map<string, Record<string, number>> | undefined)?.get(key(move.run.ids[move.at]!));
  if (said !== undefined) return said;
  const seen: Record<string, number> = {};
  for (let item = move.node._start; item !== null; item = item.right) seen[String(item.id.client)] = transaction.beforeState.get(item.id.client) ?? 0;
  for (let block = move.node.parent; block instanceof Y.XmlElement; block = block.parent) {
    for (const item of block._map.values()) seen[String(item.id.client)] = transaction.beforeState.get(item.id.client) ?? 0;
  }
  return seen;
}

/** Characters an editor typed again (a rescue, join-rescue.ts and split-rescue.ts): `from`, as `client`'s run from `clock`. */
export interface CopiedRun {
  readonly from: readonly Y.ID[];
  readonly client: number;
  readonly clock: number;
  readonly length: number;
}

/**
 * Notes in MOVED, in `transaction` (a rescue, still open), which characters the runs it typed again stand
 * for: to the other editors a character typed again is a copy like a move's. A page that deleted the
 * character a rescued one stands for (one copied by a move it had not seen, then typed again by the
 * mover's page when the copy went with a block this page deleted) then deletes it again
 * (deleted-in-moves.ts).
 */
export function noteCopies(transaction: Y.Transaction, runs: readonly CopiedRun[]): void {
  const { store } = transaction.doc;
  for (const run of runs) {
    if (run.length === 0 || run.from.length === 0) continue;
    // The run's characters, in order: the run's clocks also hold the blocks made for it and its marks.
    const copies: Y.ID[] = [];
    const structs = store.clients.get(run.client) ?? [];
    for (let i = Y.findIndexSS(structs, run.clock); i < structs.length && structs[i]!.id.clock < run.clock + run.length; i++) {
      const item = structs[i]!;
      if (item instanceof Y.Item && !item.deleted && item.content instanceof Y.ContentString) {
        for (let c = 0; c < item.length; c++) copies.push(Y.createID(item.id.client, item.id.clock + c));
      }
    }
    if (copies.length !== run.from.length) continue;
    const runs = packRuns(run.from.map((id, i) => [id, copies[i]!]));
    const seen: Record<string, number> = {};
    for (const id of run.from) seen[String(id.client)] = transaction.beforeState.get(id.client) ?? 0;
    // `b`: the copy's text node (so its block) was made for it: a block that holds nothing once its
    // characters are deleted again goes with them.
    const node = (Y.getItem(store, copies[0]!) as Y.Item).parent;
    const made = node instanceof Y.XmlText && node._item !== null && node._item.id.client === run.client && node._item.id.clock >= run.clock;
    transaction.doc.getMap(MOVED).set(key(copies[0]!), made ? { r: runs, s: seen, b: 1 } : { r: runs, s: seen });
  }
}

/** (source, copy) pairs, in order, as a note's runs: [source client, source clock, copy client, copy clock, length, …]. */
function packRuns(pairs: ReadonlyArray<readonly [Y.ID, Y.ID]>): number[] {
  const runs: number[] = [];
  for (const [id, copy] of pairs) {
    const n = runs.length;
    const [client, clock, copyClient, copyClock, length] = runs.slice(n - 5);
    if (n > 0 && client === id.client && clock! + length! === id.clock && copyClient === copy.client && copyClock! + length! === copy.clock) runs[n - 1] = length! + 1;
    else runs.push(id.client, id.clock, copy.client, copy.clock, 1);
  }
  return runs;
}

/** The moves other editors noted in `transaction` (from elsewhere). Costs nothing unless it wrote to MOVED. */
export function notedMovesIn(transaction: Y.Transaction): NotedMove[] {
  return transaction.local ? [] : notesWrittenIn(transaction);
}

/** The moves noted in `transaction`, this page's own (a local edit, a rescue) or another editor's. */
export function notesWrittenIn(transaction: Y.Transaction): NotedMove[] {
  const map = transaction.doc.share.get(MOVED);
  if (map === undefined || !transaction.changed.has(map)) return [];
  // Read once per transaction, for every handler that asks.
  const cached = transaction.meta.get(NOTED) as NotedMove[] | undefined;
  if (cached !== undefined) return cached;
  const out: NotedMove[] = [];
  transaction.meta.set(NOTED, out);
  const { store } = transaction.doc;
  forEachNewItem(transaction, (item) => {
    if (item.parent !== map || item.deleted || !(item.content instanceof Y.ContentAny)) return;
    const move = parseNote(item.content.getContent()[0], item.id.client, store);
    if (move !== undefined) out.push(move);
  });
  return out;
}

/** Transaction meta: the copies each character got in the moves noted in it (copiesBySource). */
const COPIES = Symbol('tandem:copies-by-source');

/** "<client>:<clock>" of each character the moves other editors noted in `transaction` copied → its copies, read once. */
export function copiesBySource(transaction: Y.Transaction): ReadonlyMap<string, readonly Y.ID[]> {
  const cached = transaction.meta.get(COPIES) as Map<string, Y.ID[]> | undefined;
  if (cached !== undefined) return cached;
  const copies = new Map<string, Y.ID[]>();
  for (const note of notedMovesIn(transaction)) {
    for (const { source, copy } of note.pairs) {
      const known = copies.get(key(source));
      if (known === undefined) copies.set(key(source), [copy]);
      else known.push(copy);
    }
  }
  transaction.meta.set(COPIES, copies);
  return copies;
}

/** How many copied characters one note may name (a note is written by any client: never trusted). */
const MAX_NOTED = 200_000;

/**
 * A note as written by noteMoves, or undefined when it is anything else: every run at least one character
 * long, its copies the note's author's, its source and copy within what this page holds of their clients, no more than MAX_NOTED
 * characters in all. A note comes from any client, so a malformed one must cost nothing and throw nothing.
 */
export function parseNote(entry: unknown, author: number, store: Y.Doc['store']): NotedMove | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { r: runs, s: seen, b: block } = entry as { r?: unknown; s?: unknown; b?: unknown };
  if (!Array.isArray(runs) || runs.length === 0 || runs.length % 5 !== 0 || !runs.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
  let total = 0;
  for (let r = 0; r < runs.length; r += 5) {
    const [client, clock, copyClient, copyClock, length] = runs.slice(r, r + 5) as number[];
    total += length!;
    // A mover's copies are its own characters: a note naming another's as copies is not one of ours.
    if (length! < 1 || total > MAX_NOTED || copyClient !== author || clock! + length! > Y.getState(store, client!) || copyClock! + length! > Y.getState(store, copyClient!)) return undefined;
  }
  const pairs: Array<{ source: Y.ID; copy: Y.ID }> = [];
  for (let r = 0; r < runs.length; r += 5) {
    const [client, clock, copyClient, copyClock, length] = runs.slice(r, r + 5) as number[];
    for (let i = 0; i < length!; i++) pairs.push({ source: Y.createID(client!, clock! + i), copy: Y.createID(copyClient!, copyClock! + i) });
  }
  const seenOf = typeof seen === 'object' && seen !== null ? (seen as Record<string, unknown>) : {};
  return {
    author,
    pairs,
    first: key(pairs[0]!.source),
    sources: new Set(pairs.map((p) => key(p.source))),
    block: block === 1,
    seen: (client) => {
      const clock = seenOf[String(client)];
      return typeof clock === 'number' && Number.isFinite(clock) ? clock : 0;
    },
  };
}

/** Whether character `id` is in `doc` and not deleted. */
export function standing(doc: Y.Doc, id: Y.ID): boolean {
  if (id.clock >= Y.getState(doc.store, id.client)) return false;
  const item = Y.getItem(doc.store, id);
  return item instanceof Y.Item && !item.deleted;
}

/** `doc`'s state vector as it is now (Yjs' own getStateVector is not exported). */
function stateNow(doc: Y.Doc): Map<number, number> {
  const state = new Map<number, number>();
  for (const [client, structs] of doc.store.clients) {
    const last = structs[structs.length - 1];
    if (last !== undefined) state.set(client, last.id.clock + last.length);
  }
  return state;
}
