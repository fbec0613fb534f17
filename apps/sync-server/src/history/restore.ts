// Building the edit that makes an older version the current content again, as a new change on top of
// the history (nothing in the log is removed), and the edit that takes such a restore back.

import { FRAGMENT, schema } from '@tandem/schema/schema';
import { placeComments, reanchorComments } from '@tandem/schema/comments';
import { readStoredAttrs } from '@tandem/schema/stored-attrs';
import { addMissingFirstLines } from '@tandem/schema/first-lines';
import type { Node } from 'prosemirror-model';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { rewriteText } from '@tandem/schema/rewrite-text';
import * as Y from 'yjs';
import { writeUnder } from './server-edit-client.js';

/**
 * The Yjs update that turns the content of `current` (a document's encoded state) into `target`'s, as
 * an editor's change would: what both have stays as it is (its items, so edits others make meanwhile,
 * offline ones included, land in text that is still there), only what differs is deleted and inserted.
 * A version the editor's schema cannot hold is written whole instead (every block replaced).
 */
export function restoreUpdate(current: Uint8Array, stored: Y.Doc, client?: number): Uint8Array {
  // Read from a copy, its values as the editor reads them: a version stored before the update gate judged
  // values (a heading level "abc", a span of 1e308, a link to the number 5) is not written back as it was.
  const target = new Y.Doc();
  Y.applyUpdate(target, Y.encodeStateAsUpdate(stored));
  readStoredAttrs(target.getXmlFragment(FRAGMENT), schema);
  // And a list item left starting with a list (first-lines.ts) with its line, so the version reads as the
  // editor shows it and is restored edit by edit, not written whole.
  addMissingFirstLines(target.getXmlFragment(FRAGMENT), schema);
  try {
    return restoreRead(current, target, client);
  } finally {
    target.destroy();
  }
}

function restoreRead(current: Uint8Array, target: Y.Doc, client: number | undefined): Uint8Array {
  const node = asProseMirror(target);
  if (node !== undefined) {
    const version = node;
    try {
      return editOf(current, client, (work, fragment) => updateYFragment(work, fragment, version, { mapping: new Map(), isOMark: new Map() }));
    } catch {
      // The live document holds what the schema cannot (a client wrote it): replaced whole below.
    }
  }
  return editOf(current, client, (_work, fragment) => {
    if (fragment.length > 0) fragment.delete(0, fragment.length);
    const content = target.getXmlFragment(FRAGMENT).toArray().map((n) => n.clone());
    if (content.length > 0) fragment.insert(0, content as Array<Y.XmlElement | Y.XmlText>);
  });
}

/**
 * The version as a document of the editor's schema, or undefined if it holds anything the schema
 * cannot (an element or a mark it does not know, content a node may not hold): y-prosemirror leaves
 * such content out without a word, so what it read is compared with the version, element by element
 * and character by character.
 */
function asProseMirror(target: Y.Doc): Node | undefined {
  const fragment = target.getXmlFragment(FRAGMENT);
  const inVersion = { elements: 0, chars: 0 };
  const stack: Array<Y.XmlElement | Y.XmlFragment> = [fragment];
  while (stack.length > 0) {
    for (const child of stack.pop()!.toArray()) {
      if (child instanceof Y.XmlElement) {
        if (schema.nodes[child.nodeName] === undefined) return undefined;
        inVersion.elements += 1;
        stack.push(child);
      } else if (child instanceof Y.XmlText) {
        for (const op of child.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
          if (typeof op.insert !== 'string') return undefined;
          if (Object.keys(op.attributes ?? {}).some((mark) => schema.marks[mark] === undefined)) return undefined;
          inVersion.chars += op.insert.length;
        }
      } else return undefined;
    }
  }
  let node: Node;
  try {
    // Read from a copy: y-prosemirror may delete from the Y.Doc it reads what it cannot place.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(target));
    node = yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(FRAGMENT), schema);
    copy.destroy();
    node.check();
  } catch {
    return undefined;
  }
  const read = { elements: 0, chars: 0 };
  node.descendants((n) => {
    if (n.isText) read.chars += n.text!.length;
    else read.elements += 1;
  });
  return read.elements === inVersion.elements && read.chars === inVersion.chars ? node : undefined;
}

/** The update `change` makes to the document whose state is `current`, comments kept on their text, written under `client` (see server-edit-client.ts). */
function editOf(current: Uint8Array, client: number | undefined, change: (work: Y.Doc, fragment: Y.XmlFragment) => void): Uint8Array {
  const work = new Y.Doc();
  try {
    Y.applyUpdate(work, current);
    writeUnder(work, client);
    let update: Uint8Array | undefined;
    work.on('update', (u: Uint8Array) => (update = u));
    // Comments are the conversation, not the content: a restore keeps them all, and moves each one
    // whose text the restored version still has onto that text (the copies the restore writes).
    const placed = placeComments(work);
    work.transact(() => {
      change(work, work.getXmlFragment(FRAGMENT));
      reanchorComments(work, placed);
    });
    return update ?? Y.encodeStateAsUpdate(new Y.Doc());
  } finally {
    work.destroy();
  }
}

/**
 * The Yjs update that takes back the restore stored as `restore` on top of `before` (the document
 * just before it), given the live document's state `current`: what the restore inserted is deleted,
 * what it deleted comes back, and every edit made since the restore stays, as a person's own undo
 * leaves the others' edits alone. Empty (no change) when nothing is left to take back.
 */
