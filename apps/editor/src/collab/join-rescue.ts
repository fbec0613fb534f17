// Keeping what this person typed into a paragraph that someone else joined to its neighbour meanwhile, or
// turned into another kind of block (a heading, a list item).
//
// y-prosemirror writes a join (Backspace at the start of a paragraph, or deleting from one paragraph into
// the next) as: delete one paragraph, insert its text, as the joiner saw it, into the other; and a block
// that changes kind as a new block holding the old one's text, the old one deleted. Text typed
// into the deleted paragraph by someone who had not yet sent it to the joiner (offline, or in flight)
// stays inside the deleted paragraph: invisible to everyone, though their page had said "Saved".
//
// This person's editor sees it happen: a transaction from elsewhere deletes the text node holding their
// characters and, in the same transaction, inserts that node's other text into another text node. Which
// of their characters the joiner had not seen, the joiner's editor says in the same transaction (SEEN);
// from another client, this page counts those the server had not yet acknowledged storing (the server
// shows an update to others only once stored). Those are typed again
// where they were in the moved text (found by its characters), with the marks the block there allows: a
// new edit of this person's, stored and sent as any other (not an undo step).
//
// A paragraph deleted whole (a selection across paragraphs, a list item, an empty paragraph) moves nothing:
// this person's unseen text in it is kept in a paragraph of its own where the deleted block was (in a list,
// a list item), as it is when nothing of the moved text tells where it went (the joiner corrected a word).
//
// A deletion across a line break (Shift+Enter) within a line is written the same way: the text after the
// break deleted whole, what is left of it written into the text before. This person's unseen text there is
// typed again where it stood among what moved (found in that line however short), or, nothing of it having
// moved, where the line went on.
//
// Not kept: text split off with a line break in a paragraph joined to another; and text whose ack had
// arrived though the joiner had not yet seen it (in flight) when the joiner does not say what it saw.

import { ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { type ChangeCount, deleteCopiedBack, OwnDeletions } from './deleted-in-moves.js';
import { deleteRepeats, OwnMoves } from './double-move.js';
import { splitAgain, type SplitAgain } from './split-again.js';
import { applyFormatsAgain, OwnFormats } from './formats-in-moves.js';
import { attributesLostIn, writeAttributesAgain } from './attrs-in-moves.js';
import type { NodeType } from 'prosemirror-model';
import { LIST_TYPES, schema } from '../schema.js';
import { markAllowed } from './allowed-marks.js';
import { deletedPlace, forEachNewItem, indexIn, madeIn, movesOf, nodesWritten } from './moved-text.js';
import type { Retyped } from './rescue-undo.js';
import { dropIfEmptied, moveStranded, strandedByMoves } from './split-rescue.js';
import { RescuedTwice } from './rescued-twice.js';
import { keepItemsWhole } from './item-first-line.js';
import { copiesBySource, notedMovesIn, noteCopies, standing } from './noted-moves.js';
import { CLIENT_LOCK, clientLock, untilPageHide } from './reused-client.js';

/**
 * A root map of what an editor had seen of each text node it deleted (a join, a block changing kind):
 * "<client>:<clock>/<writer>" (the node's item, the deleting editor's client id) → { client id of its
 * characters → the clock up to which the editor had them }, written in the same transaction as the deletion
 * (see noteWhatWasSeen), for the authors of those characters. One entry per deleted node and editor, so that
 * several joins reaching someone at once (offline, a sync after a while away) are each read for their own
 * node, and two editors deleting one node each keep theirs: under one key per node (as pages before
 * 2026-12-06 wrote it, still read) the map kept one of the two, and the lost one could be the only one saying
 * which block its editor deleted (its ROOT: three list changes each lost "ghi" so, README #13).
 */
export const SEEN = 'tandem:seen';

const nodeKey = (id: Y.ID) => `${id.client}:${id.clock}`;
/** A SEEN key: the node and the editor that deleted it. */
const seenKey = (node: Y.ID, writer: number) => `${nodeKey(node)}/${writer}`;
/** The node a SEEN key is for (a key without a writer is a page's from before per-writer keys). */
const nodeOfSeenKey = (key: string) => {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
};

/**
 * Records, in `transaction` (a local edit of the editor's), what this page had seen of the characters of
 * every text node it deletes: their authors' editors then know which of their characters went unseen.
 * Costs nothing unless the transaction deletes a text node.
 */
export function noteWhatWasSeen(transaction: Y.Transaction): void {
  const nodes: Array<[Y.ID, Record<string, number | string>]> = [];
  Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentType) || !(struct.content.type instanceof Y.XmlText)) return;
    const seen: Record<string, number | string> = {};
    for (let item = struct.content.type._start; item !== null; item = item.right) {
      if (item.content instanceof Y.ContentString) seen[String(item.id.client)] = transaction.beforeState.get(item.id.client) ?? 0;
    }
    if (Object.keys(seen).length === 0) return;
    // ROOT: the outermost block deleted with the node (a list item, the list Tab had made inside one).
    let root: Y.Item = struct;
    while (root.parent instanceof Y.XmlElement && root.parent._item !== null && Y.isDeleted(transaction.deleteSet, root.parent._item.id)) root = root.parent._item;
    if (root !== struct) seen[ROOT] = nodeKey(root.id);
    nodes.push([struct.id, seen]);
  });
  writeSeen(transaction, nodes);
}

/**
 * Writes the notes of `nodes` in SEEN: under this editor's key, and under the node's alone, which pages from
 * before per-writer keys read (open tabs outlive a deploy; not finding it, such a page took every letter of
 * the node for unseen and typed its person's again: lines twice, found by a review). Read both ways, the two
 * are one note.
 */
function writeSeen(transaction: Y.Transaction, nodes: ReadonlyArray<[Y.ID, Record<string, number | string>]>): void {
  if (nodes.length === 0) return;
  const map = transaction.doc.getMap(SEEN);
  for (const [id, seen] of nodes) {
    map.set(seenKey(id, transaction.doc.clientID), seen);
    map.set(nodeKey(id), seen);
  }
}

/** In a SEEN entry: "<client>:<clock>" of the outermost block its editor deleted with the node (not a client id). */
const ROOT = 'r';

/** What the editor that deleted `node` in `transaction` had seen of each client, if it said (SEEN). */
function seenIn(transaction: Y.Transaction, node: Y.XmlText): ((client: number) => number) | undefined {
  const map = transaction.doc.share.get(SEEN);
  if (map === undefined) return undefined;
  const entry = entryIn(transaction, map, node);
  if (entry === undefined) return deletedUnknown(transaction, map, node) || insideRootSaidOf(transaction, node) || madeAfterSeen(transaction, node) ? () => 0 : undefined;
  // A client the entry does not name had no character in the node as the joiner saw it: none seen.
  return (client) => (typeof entry[String(client)] === 'number' ? (entry[String(client)] as number) : 0);
}

/**
 * The text nodes (keys of SEEN) whose deletion other editors said, in `transaction`, what they had seen of,
 * each with those editors' client ids (several when their changes arrive in one update).
 */
function nodesSaidDeleted(transaction: Y.Transaction): Map<string, Set<number>> {
  const said = new Map<string, Set<number>>();
  const map = transaction.doc.share.get(SEEN);
  if (map === undefined || transaction.local || !transaction.changed.has(map)) return said;
  forEachNewItem(transaction, (item) => {
    if (item.parent !== map || item.parentSub === null) return;
    const node = nodeOfSeenKey(item.parentSub);
    const writers = said.get(node) ?? new Set<number>();
    writers.add(item.id.client);
    said.set(node, writers);
  });
  return said;
}

/** Transaction meta: the SEEN entries written in it, by node (entriesByNode). */
const BY_NODE = Symbol('tandem:seen-by-node');

/** The SEEN entries written in `transaction` (with the deletions: in this transaction), by the node each is for. */
function entriesByNode(transaction: Y.Transaction, map: Y.AbstractType<any>): Map<string, Array<Record<string, unknown>>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- the root map, as Yjs types a share
  const cached = transaction.meta.get(BY_NODE) as Map<string, Array<Record<string, unknown>>> | undefined;
  if (cached !== undefined) return cached;
  const byNode = new Map<string, Array<Record<string, unknown>>>();
  transaction.meta.set(BY_NODE, byNode);
  if (!transaction.changed.has(map)) return byNode;
  forEachNewItem(transaction, (item) => {
    if (item.parent !== map || item.parentSub === null || item.deleted || !(item.content instanceof Y.ContentAny)) return;
    const entry: unknown = item.content.getContent()[0];
    if (typeof entry !== 'object' || entry === null) return;
    const node = nodeOfSeenKey(item.parentSub);
    byNode.set(node, [...(byNode.get(node) ?? []), entry as Record<string, unknown>]);
  });
  return byNode;
}

