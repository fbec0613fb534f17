// For the collab tests: a person's editor over a Yjs document, writing local edits the way the page does
// (narrow-sync.ts, with the sync plugin's origin, which the undo manager tracks), and the small builders the
// tests share. Not part of the app (nothing it bundles imports this).

import type { Node } from 'prosemirror-model';
import { AllSelection, EditorState, TextSelection, type Transaction } from 'prosemirror-state';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode, ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { keepTextThroughJoins, noteWhatUndosSaw, noteWhatWasSeen } from './join-rescue.js';
import { keepOthersFormatsThroughBlockUndo } from './formats-through-block-undo.js';
import { changeOf, updateChangedBlocks } from './narrow-sync.js';
import { noteMoves } from './noted-moves.js';
import { createUndoManager } from '../undo-steps.js';
import { type Retyped, undoableWithTheOriginal, undoFollowsMoves } from './rescue-undo.js';
import { keepOthersTextThroughUndo } from './split-rescue.js';
import { undoFollowsNeighbours } from './undo-follows-neighbours.js';
import { undoSkipsGoneCopies } from './undo-gone-copies.js';

const { nodes } = schema;

/** A paragraph of `text`. */
export const p = (text: string) => nodes.paragraph!.create(null, text === '' ? [] : [schema.text(text)]);

/** The document position in top-level block `block` after `offset` characters (-1: just before the block). */
export const at = (doc: Node, block: number, offset: number) => doc.resolve(0).posAtIndex(block, 0) + 1 + offset;

/** A list item holding a paragraph of `text`. */
export const li = (text: string) => schema.node('list_item', null, [p(text)]);

/** Each text block's text, with a '>' per list item around it. */
export const shape = (ydoc: Y.Doc) => {
  const out: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ProseMirror nodes, walked loosely
  const walk = (n: any, path: string) => n.forEach((c: any) => (c.isTextblock ? out.push(`${path}${c.textContent}`) : walk(c, `${path}${c.type.name === 'list_item' ? '>' : ''}`)));
  walk(yXmlFragmentToProseMirrorRootNode(ydoc.getXmlFragment('prosemirror'), schema), '');
  return out;
};

/** The position after `offset` characters of the `n`th text block (any depth). */
export const inText = (n: number, offset: number) => (s: EditorState) => {
  let at = -1;
  let seen = 0;
  s.doc.descendants((node, pos) => {
    if (at >= 0) return false;
    if (!node.isTextblock) return true;
    if (seen++ === n) at = pos + 1 + offset;
    return false;
  });
  return at;
};

/** `command` run with the caret at the start of the `n`th text block (or after `offset` characters of it), as one transaction. */
export const run = (command: (s: EditorState, dispatch: (tr: Transaction) => void) => boolean, n: number, offset = 0) => (s: EditorState) => {
  let made: Transaction | undefined;
  command(s.apply(s.tr.setSelection(TextSelection.create(s.doc, inText(n, offset)(s)))), (tr) => (made = tr));
  const tr = s.tr;
  for (const step of made!.steps) tr.step(step);
  return tr;
};

/** `command` on the whole document (Select all, then a toolbar button), as one transaction. */
export const onAll = (command: (s: EditorState, dispatch: (tr: Transaction) => void) => boolean) => (s: EditorState): Transaction => {
  let made: Transaction | undefined;
  command(s.apply(s.tr.setSelection(new AllSelection(s.doc))), (tr) => (made = tr));
  const tr = s.tr;
  for (const step of made!.steps) tr.step(step);
  return tr;
};

/** The text of each top-level block of `doc`. */
export const blocks = (doc: Y.Doc) => yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment('prosemirror'), schema).content.content.map((b) => b.textContent);

/** Every order two people's changes can meet in: [Bob's client id above Alice's, Bob's change stored first]. */
export const orders = [
  [true, true],
  [true, false],
  [false, true],
  [false, false],
] as const;