export function undoRestoreUpdate(before: Y.Doc, restore: Uint8Array, current: Uint8Array, client?: number): Uint8Array {
  const RESTORE = Symbol('restore');
  const wroteBefore = Y.decodeStateVector(Y.encodeStateVector(before));
  const restored = restoreRanges(restore);
  const undo = new Y.UndoManager(before.getXmlFragment(FRAGMENT), { trackedOrigins: new Set([RESTORE]), captureTimeout: 0 });
  // Where the comments were before the restore (and, for those written since, now): the text the
  // undo brings back is new copies, so each comment is moved back onto its text (see restoreUpdate).
  const wasBefore = placeComments(before);
  Y.applyUpdate(before, restore, RESTORE);
  Y.applyUpdate(before, current);
  writeUnder(before, client);
  const placed = new Map([...placeComments(before), ...wasBefore]);
  let update: Uint8Array | undefined;
  before.on('update', (u: Uint8Array) => (update = u));
  before.transact((transaction) => {
    undo.undo();
    keepTypedTextBeside(transaction, (id) => inRanges(restored, id), (id) => id.clock >= (wroteBefore.get(id.client) ?? 0) && !inRanges(restored, id));
    reanchorComments(before, placed);
  });
  undo.destroy();
  return update ?? Y.encodeStateAsUpdate(new Y.Doc());
}

/** The ids each client wrote in `update`: client → [first clock, end clock) ranges. */
function restoreRanges(update: Uint8Array): Map<number, Array<[number, number]>> {
  const ranges = new Map<number, Array<[number, number]>>();
  for (const struct of Y.decodeUpdate(update).structs) {
    const list = ranges.get(struct.id.client) ?? [];
    list.push([struct.id.clock, struct.id.clock + struct.length]);
    ranges.set(struct.id.client, list);
  }
  return ranges;
}

const inRanges = (ranges: Map<number, Array<[number, number]>>, id: Y.ID) => ranges.get(id.client)?.some(([from, to]) => id.clock >= from && id.clock < to) === true;

/**
 * Text the undo of a restore brings back goes where the restore's text was, beside what was typed there since.
 * A restore replaces a run of text: y-prosemirror deletes the old run and inserts the version's after it (Yjs
 * puts an insertion after the deleted characters at its place), so what someone typed at the start of the
 * restored text since stands between the two. The undo deletes the restored run and brings the old one back
 * where it stood, before that typing: "A-prefix " typed before the restored "Old paragraph one" came out as
 * "Brand new textA-prefix ." instead of "A-prefix Brand new text.". Each run the undo brought back
 * (`transaction`'s new characters) that has such typing (`typedSince`) between it and the restored text it
 * replaces (`restoredBy`, deleted by the undo) is written again right where the restored text was.
 */
function keepTypedTextBeside(transaction: Y.Transaction, restoredBy: (id: Y.ID) => boolean, typedSince: (id: Y.ID) => boolean): void {
  const made = (item: Y.Item) => item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
  // Deleted by this transaction (the undo). Its delete set is sorted only as it ends: searched through.
  const deletions = (transaction.deleteSet as unknown as { clients: Map<number, Array<{ clock: number; len: number }>> }).clients;
  const deletedHere = (id: Y.ID) => deletions.get(id.client)?.some((r) => id.clock >= r.clock && id.clock < r.clock + r.len) === true;
  const broughtBack = (item: Y.Item) => !item.deleted && made(item) && item.content instanceof Y.ContentString;
  const nodes = new Set<Y.XmlText>();
  for (const type of transaction.changed.keys()) if (type instanceof Y.XmlText) nodes.add(type);
  for (const node of nodes) {
    // The runs brought back, last first (moving one changes no index before it).
    const runs: Array<{ first: Y.Item; last: Y.Item; items: Set<Y.Item> }> = [];
    for (let item = node._start; item !== null; item = item.right) {
      if (!broughtBack(item)) continue;
      const run = runs.at(-1);
      if (run !== undefined && run.last.right === item) {
        run.last = item;
        run.items.add(item);
      } else runs.push({ first: item, last: item, items: new Set([item]) });
    }
    for (const { last, items } of runs.reverse()) {
      // What follows the run: deleted characters and typing since, up to the restored text it replaced that
      // was still there (the undo deleted it; restored characters typed over since are passed).
      let typed = false;
      let replaced: Y.Item | undefined;
      for (let item = last.right; item !== null; item = item.right) {
        if (!item.countable) continue;
        if (item.deleted && restoredBy(item.id) && deletedHere(item.id)) {
          replaced = item;
          break;
        }
        if (item.deleted) continue;
        if (made(item) || !typedSince(item.id)) break; // more brought back, or text that was there before the restore
        typed = true;
      }
      if (!typed || replaced === undefined) continue;
      let index = 0; // shown characters before the run
      let length = 0;
      let to = 0; // shown characters before the restored text, the run's own not counted
      for (let item = node._start; item !== replaced && item !== null; item = item.right) {
        if (item.deleted || !item.countable) continue;
        if (items.has(item)) length += item.length;
        else {
          if (length === 0) index += item.length;
          to += item.length;
        }
      }
      rewriteText(node, index, length, to);
    }
  }
}