/**
 * What the SEEN entries written in `transaction` for `node` say, if any: with several (editors that each
 * deleted it, their changes arriving together), a character counts as seen if one of them had it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the root map, as Yjs types a share
function entryIn(transaction: Y.Transaction, map: Y.AbstractType<any>, node: Y.XmlText): Record<string, unknown> | undefined {
  const entries = node._item === null ? undefined : entriesByNode(transaction, map).get(nodeKey(node._item.id));
  if (entries === undefined || entries.length === 0) return undefined;
  if (entries.length === 1) return entries[0];
  const merged: Record<string, unknown> = {};
  for (const entry of entries) {
    for (const [client, clock] of Object.entries(entry)) {
      if (typeof clock === 'number' && !(typeof merged[client] === 'number' && (merged[client] as number) >= clock)) merged[client] = clock;
    }
  }
  return merged;
}

/**
 * Whether `node` was deleted with a block the deleter knew without knowing the node: it stood in the
 * container (a list item, a quote) of a text node the deleter's editor said, in the same transaction, it
 * had seen and deleted (SEEN; it says so of every text node it deletes), and of this one it said nothing.
 * Two people pressing Tab at once on neighbouring list items: Alice's Tab deletes item "two" (a copy goes
 * into the list inside "one"), and with it the list Bob's Tab had just put inside "two", holding the copy
 * of "three". When Bob's change was stored and acknowledged before Alice's reached him, "three" counted as
 * seen and was lost for everyone. Only that container, not the blocks around it: one update may also hold
 * a deletion that says nothing (a restore), of a list holding that item and other text.
 */
function deletedUnknown(transaction: Y.Transaction, map: Y.AbstractType<any>, node: Y.XmlText): boolean { // eslint-disable-line @typescript-eslint/no-explicit-any -- the root map, as Yjs types a share
  const deletedHere = (type: unknown): type is Y.XmlElement => type instanceof Y.XmlElement && type._item !== null && Y.isDeleted(transaction.deleteSet, type._item.id);
  // Up from the node's block, through containers deleted here: one whose own text block (a list item's
  // paragraph), deleted here too, holds a text node said of.
  let inside: unknown = node.parent;
  if (!deletedHere(inside)) return false;
  for (let container: unknown = inside.parent; deletedHere(container); container = container.parent) {
    for (let item = container._start; item !== null; item = item.right) {
      if (!(item.content instanceof Y.ContentType) || !Y.isDeleted(transaction.deleteSet, item.id)) continue;
      const block = item.content.type;
      if (block === inside || !(block instanceof Y.XmlElement)) continue;
      for (let child = block._start; child !== null; child = child.right) {
        if (child.content instanceof Y.ContentType && child.content.type instanceof Y.XmlText && child.content.type !== node && entryIn(transaction, map, child.content.type) !== undefined) return true;
      }
    }
    inside = container;
  }
  return false;
}

/** Transaction meta: the SEEN entries written in it (seenEntries). */
const ENTRIES = Symbol('tandem:seen-entries');

/** The SEEN entries `transaction` (from elsewhere) wrote, each what its editor had seen of each client. */
function seenEntries(transaction: Y.Transaction): ReadonlyArray<Record<string, unknown>> {
  const cached = transaction.meta.get(ENTRIES) as Array<Record<string, unknown>> | undefined;
  if (cached !== undefined) return cached;
  const entries: Array<Record<string, unknown>> = [];
  transaction.meta.set(ENTRIES, entries);
  const map = transaction.doc.share.get(SEEN);
  if (map === undefined || transaction.local || !transaction.changed.has(map)) return entries;
  forEachNewItem(transaction, (item) => {
    if (item.parent !== map || item.deleted || !(item.content instanceof Y.ContentAny)) return;
    const entry: unknown = item.content.getContent()[0];
    if (typeof entry === 'object' && entry !== null) entries.push(entry as Record<string, unknown>);
  });
  return entries;
}

/**
 * Whether `node` stood in a block that an editor said, in `transaction`, it deleted (the ROOT of a SEEN
 * entry: it deleted the block knowing the text node the entry is for), without saying anything of `node`:
 * that editor had not seen it there. Alice outdents item "two" (her editor deletes the list inside "one"
 * that held it, and puts a copy of it after "one") while Bob, unseen, indents "three" into that list: "three"
 * was lost for everyone. A deletion that says nothing (a restore) in the same update names no block.
 */
function insideRootSaidOf(transaction: Y.Transaction, node: Y.XmlText): boolean {
  const roots = new Set<string>();
  for (const entry of seenEntries(transaction)) if (typeof entry[ROOT] === 'string') roots.add(entry[ROOT]);
  if (roots.size === 0) return false;
  for (let block: unknown = node.parent; block instanceof Y.XmlElement && block._item !== null; block = block.parent) {
    if (roots.has(nodeKey(block._item.id))) return true;
  }
  return false;
}

/**
 * Whether `node` was made after what the editor whose change deleted it had seen of its author: the SEEN
 * entries written with the deletion say how far that editor had seen each client, and one names the node's
 * author only up to before the node (and none beyond it). That editor cannot have meant to delete a node it
 * never saw: it went with a block the editor deleted (a list item it indented, outdented or split) that
 * this page had put the node into meanwhile. Alice empties item "two" and Backspace joins it to "one" (her
 * editor writes "one" again into the item of "two", the item of "one" deleted) while Bob, offline, presses
 * Tab on "two" (item "two" deleted, a copy of it put inside "one"): "one" was lost for everyone.
 */
function madeAfterSeen(transaction: Y.Transaction, node: Y.XmlText): boolean {
  if (node._item === null) return false;
  const { client, clock } = node._item.id;
  // Both deleters of one node write its entry (Alice's join deleted the emptied item's text node too), and
  // (pages from before per-writer keys) one entry overwrote the other: what the moves noted with the deletion had seen says as much.
  const said = [...seenEntries(transaction).map((entry) => entry[String(client)]), ...notedMovesIn(transaction).map((move) => move.seen(client) || undefined)];
  let unseen = false;
  for (const seen of said) {
    if (typeof seen !== 'number') continue;
    if (seen > clock) return false;
    unseen = true;
  }
  return unseen;
}

/** The origin of the edits that put characters back: not the editor's, so not an undo step of this person's. */
export const RESCUE_ORIGIN = Symbol('tandem:join-rescue');

/** Whose characters this page may type again, and what of them the server had acknowledged storing. */
export interface Ownership {
  /** Whether a Yjs client id is this person's (this page's, or an earlier page's of this browser whose copy this page loaded). */
  readonly own: (client: number) => boolean;
  /** The earlier pages' ids among them, as `own` counts them now (none: this page's alone). */
  readonly earlier?: () => ReadonlySet<number>;
  /** The clock of `client` up to which the server acknowledged storing its content for this page. */
  readonly stored: (client: number) => number;
  /** How far the server stored this page's changes; without it, others' moves are not searched for this page's deletions. */
  readonly changes?: ChangeCount;
}

/** Characters to type again: `text` with `attributes` (marks) at `at`. */
export interface LostText {
  readonly text: string;
  readonly attributes: Record<string, unknown>;
  readonly at: Y.RelativePosition;
  /** The characters these are typed again for. */
  readonly from: readonly Y.ID[];
}

/**
 * Characters to keep in a new paragraph of their own: their text node was deleted whole (a paragraph, a
 * list item, a selection across paragraphs) and none of its text moved anywhere. The paragraph goes at `at`,
 * a place among the blocks of the container that held the deleted block, wrapped as that container needs
 * (a list item in a list).
 */
export interface LostBlock {
  readonly at: Y.RelativePosition;
  readonly runs: ReadonlyArray<Omit<LostText, 'at'>>;
  /** The deleted block's place among all its container's children, deleted ones included (orders blocks that go to one place). */
  readonly order: number;
  /** The deleted block was a list (inside a list item): the paragraph goes in a list of that kind, as an item of it. */
  readonly list?: { readonly name: string; readonly attributes: Record<string, unknown> };
}

/** What to type again: in the moved text, or in a block of its own. */
export type Lost = LostText | LostBlock;

interface Char {
  readonly ch: string;
  readonly client: number;
  readonly clock: number;
  readonly attributes: Record<string, unknown>;
}

/**
 * What `transaction` (from elsewhere) deleted of this person's text only because it moved the rest of the
 * text node holding it, with where to type each run again.
 * Must run before the transaction's cleanup (an 'afterTransaction' handler): deleted content is
 * garbage-collected right after.
 */