/** Alice's editor on a new document of paragraphs `texts`. */
export function alice(...texts: string[]) {
  const ydoc = new Y.Doc();
  const type = ydoc.getXmlFragment('prosemirror');
  const binding = { type, doc: ydoc, mapping: new Map(), isOMark: new Map() };
  let state = EditorState.create({ schema, doc: nodes.doc!.create(null, texts.map(p)) });
  updateYFragment(ydoc, type, state.doc, binding);
  return {
    ydoc,
    get state() {
      return state;
    },
    /** Makes `change` in the editor and writes it to Yjs as the page does. */
    edit(change: (s: EditorState) => Transaction) {
      const tr = change(state);
      const next = state.apply(tr);
      ydoc.transact(() => {
        if (!updateChangedBlocks(binding, state.doc, next.doc, changeOf(tr))) throw new Error('the edit did not go block by block');
      }, ySyncPluginKey);
      state = next;
    },
    /** Reads the editor's document from Yjs again (after changes from elsewhere, or an undo). */
    resync() {
      binding.mapping = new Map();
      state = EditorState.create({ schema, doc: yXmlFragmentToProseMirrorRootNode(type, schema) });
      updateYFragment(ydoc, type, state.doc, binding); // maps the blocks; changes nothing
    },
  };
}

/**
 * A person's editor on a copy of `from` (or a new document of `texts`). `watch` sees every transaction as
 * the page's handlers do, and what it returns is done right after (the page queues such fixes in a
 * microtask), when `receive` brings another person's changes.
 */
export function person(from: Y.Doc | string[] | Node, watch: (ydoc: Y.Doc) => (transaction: Y.Transaction) => (() => void) | undefined = () => () => undefined) {
  const ydoc = new Y.Doc();
  const type = ydoc.getXmlFragment('prosemirror');
  if (from instanceof Y.Doc) Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(from));
  else updateYFragment(ydoc, type, Array.isArray(from) ? nodes.doc!.create(null, from.map(p)) : from, { type, doc: ydoc, mapping: new Map(), isOMark: new Map() } as never);
  const watcher = watch(ydoc);
  let fixes: Array<() => void> = [];
  ydoc.on('afterTransaction', (transaction: Y.Transaction) => {
    const fix = watcher(transaction);
    if (fix !== undefined) fixes.push(fix);
  });
  return {
    ydoc,
    /** Makes `change` in the editor (reading it from Yjs first) and writes it to Yjs as the page does. */
    edit(change: (s: EditorState) => Transaction) {
      const binding = { type, doc: ydoc, mapping: new Map(), isOMark: new Map() };
      const state = EditorState.create({ schema, doc: yXmlFragmentToProseMirrorRootNode(type, schema) });
      updateYFragment(ydoc, type, state.doc, binding); // binds the mapping; changes nothing
      const tr = change(state);
      const next = state.apply(tr);
      ydoc.transact((transaction) => {
        if (!updateChangedBlocks(binding, state.doc, next.doc, changeOf(tr))) throw new Error('the edit did not go block by block');
        noteWhatWasSeen(transaction); // as the editor's sync does
        noteMoves(transaction);
      }, ySyncPluginKey);
    },
    /** The editor's document, read from Yjs. */
    doc: () => yXmlFragmentToProseMirrorRootNode(type, schema),
    /** Gets what `other` has that this one lacks, then does what `watch` asked for meanwhile. */
    receive(other: { ydoc: Y.Doc }) {
      Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(other.ydoc, Y.encodeStateVector(ydoc)));
      const due = fixes;
      fixes = [];
      for (const fix of due) fix();
    },
  };
}

export type Person = ReturnType<typeof person>;

/** Everyone gets everything, in the order given, until nothing changes; returns the blocks all hold alike. */
export function meet(order: Array<[Person, Person]>): string[] {
  for (let round = 0; round < 3; round++) for (const [to, from] of order) to.receive(from);
  const result = blocks(order[0]![0].ydoc);
  for (const [to] of order) if (JSON.stringify(blocks(to.ydoc)) !== JSON.stringify(result)) throw new Error(`diverged: ${JSON.stringify(blocks(to.ydoc))} against ${JSON.stringify(result)}`);
  return result;
}