export function lostInJoins(transaction: Y.Transaction, { own, stored }: Ownership): Lost[] {
  if (transaction.local) return [];
  const ds = transaction.deleteSet;
  let mine = false;
  for (const client of ds.clients.keys()) if (own(client)) mine = true;
  if (!mine) return [];
  // Text nodes deleted in this transaction that held characters of this person's deleted with them.
  // Only what this page showed before the transaction: loading a document (this browser's copy, or the
  // server's whole state) inserts and deletes in one transaction what was joined long ago.
  const shownBefore = (item: Y.Item) => item.id.clock < (transaction.beforeState.get(item.id.client) ?? 0);
  const nodes = new Set<Y.XmlText>();
  Y.iterateDeletedStructs(transaction, ds, (struct) => {
    if (!(struct instanceof Y.Item) || !own(struct.id.client) || !(struct.content instanceof Y.ContentString) || !shownBefore(struct)) return;
    const parent = struct.parent;
    if (parent instanceof Y.XmlText && parent._item !== null && shownBefore(parent._item) && Y.isDeleted(ds, parent._item.id)) nodes.add(parent);
  });
  if (nodes.size === 0) return [];
  const moved = movedTexts(transaction);
  const lost: Lost[] = [];
  for (const node of nodes) lost.push(...lostIn(node, transaction, { own, stored }, seenIn(transaction, node), moved));
  // Blocks going to one place go in the order they stood in.
  return lost.sort((a, b) => ('runs' in a && 'runs' in b ? a.order - b.order : 0));
}

/**
 * Where text moved to, as a text node that is still there shows it: y-prosemirror appends the moved text
 * (`moved` is the node's text from `index` on) or prepends it (`moved` is its text up to `index` plus the
 * run's length; `index` is then 0 in effect). The inserted run may be shorter than what moved: the diff
 * keeps the node's old characters that happen to equal the moved text's last (or first) ones.
 */
export interface MovedText {
  readonly node: Y.XmlText;
  readonly moved: string;
  /** Index in `node` of the moved text's first character. */
  readonly index: number;
  readonly appended: boolean;
  /** `moved` is a run the moved text may lie anywhere within. */
  readonly within: boolean;
}

export function movedTexts(transaction: Y.Transaction): MovedText[] {
  const found: MovedText[] = [];
  const isNew = (item: Y.Item) => madeIn(transaction, item.id);
  for (const type of nodesWritten(transaction)) {
    // The visible text, and the runs this transaction inserted into it.
    let text = '';
    const runs: Array<{ index: number; length: number }> = [];
    let last: { index: number; length: number } | undefined;
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      if (isNew(item)) {
        if (last !== undefined && last.index + last.length === text.length) last.length += item.length;
        else runs.push((last = { index: text.length, length: item.length }));
      }
      text += item.content instanceof Y.ContentString ? item.content.str : '\uFFFC'.repeat(item.length);
    }
    for (const run of runs) {
      found.push({ node: type, moved: text.slice(run.index), index: run.index, appended: true, within: false });
      found.push({ node: type, moved: text.slice(0, run.index + run.length), index: 0, appended: false, within: false });
      // The run alone: the joiner typed beside the moved text in the same update (a space at the join).
      found.push({ node: type, moved: text.slice(run.index, run.index + run.length), index: run.index, appended: false, within: true });
    }
  }
  return found;
}


function lostIn(
  node: Y.XmlText,
  transaction: Y.Transaction,
  { own, stored }: Ownership,
  seenByJoiner: ((client: number) => number) | undefined,
  moved: readonly MovedText[],
): Lost[] {
  const chars: Char[] = shownCharacters(node, transaction).map(({ ch, id, attributes }) => ({ ch, client: id.client, clock: id.clock, attributes }));
  // The joiner's editor said what it had seen (SEEN): what is beyond it went unseen. Otherwise (another
  // client: a program, the server's restore), only what nobody can have seen: this person's characters
  // beyond what the server had acknowledged storing.
  const unseen =
    seenByJoiner !== undefined ? (c: Char) => own(c.client) && c.clock >= seenByJoiner(c.client) : (c: Char) => own(c.client) && c.clock >= stored(c.client);
  if (!chars.some(unseen)) return [];
  const seen = chars.filter((c) => !unseen(c)).map((c) => c.ch).join('');
  // The text after a line break, deleted with the break from a line that stays: deleting across the break
  // writes what is left of it into the text before the break, in the same line (found there however short).
  // (Not so for a paragraph: there, a few characters at the end of the one before can as well be typed in the
  // same update, a full stop, as be the rest of the deleted one.)
  const line = node.parent instanceof Y.XmlElement && node.parent._item !== null && !node.parent._item.deleted ? node.parent : undefined;
  const inLine = seen.length === 0 || line === undefined ? undefined : findMovedInLine(seen, moved, line);
  if (inLine !== undefined) return typedAgainAt(chars, unseen, inLine);
  const match = seen.length === 0 ? undefined : findMoved(seen, besideFirst(node, moved));
  if (match !== undefined) return typedAgainAt(chars, unseen, match);
  // The mover's editor noted which of its characters went where (a deletion across a paragraph break, the rest
  // of the second paragraph appended to the first, however short): beside those copies.
  const byCopies = typedAgainByCopies(chars, unseen, transaction);
  if (byCopies !== undefined) return byCopies;
  // Nothing of it moved, and its line stays (the break and all after it deleted): where it stood in the line.
  if (line !== undefined) return keptInLine(node, chars, unseen, transaction);
  // Nothing of it moved (deleted whole, or empty): kept in a paragraph of its own where its block was.
  const block = keptAsBlock(node, chars, unseen, transaction);
  return block === undefined ? [] : [block];
}

/** The moved text in `line` (the standing block of a deleted text node), its end or its start, however short. */
function findMovedInLine(seen: string, moved: readonly MovedText[], line: Y.XmlElement): Match | undefined {
  for (const m of moved) {
    if (m.within || m.node.parent !== line || m.moved.length === 0) continue;
    const part = partOf(seen, m);
    if (part !== undefined) return part;
  }
  return undefined;
}

/**
 * The unseen characters of `chars` (a deleted text node's), each run typed again right before the copy of the
 * first seen character after it that the moves noted in `transaction` copied, or else right after the copy of
 * the last one before it; undefined unless every run has such a place.
 */
function typedAgainByCopies(chars: readonly Char[], unseen: (c: Char) => boolean, transaction: Y.Transaction): LostText[] | undefined {
  const copies = copiesBySource(transaction);
  if (copies.size === 0) return undefined;
  /** Where the standing copy of `c` is: its text node and index there. */
  const copyOf = (c: Char): { node: Y.XmlText; index: number } | undefined => {
    for (const id of copies.get(`${c.client}:${c.clock}`) ?? []) {
      const item = standing(transaction.doc, id) ? Y.getItem(transaction.doc.store, id) : undefined;
      if (!(item instanceof Y.Item) || !(item.parent instanceof Y.XmlText)) continue;
      const index = indexIn(item.parent, id);
      if (index !== undefined) return { node: item.parent, index };
    }
    return undefined;
  };
  const lost: LostText[] = [];
  for (let start = 0; start < chars.length; ) {
    if (!unseen(chars[start]!)) {
      start += 1;
      continue;
    }
    let end = start + 1;
    while (end < chars.length && unseen(chars[end]!) && sameMarks(chars[end]!.attributes, chars[start]!.attributes)) end += 1;
    let at: Y.RelativePosition | undefined;
    for (let k = end; k < chars.length && at === undefined; k++) {
      const copy = unseen(chars[k]!) ? undefined : copyOf(chars[k]!);
      if (copy !== undefined) at = Y.createRelativePositionFromTypeIndex(copy.node, copy.index);
    }
    for (let k = start - 1; k >= 0 && at === undefined; k--) {
      const copy = unseen(chars[k]!) ? undefined : copyOf(chars[k]!);
      if (copy !== undefined) at = Y.createRelativePositionFromTypeIndex(copy.node, copy.index + 1, -1);
    }
    if (at === undefined) return undefined;
    const run = chars.slice(start, end);
    const text = run.map((c) => c.ch).join('').replace(/\uFFFC/g, '');
    if (text.length > 0) lost.push({ text, attributes: run[0]!.attributes, at, from: run.map((c) => Y.createID(c.client, c.clock)) });
    start = end;
  }
  return lost;
}

/**
 * Where a caret goes whose text `transaction` (from elsewhere) deleted with the line break before it, the
 * rest written into the text before the break (a deletion across the break, "c|d¶e|f"): at its character in
 * that rest, or before the rest when its own character was deleted. Undefined when that is not what happened
 * (the caret left for y-prosemirror, which put it at the end of the line).
 */
export function caretThroughLineJoin(transaction: Y.Transaction, pos: Y.RelativePosition): Y.RelativePosition | undefined {
  if (transaction.local) return undefined;
  const place = deletedPlace(transaction, pos);
  if (place === undefined) return undefined;
  const { node, char, atEnd } = place;
  const line = node.parent;
  if (node._item === null || !Y.isDeleted(transaction.deleteSet, node._item.id) || !(line instanceof Y.XmlElement) || line._item === null || line._item.deleted) return undefined;
  // The moved rest is what the deleter had seen of the text (its editor says, SEEN): what it had not seen
  // (typed in the meantime, on this page or another) is not in it, and is counted out.
  const seenBy = seenIn(transaction, node);
  const all = shownCharacters(node, transaction);
  const at = atEnd ? all.length : all.findIndex((c) => Y.compareIDs(c.id, char));
  if (at < 0) return undefined;
  const seen = (c: ShownCharacter) => seenBy === undefined || c.id.clock < seenBy(c.id.client);
  const chars = all.filter(seen);
  const offset = all.slice(0, at).filter(seen).length;
  const match = findMovedInLine(chars.map((c) => c.ch).join(''), movedTexts(transaction), line);
  if (match === undefined) return undefined;
  const index = match.index + Math.min(match.length, Math.max(0, offset - match.from));
  return Y.createRelativePositionFromTypeIndex(match.node, index, pos.assoc);
}

/**
 * Where `text` ended before `transaction` (from elsewhere): after its last character that was there before
 * and still is, not after what the change appended to it (the deleter typing over the selection).
 */
function endBefore(text: Y.XmlText, transaction: Y.Transaction): number {
  let index = 0;
  let end = 0;
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    index += item.length;
    if (item.id.clock < (transaction.beforeState.get(item.id.client) ?? 0)) end = index;
  }
  return end;
}

/**
 * The unseen characters of deleted text node `node`, whose line stays, where the node stood: at the end of
 * the text before it in the line, or else at the start of the text after it; nothing when neither is left.
 */
function keptInLine(node: Y.XmlText, chars: readonly Char[], unseen: (c: Char) => boolean, transaction: Y.Transaction): LostText[] {
  const text = (item: Y.Item | null) => (item !== null && !item.deleted && item.content instanceof Y.ContentType && item.content.type instanceof Y.XmlText ? item.content.type : undefined);
  let at: Y.RelativePosition | undefined;
  for (let item = node._item!.left; item !== null && at === undefined; item = item.left) {
    const before = text(item);
    if (before !== undefined) at = Y.createRelativePositionFromTypeIndex(before, endBefore(before, transaction), -1);
  }
  for (let item = node._item!.right; item !== null && at === undefined; item = item.right) {
    const after = text(item);
    if (after !== undefined) at = Y.createRelativePositionFromTypeIndex(after, 0);
  }
  if (at === undefined) return [];
  return runsOf(chars, unseen).map(({ text: run, attributes, from }) => ({ text: run, attributes, at: at!, from }));
}

/**
 * `moved`, the places in the blocks right before and after `node`'s deleted block first: a join appends
 * a paragraph's text to the one before it (or prepends the one before to it), so where two paragraphs of
 * the same text were joined at once, each one's text went beside it.
 */
function besideFirst(node: Y.XmlText, moved: readonly MovedText[]): readonly MovedText[] {
  const block = node.parent;
  if (!(block instanceof Y.XmlElement) || block._item === null || moved.length < 2) return moved;
  const aliveBeside = (from: Y.Item | null, step: (item: Y.Item) => Y.Item | null) => {
    for (let item = from; item !== null; item = step(item)) if (!item.deleted) return item;
    return null;
  };
  const before = aliveBeside(block._item.left, (item) => item.left);
  const after = aliveBeside(block._item.right, (item) => item.right);
  // Appended to the block before, or prepended to the block after: the join's own places; then anything
  // in those blocks; then the rest.
  const rank = (m: MovedText) => {
    const holder = m.node.parent instanceof Y.XmlElement ? m.node.parent._item : null;
    if (holder === null || (holder !== before && holder !== after)) return 2;
    return (holder === before && m.appended) || (holder === after && !m.appended && !m.within) ? 0 : 1;
  };
  return [0, 1, 2].flatMap((r) => moved.filter((m) => rank(m) === r));
}

/**
 * The unseen characters of deleted text node `node` as a new paragraph where its block was (see LostBlock):
 * in the container that held the deleted block, if a paragraph (or a list item holding one) may stand
 * there; otherwise (a table row or cell deleted) right after the outermost container that takes none.
 */
function keptAsBlock(node: Y.XmlText, chars: readonly Char[], unseen: (c: Char) => boolean, transaction: Y.Transaction): LostBlock | undefined {
  // The outermost deleted block holding the node, in a container still there.
  const parent = node.parent;
  if (!(parent instanceof Y.XmlElement) || parent._item === null || !parent._item.deleted) return undefined;
  let block: Y.XmlElement = parent;
  while (block.parent instanceof Y.XmlElement && block.parent._item !== null && block.parent._item.deleted) block = block.parent;
  let container = block.parent;
  if (!(container instanceof Y.XmlElement || container instanceof Y.XmlFragment) || (container._item !== null && container._item.deleted)) return undefined;
  // A list deleted inside a list item (the list Tab had made there, taken out by the other's Shift+Tab): the
  // paragraph goes as an item of a list of that kind, indented as it was, not as a second line of the item.
  const list = LIST_TYPES.has(block.nodeName) && container instanceof Y.XmlElement ? { name: block.nodeName, attributes: block.getAttributes() } : undefined;
  // Past containers a paragraph cannot go into as it is or as a list item: after them.
  let after = false;
  while (container instanceof Y.XmlElement && !takesParagraph(container)) {
    const outer: Y.XmlElement | Y.XmlFragment | Y.AbstractType<unknown> | null = container.parent;
    if (!(outer instanceof Y.XmlElement || outer instanceof Y.XmlFragment)) return undefined;
    block = container;
    container = outer;
    after = true;
  }
  // The block before it moved with the change that deleted it (the other's Shift+Tab took item "two" out of
  // the list Tab had put this one into, or made the whole list paragraphs): it goes right after that block's
  // copy, where it stood (as a list inside the copy's item when a list inside an item was deleted).
  const movedBefore = afterMovedBlock(transaction, node);
  if (movedBefore !== undefined) {
    const runs = runsOf(chars, unseen);
    if (runs.length === 0) return undefined;
    const { container: into, index, order, list: inList } = movedBefore;
    return { at: Y.createRelativePositionFromTypeIndex(into, index), runs, order, ...(inList !== undefined ? { list: inList } : {}) };
  }
  let index = 0;
  let order = 0;
  for (let item = container._start; item !== null && item !== block._item; item = item.right) {
    order += 1;
    if (!item.deleted && item.countable) index += item.length;
  }
  if (after) {
    index += 1;
    order += 1;
  }
  const runs = runsOf(chars, unseen);
  if (runs.length === 0) return undefined;
  return { at: Y.createRelativePositionFromTypeIndex(container, index), runs, order, ...(list !== undefined && !after ? { list } : {}) };
}

/** The unseen characters of `chars` as runs of the same marks. */
function runsOf(chars: readonly Char[], unseen: (c: Char) => boolean): Array<Omit<LostText, 'at'>> {
  const runs: Array<Omit<LostText, 'at'>> = [];
  for (const c of chars) {
    if (!unseen(c) || c.ch === '\uFFFC') continue;
    const last = runs[runs.length - 1] as { text: string; attributes: Record<string, unknown>; from: Y.ID[] } | undefined;
    if (last !== undefined && sameMarks(last.attributes, c.attributes)) {
      last.text += c.ch;
      last.from.push(Y.createID(c.client, c.clock));
    } else runs.push({ text: c.ch, attributes: c.attributes, from: [Y.createID(c.client, c.clock)] });
  }
  return runs;
}

/**
 * Where a block goes that stood right after a block `transaction` moved (a copy noted, the original deleted
 * with the block holding `node`): right after that block's copy, at the list depth it stood at — beside the
 * copy (the list made numbered), inside it as a list (the copy outdented by the other's Shift+Tab, this one
 * indented by this person's Tab), or as a list after it (the list made paragraphs: this item stays one). The
 * nearest such block before `node` or before a deleted block holding it.
 */