/**
 * A person's page: an editor as `person`'s, with the page's whole handler of others' changes
 * (keepTextThroughJoins: double-move, split and join rescue, deletions and formats in moves), and what the
 * server acknowledged (`ack`: everything so far).
 */
export function page(from: Y.Doc | string[] | Node, earlier: readonly number[] = []) {
  let made = 0;
  let storedChanges = 0;
  const acked = new Map<number, number>();
  // What the page's rescues typed again goes to the undo step of its original, once there is an undo manager (withUndo).
  const retypedTo: Array<(retyped: Retyped[]) => void> = [];
  const editor = person(from, (ydoc) => {
    ydoc.on('update', (_u: Uint8Array, _o: unknown, _d: Y.Doc, tr: Y.Transaction) => void (tr.local && (made += 1)));
    const ownEarlier = new Set(earlier);
    const own = (c: number) => c === ydoc.clientID || ownEarlier.has(c);
    keepTextThroughJoins(ydoc, { own, earlier: () => ownEarlier, stored: (c) => acked.get(c) ?? 0, changes: { made: () => made, stored: () => storedChanges } }, (retyped) => {
      for (const to of retypedTo) to(retyped);
    });
    return () => undefined;
  });
  return {
    ...editor,
    retypedTo,
    /** This browser's earlier pages' client ids (a reload: reloaded). */
    earlier,
    ack() {
      for (const [c, k] of Y.decodeStateVector(Y.encodeStateVector(editor.ydoc))) acked.set(c, k);
      storedChanges = made;
    },
  };
}

export type Page = ReturnType<typeof page>;

/**
 * `x` reloaded: a new page (a new client id, `clientID` if given) on what `x`'s browser holds, its own
 * unacknowledged changes among it; `x`'s id and its earlier ones count as this page's own (join-rescue's
 * ownClients, once `x` is closed). Like the page, it knows nothing of what the server acknowledged storing
 * (it learns from the acknowledgements of its own messages). `x` is not to be used again.
 */
export function reloaded(x: Page, clientID?: number, { late = false }: { readonly late?: boolean } = {}): Page {
  const again = page(late ? new Y.Doc() : x.ydoc, [...x.earlier, x.ydoc.clientID]);
  if (clientID !== undefined) again.ydoc.clientID = clientID;
  // `late`: the browser's copy read once the page's handlers are in place (as the page may read it from
  // IndexedDB), the earlier page's notes of its moves among it, arriving as a change from elsewhere.
  if (late) Y.applyUpdate(again.ydoc, Y.encodeStateAsUpdate(x.ydoc), 'stored copy');
  return again;
}