function afterMovedBlock(
  transaction: Y.Transaction,
  node: Y.XmlText,
): { container: Y.XmlElement | Y.XmlFragment; index: number; order: number; list?: { name: string; attributes: Record<string, unknown> } } | undefined {
  if (copiesBySource(transaction).size === 0) return undefined; // no move noted
  for (let own: Y.Item | null = node.parent instanceof Y.XmlElement ? node.parent._item : null; own !== null && own.deleted; own = own.parent instanceof Y.XmlElement ? own.parent._item : null) {
    for (let item = own.left; item !== null; item = item.left) {
      if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.XmlElement) || !Y.isDeleted(transaction.deleteSet, item.id)) continue;
      const copy = copyOfTextIn(transaction, item.content.type, true);
      if (copy === undefined) continue;
      const place = afterCopy(transaction, copy);
      if (place === undefined) return undefined;
      const { moved, container, index } = place;
      // Several blocks going to one place go in the order they stood in.
      let order = 0;
      for (let before = own.left; before !== null; before = before.left) order += 1;
      const list = own.parent instanceof Y.XmlElement && LIST_TYPES.has(own.parent.nodeName) ? { name: own.parent.nodeName, attributes: own.parent.getAttributes() } : undefined;
      const deeper = listDepth(item.content.type) - listDepth(moved);
      // A block after it moved too: it stood inside what the change took (the whole list made paragraphs,
      // as Google Docs takes a line added within the selection), and goes as the blocks around it went.
      if (deeper <= 0 || list === undefined || movedAfter(transaction, own)) return { container, index, order };
      // Lifted a level: this block keeps its own, a list of its kind inside the copy, or after it.
      if (listAllowedAt(moved, moved.length, schema.nodes[list.name]!)) return { container: moved, index: moved.length, list, order };
      return { container, index, list, order };
    }
  }
  return undefined;
}

/**
 * The block a copy `transaction` made stands for (up from the copy's text node through the blocks made with
 * it for it alone: a paragraph, its list item), its container, and the index right after it there.
 */
function afterCopy(transaction: Y.Transaction, copy: Y.ID): { moved: Y.XmlElement; container: Y.XmlElement | Y.XmlFragment; index: number } | undefined {
  const isNew = (item: Y.Item) => madeIn(transaction, item.id);
  let moved = (Y.getItem(transaction.doc.store, copy) as Y.Item).parent as Y.XmlText | Y.XmlElement;
  while (moved.parent instanceof Y.XmlElement && moved.parent._item !== null && isNew(moved.parent._item) && moved.parent.length === 1) moved = moved.parent;
  if (moved instanceof Y.XmlText) moved = moved.parent as Y.XmlElement;
  const container = moved.parent;
  if (!(moved instanceof Y.XmlElement) || moved._item === null || !(container instanceof Y.XmlElement || container instanceof Y.XmlFragment)) return undefined;
  let index = 1;
  for (let sibling = container._start; sibling !== null && sibling !== moved._item; sibling = sibling.right) if (!sibling.deleted && sibling.countable) index += sibling.length;
  return { moved, container, index };
}

/** A paragraph of this page's left standing inside a range of blocks another person's change moved. */
export interface LeftInRange {
  readonly paragraph: Y.XmlElement;
  /** Its text to type again after the copy of the block before it (what `keep` left of it). */
  readonly lost: LostBlock;
}

/**
 * Paragraphs this page made (`own`) that `transaction`, from elsewhere, left standing between blocks it moved
 * (deleted, each with a copy noted): the paragraphs around them made a list or a quote while this page split
 * one of them. The mover had not seen them (it would have taken them along, and its note does not say it had
 * seen their client that far). Each is to go right after the copy of the block before it, as Google Docs
 * takes a line added within the selection along; `keep` says which of its characters to type again there (not
 * those another handler deletes as repeats of the mover's copies).
 */
export function leftInMovedRange(transaction: Y.Transaction, own: (client: number) => boolean, keep: (id: Y.ID) => boolean): LeftInRange[] {
  if (transaction.local || copiesBySource(transaction).size === 0) return [];
  const notes = notedMovesIn(transaction);
  const moved = (item: Y.Item): item is Y.Item & { content: Y.ContentType & { type: Y.XmlElement } } =>
    item.content instanceof Y.ContentType && item.content.type instanceof Y.XmlElement && Y.isDeleted(transaction.deleteSet, item.id) && copyOfTextIn(transaction, item.content.type) !== undefined;
  const out: LeftInRange[] = [];
  // From each block the change moved, rightwards to the next one it moved (a few blocks at most are looked at:
  // what stands between two moved blocks of one change is what its mover had not seen).
  Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
    if (!(struct instanceof Y.Item) || !(struct.parent instanceof Y.XmlElement || struct.parent instanceof Y.XmlFragment)) return;
    if ((struct.parent._item !== null && struct.parent._item.deleted) || !moved(struct)) return;
    const waiting: Y.XmlElement[] = [];
    let looked = 0;
    for (let item = struct.right; item !== null && looked < LOOKED_IN_RANGE; item = item.right, looked++) {
      if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.XmlElement)) continue;
      if (moved(item)) {
        // One change's range, moved to one place: the copies of the blocks on either side stand side by side
        // (two changes that arrived together, a list made of lines above and a heading below, are not one).
        if (!sideBySide(transaction, struct.content.type, item.content.type)) return;
        for (const paragraph of waiting) {
          const lost = leftBehind(transaction, paragraph, struct.content.type, keep);
          if (lost !== undefined) out.push({ paragraph, lost });
        }
        return;
      }
      const block = item.content.type;
      const unseen = notes.every((n) => n.seen(item.id.client) <= item.id.clock);
      // A block the mover had seen and left standing: the moved blocks on either side are not one range (Alice
      // joins "def" up and "klm" up, her copies side by side, while Bob splits "gh|ij" between them: his "ij"
      // went above "gh", and with it the "klm" her page had moved after it, lost).
      if (!item.deleted && !unseen) return;
      if (!item.deleted && block.nodeName === 'paragraph' && own(item.id.client)) waiting.push(block);
    }
  });
  return out;
}

/** Whether the copies of moved blocks `before` and `after` are neighbours (the blocks they stand for: afterCopy). */
function sideBySide(transaction: Y.Transaction, before: Y.XmlElement, after: Y.XmlElement): boolean {
  const first = copyOfTextIn(transaction, before, true);
  const second = copyOfTextIn(transaction, after);
  const a = first === undefined ? undefined : afterCopy(transaction, first);
  const b = second === undefined ? undefined : afterCopy(transaction, second);
  if (a === undefined || b === undefined || a.container !== b.container) return false;
  let next = a.moved._item!.right;
  while (next !== null && next.deleted) next = next.right;
  return next === b.moved._item;
}

/** How many blocks (deleted ones included) leftInMovedRange looks at after a moved one. */
const LOOKED_IN_RANGE = 256;

/** The text of `paragraph` (what `keep` keeps) as a block to type again right after the copy of `before`. */
function leftBehind(transaction: Y.Transaction, paragraph: Y.XmlElement, before: Y.XmlElement, keep: (id: Y.ID) => boolean): LostBlock | undefined {
  const text = paragraph.length === 1 ? paragraph.get(0) : undefined;
  if (!(text instanceof Y.XmlText)) return undefined;
  const copy = copyOfTextIn(transaction, before, true);
  const place = copy === undefined ? undefined : afterCopy(transaction, copy);
  if (place === undefined) return undefined;
  const chars: Char[] = [];
  const attributes: Record<string, unknown> = {};
  for (let item = text._start; item !== null; item = item.right) {
    if (item.content instanceof Y.ContentFormat) {
      if (item.deleted) continue;
      if (item.content.value === null) delete attributes[item.content.key];
      else attributes[item.content.key] = item.content.value;
      continue;
    }
    if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
    const { str } = item.content;
    for (let i = 0; i < str.length; i++) chars.push({ ch: str[i]!, client: item.id.client, clock: item.id.clock + i, attributes: { ...attributes } });
  }
  const runs = runsOf(chars, (c) => keep(Y.createID(c.client, c.clock)));
  if (runs.length === 0) return undefined;
  return { at: Y.createRelativePositionFromTypeIndex(place.container, place.index), runs, order: 0 };
}

/** Types `left` again where each goes and deletes the paragraphs they stood in, in one change of RESCUE_ORIGIN. */
export function moveLeftInRange(doc: Y.Doc, left: readonly LeftInRange[]): Retyped[] {
  const retyped: Retyped[] = [];
  doc.transact(() => {
    for (const { paragraph, lost } of left) {
      if (paragraph._item === null || paragraph._item.deleted) continue;
      // Typed again where it goes, or left where it is (a place that takes no paragraph: a task list).
      const typed = typeAgain(doc, [lost]);
      if (typed.length === 0) continue;
      retyped.push(...typed);
      const parent = paragraph.parent;
      if (!(parent instanceof Y.XmlElement || parent instanceof Y.XmlFragment)) continue;
      let index = 0;
      for (let item = parent._start; item !== null && item !== paragraph._item; item = item.right) if (!item.deleted && item.countable) index += item.length;
      parent.delete(index, 1);
    }
  }, RESCUE_ORIGIN);
  return retyped;
}

/** Whether a block after `own` among its siblings moved with `transaction` (deleted, a copy of its text noted). */
function movedAfter(transaction: Y.Transaction, own: Y.Item): boolean {
  for (let item = own.right; item !== null; item = item.right) {
    if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.XmlElement) || !Y.isDeleted(transaction.deleteSet, item.id)) continue;
    if (copyOfTextIn(transaction, item.content.type) !== undefined) return true;
  }
  return false;
}

/** How many lists hold `block`. */
function listDepth(block: Y.XmlElement): number {
  let depth = 0;
  for (let parent = block.parent; parent instanceof Y.XmlElement; parent = parent.parent) if (LIST_TYPES.has(parent.nodeName)) depth += 1;
  return depth;
}

/**
 * A copy that moves noted in `transaction` made of a character of `block`'s first text node (at any depth),
 * followed through copies of copies made in it (Alice splits "tw|o", then makes the list numbered: "o" was
 * copied twice): one still there, else one deleted from a line that still stands (the mover emptied the line
 * after moving it). The first character's, or with `fromEnd` the last's (where the block ends: a line split
 * since is followed to its last part).
 */
function copyOfTextIn(transaction: Y.Transaction, block: Y.XmlElement, fromEnd = false): Y.ID | undefined {
  const firstText = (el: Y.XmlElement): Y.XmlText | undefined => {
    const first = el._start;
    if (first === null || !(first.content instanceof Y.ContentType)) return undefined;
    const type = first.content.type;
    return type instanceof Y.XmlText ? type : type instanceof Y.XmlElement ? firstText(type) : undefined;
  };
  const text = firstText(block);
  if (text === undefined) return undefined;
  if (copiesBySource(transaction).size === 0) return undefined;
  let emptied: Y.ID | undefined;
  const items: Y.Item[] = [];
  for (let item = text._start; item !== null; item = item.right) items.push(item);
  if (fromEnd) items.reverse();
  for (const item of items) {
    for (let j = 0; j < item.length; j++) {
      const i = fromEnd ? item.length - 1 - j : j;
      const found = copyFollowed(transaction, `${item.id.client}:${item.id.clock + i}`);
      if (found.standing !== undefined) return found.standing;
      emptied ??= found.emptied;
    }
  }
  return emptied;
}

/** Transaction meta: each character's copy as copyFollowed found it. */
const FOLLOWED = Symbol('tandem:copies-followed');

/**
 * A copy, still there, that the moves noted in `transaction` made of character `k` ("<client>:<clock>"),
 * hop by hop through copies of copies (16 at most), else one deleted from a line that still stands. Each
 * character's answer is worked out once per transaction (a note comes from any client: it may name one copy
 * for thousands of characters, and thousands of copies for that one, or loop).
 */
function copyFollowed(transaction: Y.Transaction, k: string, hops = 0): { standing?: Y.ID; emptied?: Y.ID } {
  let memo = transaction.meta.get(FOLLOWED) as Map<string, { standing?: Y.ID; emptied?: Y.ID }> | undefined;
  if (memo === undefined) transaction.meta.set(FOLLOWED, (memo = new Map()));
  const known = memo.get(k);
  if (known !== undefined) return known;
  const found: { standing?: Y.ID; emptied?: Y.ID } = {};
  memo.set(k, found); // while worked out: a loop finds nothing more
  if (hops >= 16) return found;
  const { doc } = transaction;
  const copies = copiesBySource(transaction).get(k) ?? [];
  for (const copy of copies) {
    if (standing(doc, copy)) {
      found.standing = copy;
      return found;
    }
    found.emptied ??= inStandingLine(doc, copy) ? copy : undefined;
  }
  for (const copy of copies) {
    const further = copyFollowed(transaction, `${copy.client}:${copy.clock}`, hops + 1);
    if (further.standing !== undefined) {
      found.standing = further.standing;
      return found;
    }
    found.emptied ??= further.emptied;
  }
  return found;
}

/** Whether character `id` (deleted or not) is in `doc`, in a text node whose block stands. */
function inStandingLine(doc: Y.Doc, id: Y.ID): boolean {
  if (id.clock >= Y.getState(doc.store, id.client)) return false;
  const item = Y.getItem(doc.store, id);
  const line = item instanceof Y.Item ? item.parent : null;
  return line instanceof Y.XmlText && line._item !== null && !line._item.deleted && line.parent instanceof Y.XmlElement && line.parent._item?.deleted === false;
}

/** A character a text node showed before a transaction, with its marks and whether it is still there. */
export interface ShownCharacter {
  readonly ch: string;
  readonly id: Y.ID;
  readonly attributes: Record<string, unknown>;
  readonly deleted: boolean;
}

/** The characters `node` showed before `transaction` (a placeholder for each non-text one), with their marks. */
export function shownCharacters(node: Y.XmlText, transaction: Y.Transaction): ShownCharacter[] {
  const ds = transaction.deleteSet;
  const chars: ShownCharacter[] = [];
  const attributes = new Map<string, unknown>();
  for (let item = node._start; item !== null; item = item.right) {
    // Gone before, or arrived with this transaction: not shown.
    if ((item.deleted && !Y.isDeleted(ds, item.id)) || item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)) continue;
    if (item.content instanceof Y.ContentFormat) {
      const { key, value } = item.content;
      if (value === null) attributes.delete(key);
      else attributes.set(key, value);
    } else if (item.countable) {
      const text = item.content instanceof Y.ContentString ? item.content.str : '\uFFFC'.repeat(item.length);
      const marks = Object.fromEntries(attributes);
      for (let i = 0; i < text.length; i++) chars.push({ ch: text[i]!, id: Y.createID(item.id.client, item.id.clock + i), attributes: marks, deleted: item.deleted });
    }
  }
  return chars;
}

export interface Match {
  readonly node: Y.XmlText;
  /** Index in `node` of the seen text's character `from`. */
  readonly index: number;
  /** The first character of the seen text that moved, and how many did. */
  readonly from: number;
  readonly length: number;
}

/** The fewest characters of a paragraph's text found at another's end (or start) taken for a part of it that moved. */
const PART_AT_LEAST = 4;

/** Where the seen text went: all of it (preferred) or, the rest deleted by the joiner, its end or start. */
export function findMoved(seen: string, moved: readonly MovedText[]): Match | undefined {
  for (const m of moved) {
    if (m.within) {
      const at = m.moved.indexOf(seen);
      if (at >= 0) return { node: m.node, index: m.index + at, from: 0, length: seen.length };
    } else if (m.moved === seen) return { node: m.node, index: m.index, from: 0, length: seen.length };
  }
  for (const m of moved) {
    // A part of a few characters is as likely a coincidence (a full stop typed elsewhere in the same update).
    if (m.within || m.moved.length < PART_AT_LEAST) continue;
    const part = partOf(seen, m);
    if (part !== undefined) return part;
  }
  return undefined;
}

/** Where `m` is, when it is the end of `seen` (appended) or its start (prepended): the part of `seen` that moved. */
function partOf(seen: string, m: MovedText): Match | undefined {
  if (m.appended && seen.endsWith(m.moved)) return { node: m.node, index: m.index, from: seen.length - m.moved.length, length: m.moved.length };
  if (!m.appended && seen.startsWith(m.moved)) return { node: m.node, index: m.index, from: 0, length: m.moved.length };
  return undefined;
}

/** The runs of unseen characters, each anchored where it stood among the seen ones that moved. */
function typedAgainAt(chars: readonly Char[], unseen: (c: Char) => boolean, match: Match): LostText[] {
  const lost: LostText[] = [];
  let seenBefore = 0;
  let current: { text: string; attributes: Record<string, unknown>; offset: number; from: Y.ID[] } | undefined;
  const flush = () => {
    if (current === undefined) return;
    const offset = Math.min(match.length, Math.max(0, current.offset - match.from));
    // Anchored to the moved character it goes before (or the node's end): edits meanwhile move it along.
    const at = Y.createRelativePositionFromTypeIndex(match.node, match.index + offset);
    const text = current.text.replace(/\uFFFC/g, '');
    if (text.length > 0) lost.push({ text, attributes: current.attributes, at, from: current.from });
    current = undefined;
  };
  for (const c of chars) {
    if (!unseen(c)) {
      flush();
      seenBefore += 1;
      continue;
    }
    if (current !== undefined && !sameMarks(current.attributes, c.attributes)) flush();
    current ??= { text: '', attributes: c.attributes, offset: seenBefore, from: [] };
    current.text += c.ch;
    current.from.push(Y.createID(c.client, c.clock));
  }
  flush();
  return lost;
}