/** `x`'s undo manager, with what the editor watches it with (editor.ts). */
export function withUndo(x: Page): Y.UndoManager {
  const undo = createUndoManager(x.ydoc.getXmlFragment('prosemirror'));
  x.retypedTo.push((retyped) => undoableWithTheOriginal(undo, retyped)); // as the page does (document.ts)
  keepOthersTextThroughUndo(x.ydoc, undo);
  undoFollowsMoves(x.ydoc, undo);
  undoSkipsGoneCopies(x.ydoc, undo);
  undoFollowsNeighbours(x.ydoc, undo);
  noteWhatUndosSaw(undo);
  keepOthersFormatsThroughBlockUndo(x.ydoc, undo);
  return undo;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** `to` gets what `from` has (the page's handlers run, and their microtasks); `from`'s changes acknowledged first, or not. */
export async function send(from: Page, to: Page, ack = true): Promise<void> {
  if (ack) from.ack();
  Y.applyUpdate(to.ydoc, Y.encodeStateAsUpdate(from.ydoc, Y.encodeStateVector(to.ydoc)), 'remote');
  await settle();
}

/** Changes two pages made apart cross: `first`'s, stored and acknowledged, reach `second`, then `second`'s (not acknowledged yet) reach `first`. */
export async function cross(first: Page, second: Page): Promise<void> {
  await send(first, second);
  await send(second, first, false);
}

/**
 * Changes two pages made apart cross at the same moment: each gets the other's as it was made, before either
 * page has done anything about the other's (`cross` lets the first page's handlers run before its change goes
 * on). `acknowledged`: the server had acknowledged both first.
 */
export async function atOnce(a: Page, b: Page, acknowledged = false): Promise<void> {
  await allAtOnce([a, b], acknowledged);
}

/** As atOnce, for any number of pages: each gets every other's changes, as made, before any page's fixes go out. */
export async function allAtOnce(pages: readonly Page[], acknowledged = false): Promise<void> {
  if (acknowledged) for (const x of pages) x.ack();
  const made = pages.map((to) => pages.map((from) => (from === to ? undefined : Y.encodeStateAsUpdate(from.ydoc, Y.encodeStateVector(to.ydoc)))));
  for (const [i, to] of pages.entries()) for (const update of made[i]!) if (update !== undefined) Y.applyUpdate(to.ydoc, update, 'remote');
  await settle();
}

/** Everyone gets everything, acknowledged, until nothing changes; returns the blocks all hold alike. */
export async function meetAll(...people: Page[]): Promise<string[]> {
  for (let round = 0; round < 3; round++) for (const a of people) for (const b of people) if (a !== b) await send(a, b);
  const result = JSON.stringify(people[0]!.doc().toJSON());
  for (const x of people) if (JSON.stringify(x.doc().toJSON()) !== result) throw new Error(`diverged: ${JSON.stringify(x.doc().toJSON())} against ${result}`);
  return blocks(people[0]!.ydoc);
}

/** A way two pages' changes made apart meet: one of `orders`, crossed one after the other or at the same moment. */
export interface Meeting {
  readonly bobAbove: boolean;
  readonly bobFirst: boolean;
  readonly together: boolean;
  /** For a test's name: "Bob's id above, Alice stored first". */
  readonly name: string;
}

/** Every way two pages' changes can meet: each of `orders` crossed (cross) and at the same moment (atOnce, acknowledged when Bob's is first). */
export const meetings: readonly Meeting[] = orders.flatMap(([bobAbove, bobFirst]) =>
  [false, true].map((together) => ({
    bobAbove,
    bobFirst,
    together,
    name: `Bob's id ${bobAbove ? 'above' : 'below'}, ${together ? `at the same moment${bobFirst ? ', both acknowledged' : ''}` : `${bobFirst ? 'Bob' : 'Alice'} stored first`}`,
  })),
);

/** Alice's page on `start`, and Bob's on a copy, his client id above or below hers as `meeting` says. */
export function twoPages(start: Node, { bobAbove }: Pick<Meeting, 'bobAbove'>): { alice: Page; bob: Page } {
  const alice = page(start);
  const bob = page(alice.ydoc);
  bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
  return { alice, bob };
}

/** Alice's and Bob's changes meet as `meeting` says. */
export function meetAs(alice: Page, bob: Page, { bobFirst, together }: Meeting): Promise<void> {
  return together ? atOnce(alice, bob, bobFirst) : bobFirst ? cross(bob, alice) : cross(alice, bob);
}

/** A Yjs element `name` holding `children` (for tests that build a document's Yjs shape by hand). */
export function yElement(name: string, ...children: Array<Y.XmlElement | Y.XmlText>): Y.XmlElement {
  const element = new Y.XmlElement(name);
  element.insert(0, children);
  return element;
}

/** A Yjs paragraph of `text` (none inside when empty). */
export const yLine = (text: string) => (text === '' ? yElement('paragraph') : yElement('paragraph', new Y.XmlText(text)));