export function sameMarks(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/**
 * Types `lost` again, each run with its own marks that the block it goes into allows (a code block takes
 * none: given one, y-prosemirror could not read the block and would delete it), in one transaction of
 * RESCUE_ORIGIN.
 */
export function typeAgain(doc: Y.Doc, lost: readonly Lost[]): Retyped[] {
  let retyped: Retyped[] = [];
  doc.transact((transaction) => {
    retyped = insertWithAllowedMarks(doc, lost.filter((l): l is LostText => !('runs' in l)));
    for (const block of lost) if ('runs' in block) retyped.push(...insertBlock(doc, block));
    noteCopies(transaction, retyped);
    // For the caret that stood in the characters typed again (narrow-sync.ts): it goes with them.
    transaction.meta.set(RETYPED, retyped);
  }, RESCUE_ORIGIN);
  return retyped;
}

/** `lost` without the characters `drop` names (a run, or a block, left with none goes). */
function without(lost: readonly Lost[], drop: (id: Y.ID) => boolean): Lost[] {
  const keep = <R extends Omit<LostText, 'at'>>(run: R): R | undefined => {
    if (!run.from.some(drop)) return run;
    const from = run.from.filter((id) => !drop(id));
    // `from` has an id per UTF-16 unit, as the text (an emoji is two).
    const text = run.text.split('').filter((_ch, i) => !drop(run.from[i]!)).join('');
    return from.length === 0 || text.length !== from.length ? undefined : { ...run, text, from };
  };
  const out: Lost[] = [];
  for (const l of lost) {
    if ('runs' in l) {
      const runs = l.runs.map(keep).filter((r) => r !== undefined);
      if (runs.length > 0) out.push({ ...l, runs });
    } else {
      const run = keep(l);
      if (run !== undefined) out.push(run);
    }
  }
  return out;
}

/** Transaction meta of a rescue: the Retyped[] it wrote. */
export const RETYPED = 'tandem:retyped';

/** Whether a paragraph may go into `container` as it is, or as a list item (a list). */
function takesParagraph(container: Y.XmlElement | Y.XmlFragment): boolean {
  const type = container instanceof Y.XmlElement ? schema.nodes[container.nodeName] : schema.topNodeType;
  const wrapping = type?.contentMatch.findWrapping(schema.nodes.paragraph!);
  return wrapping != null && (wrapping.length === 0 || (wrapping.length === 1 && (wrapping[0] === schema.nodes.list_item || wrapping[0] === schema.nodes.task_item)));
}

/**
 * Where `at` is in `doc` now, unless a block around it is gone: Yjs resolves a place in a deleted block to that
 * block, and text typed there is deleted as it arrives. A rescue is found in one transaction and made in a
 * microtask, after any other change that arrived in the same turn: Alice's Enter moved "efg" to a new line and
 * Carol's page found her "hijk" (joined after "g") left behind, to go after "efg"; Bob's join of that new line,
 * arriving in the same turn, deleted it, and her page typed "hijk" into it and took it out of hers: lost for
 * everyone (found by a three-page fuzz). Nothing is typed at such a place, and what would have moved stays.
 */
function placeStanding(at: Y.RelativePosition, doc: Y.Doc): Y.AbsolutePosition | undefined {
  const pos = Y.createAbsolutePositionFromRelativePosition(at, doc);
  if (pos === null) return undefined;
  for (let type: Y.AbstractType<unknown> | null = pos.type; type !== null && type._item !== null; type = type._item.parent as Y.AbstractType<unknown> | null) {
    if (type._item.deleted) return undefined;
  }
  return pos;
}

/** Inserts `block` as a paragraph (wrapped as its container needs), with its runs' marks that a paragraph allows. */
function insertBlock(doc: Y.Doc, block: LostBlock): Retyped[] {
  const pos = placeStanding(block.at, doc);
  if (pos === undefined || !(pos.type instanceof Y.XmlElement || pos.type instanceof Y.XmlFragment)) return [];
  const containerType = pos.type instanceof Y.XmlElement ? schema.nodes[pos.type.nodeName] : schema.topNodeType;
  const paragraph = schema.nodes.paragraph!;
  const listType = block.list === undefined ? undefined : schema.nodes[block.list.name];
  const inList = listType === undefined ? undefined : listType.contentMatch.findWrapping(paragraph);
  const wrapping = inList != null && listAllowedAt(pos.type, pos.index, listType!) ? [listType!, ...inList] : containerType?.contentMatch.findWrapping(paragraph);
  if (wrapping == null || !takesParagraph(pos.type)) return [];
  const text = new Y.XmlText();
  let outer: Y.XmlElement = new Y.XmlElement(paragraph.name);
  outer.insert(0, [text]);
  for (const wrapper of [...wrapping].reverse()) {
    const element: Y.XmlElement = new Y.XmlElement(wrapper.name);
    if (wrapper === listType) for (const [name, value] of Object.entries(block.list!.attributes)) element.setAttribute(name, value as string);
    element.insert(0, [outer]);
    outer = element;
  }
  // The new blocks go in the undo step of the first run (Ctrl+Z leaves no empty paragraph behind).
  let clock = Y.getState(doc.store, doc.clientID);
  pos.type.insert(pos.index, [outer]);
  const retyped: Retyped[] = [];
  let index = 0;
  for (const { text: chars, attributes, from } of block.runs) {
    const marks = marksAllowed(paragraph, attributes);
    text.insert(index, chars, marks);
    index += chars.length;
    const after = Y.getState(doc.store, doc.clientID);
    retyped.push({ from, client: doc.clientID, clock, length: after - clock });
    clock = after;
  }
  return retyped;
}

/** Whether a block of type `type` may stand at `index` among `container`'s children (after a list item's first paragraph). */
function listAllowedAt(container: Y.XmlElement | Y.XmlFragment, index: number, type: NodeType): boolean {
  let match = (container instanceof Y.XmlElement ? schema.nodes[container.nodeName] : schema.topNodeType)?.contentMatch ?? null;
  let i = 0;
  for (let item = container._start; item !== null && i < index && match !== null; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.XmlElement)) continue;
    const child = schema.nodes[item.content.type.nodeName];
    match = child === undefined ? null : match.matchType(child);
    i += 1;
  }
  return match !== null && match.matchType(type) !== null;
}

/** The mark attributes of `attributes` a block of type `block` may hold. */
function marksAllowed(block: NodeType, attributes: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => markAllowed(block, name)));
}

/** Inserts each of `lost` where it goes, with its marks that the block there allows (see typeAgain). */
export function insertWithAllowedMarks(doc: Y.Doc, lost: readonly LostText[]): Retyped[] {
  const retyped: Retyped[] = [];
  for (const { text, attributes, at, from } of lost) {
    const pos = placeStanding(at, doc);
    if (pos === undefined || !(pos.type instanceof Y.XmlText)) continue;
    const block = pos.type.parent instanceof Y.XmlElement ? schema.nodes[pos.type.parent.nodeName] : undefined;
    if (block === undefined) continue;
    const marks = marksAllowed(block, attributes);
    // Given marks, insert() sets exactly these (any other mark of the neighbours' is ended for it).
    const clock = Y.getState(doc.store, doc.clientID);
    pos.type.insert(pos.index, text, marks);
    retyped.push({ from, client: doc.clientID, clock, length: Y.getState(doc.store, doc.clientID) - clock });
  }
  return retyped;
}

/**
 * Watches `doc` for joins from elsewhere that take this person's text with them, and types it again at
 * once. Returns a function that stops watching.
 */
export function keepTextThroughJoins(doc: Y.Doc, ownership: Ownership, onRetyped: (retyped: Retyped[]) => void = () => {}): () => void {
  // What this page moved, to tell the words another person's move at the same time repeats (double-move.ts).
  const ownMoves = new OwnMoves(doc, ownership.stored, ownership.earlier);
  // What this page deleted, to tell it from a copy another person's move made of it meanwhile (deleted-in-moves.ts).
  const ownDeletions = ownership.changes === undefined ? undefined : new OwnDeletions(doc, ownership.changes, (id) => ownership.own(id.client) && id.clock >= ownership.stored(id.client));
  // And what it formatted, to make it again on such a copy (formats-in-moves.ts).
  const ownFormats = ownership.changes === undefined ? undefined : new OwnFormats(ownership.changes);
  // Text this page and another both typed again (rescued-twice.ts).
  const rescuedTwice = new RescuedTwice(doc, RESCUE_ORIGIN);
  const onTransaction = (transaction: Y.Transaction) => {
    if (transaction.local && transaction.origin === ySyncPluginKey) {
      const moved = movesOf(transaction); // found once for both
      const all = ownMoves.record(transaction, moved);
      ownDeletions?.record(transaction, all, (id) => ownMoves.sourceOf(id)); // a Markdown shortcut's move too: not deleted text
      ownFormats?.record(transaction);
    }
    const copiedBack = ownDeletions === undefined ? [] : [...ownDeletions.copiedBack(transaction), ...ownDeletions.copiedBackNoted(transaction)];
    if (copiedBack.length > 0) queueMicrotask(() => deleteCopiedBack(doc, copiedBack, RESCUE_ORIGIN, (node, author) => dropIfEmptied(doc, node, undefined, author)));
    const formatsLost = ownFormats === undefined ? [] : [...ownFormats.lostIn(transaction), ...ownFormats.lostInNoted(transaction)];
    if (formatsLost.length > 0) queueMicrotask(() => applyFormatsAgain(doc, formatsLost, RESCUE_ORIGIN));
    // And a block's attributes (a task's tick) on the copy of a block someone moved (attrs-in-moves.ts).
    const attributesLost = attributesLostIn(transaction, ownership.own);
    if (attributesLost.length > 0) queueMicrotask(() => writeAttributesAgain(doc, attributesLost, RESCUE_ORIGIN));
    // A split of this page's whose repeats go is made again in the other's copy (split-again.ts).
    const again: SplitAgain[] = [];
    const repeats = [...ownMoves.repeats(transaction), ...ownMoves.repeatsOfNodes(transaction, nodesSaidDeleted(transaction)), ...ownMoves.repeatsOfNoted(transaction, again), ...rescuedTwice.twice(transaction)];
    const copiedAlso = ownMoves.copiedAlsoBy(transaction);
    // A paragraph this page made inside a range the other's change moved (made a list, a quote) goes along.
    const repeated = new Set(repeats.map(({ id }) => `${id.client}:${id.clock}`));
    const left = leftInMovedRange(transaction, ownership.own, (id) => !repeated.has(`${id.client}:${id.clock}`) && !copiedAlso(id));
    const lost = without(lostInJoins(transaction, ownership), copiedAlso);
    // Enter pressed earlier in the paragraph moves the rest of it and leaves unseen characters behind (split-rescue.ts).
    const stranded = strandedByMoves(transaction, ownership);
    // The copies this change noted, for telling whether the other page types the same text again too.
    if (lost.length > 0 && !transaction.local) rescuedTwice.learn(transaction);
    // After this transaction's cleanup (a transaction started in its handlers would run inside it). What was
    // lost is typed again first: taking out repeats drops the blocks it empties, and a list it emptied was
    // where a lost line went (Alice joined "abc" to "def" while Bob lifted "def" out of the list: her page
    // took out her copy of the list's last item, which Bob had moved too, with the list, then typed "abc"
    // into the list gone; lost for everyone).
    if (lost.length > 0) queueMicrotask(() => onRetyped(typeAgain(doc, lost)));
    if (repeats.length > 0)
      queueMicrotask(() => {
        deleteRepeats(doc, repeats, RESCUE_ORIGIN);
        splitAgain(doc, again);
      });
    if (left.length > 0) queueMicrotask(() => onRetyped(moveLeftInRange(doc, left)));
    if (stranded.length > 0) queueMicrotask(() => onRetyped(moveStranded(doc, stranded)));
  };
  doc.on('afterTransaction', onTransaction);
  // A list item a change left without its first line gets an empty one before it renders (item-first-line.ts).
  const unwatchItems = keepItemsWhole(doc);
  return () => {
    doc.off('afterTransaction', onTransaction);
    unwatchItems();
  };
}

const REMEMBERED_CLIENTS = 32;

/**
 * The document was renamed from `from` to `to` with this page open: the ids used for it here go along
 * (`dropFrom`: and are forgotten under `from`, whose copy was brought in and dropped).
 */
export function carryClients(from: string, to: string, dropFrom = false): void {
  try {
    const ids = [...new Set([...rememberedClients(to), ...rememberedClients(from)])].slice(-REMEMBERED_CLIENTS);
    localStorage.setItem(`tandem:clients:${to}`, JSON.stringify(ids));
    if (dropFrom) localStorage.removeItem(`tandem:clients:${from}`);
  } catch {
    // no storage here: nothing was remembered either
  }
}

/**
 * This page writes under `to` (an earlier page's id it took back, reused-client.ts) instead of its own `from`,
 * which it never wrote under: `to` goes last among the ids remembered, `from` is forgotten (else every page
 * load would still push one id out of the list, and with it an id that could be taken back).
 */
export function rememberInstead(docName: string, from: number, to: number): void {
  try {
    const ids = rememberedClients(docName).filter((id) => id !== from && id !== to);
    localStorage.setItem(`tandem:clients:${docName}`, JSON.stringify([...ids, to].slice(-REMEMBERED_CLIENTS)));
  } catch {
    // no storage here: nothing was remembered either
  }
}

/** The Yjs client ids this browser used for `docName` (the earlier pages' and this one's). */
export function rememberedClients(docName: string): number[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(`tandem:clients:${docName}`) ?? '[]');
    return Array.isArray(stored) ? stored.filter((n): n is number => Number.isSafeInteger(n)) : [];
  } catch {
    return [];
  }
}

/**
 * Whether a Yjs client id is this person's in this browser: this page's, or that of an earlier page of this
 * document here that is closed now (this browser's copy may hold text of theirs the server has not got
 * yet). Earlier ids count in one tab of the document at a time (the first to open holds a Web Lock), and
 * only once their page is gone (each page holds a lock named for its id while open): a page still open
 * types its own text again, and two tabs never both do. `ready` settles once that is known (connect after it:
 * a change from the server handled before it would find no earlier id this page's).
 */
export function ownClients(docName: string, doc: Y.Doc): { own: (client: number) => boolean; earlier: () => ReadonlySet<number>; ready: Promise<void> } {
  const read = () => new Set(rememberedClients(docName));
  try {
    localStorage.setItem(`tandem:clients:${docName}`, JSON.stringify([...read(), doc.clientID].slice(-REMEMBERED_CLIENTS)));
  } catch {
    // no storage here: this page's own id is all there is (and no browser copy holds earlier text)
  }
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  // Held while the page is open, and let go as it closes (pagehide), not when the browser gets round to
  // destroying it: a page of this document opened right after (a reload) must see this id as closed.
  const hold = () => void locks?.request(clientLock(doc.clientID), untilPageHide);
  if (locks !== undefined) {
    hold();
    addEventListener('pageshow', (event) => {
      if (event.persisted) hold(); // back from the back-forward cache
    });
  }
  /** Earlier ids whose pages are closed, as last checked (only the steward checks). */
  let closed = new Set<number>();
  const check = async () => {
    const { held = [] } = await locks!.query();
    const open = new Set(held.map((lock) => lock.name ?? '').filter((name) => name.startsWith(CLIENT_LOCK)).map((name) => Number(name.slice(CLIENT_LOCK.length))));
    closed = new Set([...read()].filter((id) => id !== doc.clientID && !open.has(id)));
  };
  const steward = async (checked: () => void = () => {}) => {
    await check().finally(checked);
    setInterval(() => void check(), 2_000);
    return new Promise<void>(() => {}); // held for the page's life
  };
  // Ready once this page knows which ids are its own: as the steward, after the first check; when another
  // tab is the steward, at once (this page's id only; it becomes the steward when that tab closes).
  const ready = new Promise<void>((resolve) => {
    if (locks === undefined) return resolve();
    void locks
      .request(`tandem:steward:${docName}`, { ifAvailable: true }, async (lock) => {
        if (lock !== null) return steward(resolve);
        resolve();
        void locks.request(`tandem:steward:${docName}`, () => steward());
      })
      .catch(() => resolve());
  });
  return { own: (client) => client === doc.clientID || closed.has(client), earlier: () => closed, ready };
}

/**
 * Has `undoManager`'s undos and redos say what they had seen of the text in each block they delete, as an
 * edit's deletion does (noteWhatWasSeen): Bob's Ctrl+Z of his Enter took his line out while Alice's Ctrl+Y
 * was bringing her words back into it, and with nothing said, her page, its change already stored, took them
 * for seen and let them go (found by a helper's review). Written in the undo's own transaction, as its
 * deletion filter is asked for each item it deletes.
 */
export function noteWhatUndosSaw(undoManager: Y.UndoManager): void {
  const filter = undoManager.deleteFilter;
  undoManager.deleteFilter = (item) => {
    const deletes = filter(item);
    const transaction = undoManager.doc._transaction;
    if (deletes && transaction !== null && !item.deleted && item.content instanceof Y.ContentType) noteSeenIn(transaction, item);
    return deletes;
  };
}

/** Records in SEEN what this page holds of the characters of each text node in `block`, about to be deleted. */
function noteSeenIn(transaction: Y.Transaction, block: Y.Item): void {
  const nodes: Array<[Y.ID, Record<string, number | string>]> = [];
  const visit = (item: Y.Item) => {
    if (!(item.content instanceof Y.ContentType)) return;
    const type = item.content.type;
    if (type instanceof Y.XmlText) {
      const seen: Record<string, number | string> = {};
      for (let c = type._start; c !== null; c = c.right) {
        if (c.content instanceof Y.ContentString) seen[String(c.id.client)] = transaction.beforeState.get(c.id.client) ?? 0;
      }
      if (item !== block) seen[ROOT] = nodeKey(block.id);
      nodes.push([item.id, seen]);
    } else if (type instanceof Y.XmlElement) {
      for (let c = type._start; c !== null; c = c.right) if (!c.deleted) visit(c);
    }
  };
  visit(block);
  writeSeen(transaction, nodes);
}
