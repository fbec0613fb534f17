// Others' formatting on a block this editor's Ctrl+Z takes back to what it was.
//
// A line made a heading, a list item indented with Tab or a line put in a list is, in y-prosemirror, a new
// block holding a copy of the line's text (the old one deleted; noted-moves.ts says which character each
// copy stands for). Someone else's bold on a word of the new block is on the copy; this editor's Ctrl+Z
// deletes the new block and brings back the old one with its own characters, as they were before the step:
// the bold was gone, for everyone (a helper's exploratory review). So right after such an undo, each
// character it brought back takes the formatting its copy had from others: what another client's format
// item made of it (set or taken off), compared with what the character has now. This editor's own formatting
// on the copy is not carried: its steps since were taken back before this one.

import * as Y from 'yjs';
import type { NodeType } from 'prosemirror-model';
import { schema } from '../schema.js';
import { markAllowed } from './allowed-marks.js';
import { MOVED, parseNote } from './noted-moves.js';

/** The origin of the formatting carried over: not an undo step of its own (a Ctrl+Y deletes it with its block). */
export const FORMATS_BACK_ORIGIN = Symbol('tandem:formats-through-block-undo');

const key = (id: Y.ID) => `${id.client}:${id.clock}`;

/** The formats on one character, each with the client whose format item set it (or took it off: value null). */
type Formats = Map<string, { readonly value: unknown; readonly by: number }>;

/** Yjs' followRedone (not exported): the item `id` became through redos, and the offset in it. */
function followRedone(store: Y.Doc['store'], id: Y.ID): { item: Y.Item | Y.GC; diff: number } {
  let next: Y.ID | null = id;
  let diff = 0;
  let item: Y.Item | Y.GC;
  do {
    if (diff > 0) next = Y.createID(next!.client, next!.clock + diff);
    item = Y.getItem(store, next!) as Y.Item | Y.GC;
    diff = next!.clock - item.id.clock;
    next = item instanceof Y.Item ? item.redone : null;
  } while (next !== null);
  return { item, diff };
}

/**
 * Each character of `text` with the formats on it, counting the items `alive` says stood (with the client of
 * the format item that last set or took off each).
 */
function formatsOf(text: Y.XmlText, alive: (item: Y.Item) => boolean): Array<{ id: Y.ID; index: number; formats: Formats }> {
  const out: Array<{ id: Y.ID; index: number; formats: Formats }> = [];
  let current: Formats = new Map();
  let index = 0;
  for (let item = text._start; item !== null; item = item.right) {
    if (!alive(item)) continue;
    if (item.content instanceof Y.ContentFormat) {
      current = new Map(current);
      current.set(item.content.key, { value: item.content.value, by: item.id.client });
    } else if (item.content instanceof Y.ContentString) {
      for (let i = 0; i < item.length; i++) out.push({ id: Y.createID(item.id.client, item.id.clock + i), index: index + i, formats: current });
    }
    if (item.countable) index += item.length; // an image or a line break counts as one, as in the text's own indexes
  }
  return out;
}

/** A character brought back: its text, and its copy's formats and block type. */
interface Wanted {
  readonly text: Y.XmlText;
  readonly formats: Formats;
  readonly block: NodeType | undefined;
}

/** The block type of the element holding `text`, as the schema knows it. */
const blockOf = (text: Y.XmlText): NodeType | undefined => (text.parent instanceof Y.XmlElement ? schema.nodes[text.parent.nodeName] : undefined);

/** The value of format `name` on a character (null: none). */
const valueOf = (formats: Formats, name: string) => formats.get(name)?.value ?? null;

/** Keeps others' formatting through `undoManager`'s undos and redos on the blocks they take back (see above). */
export function keepOthersFormatsThroughBlockUndo(doc: Y.Doc, undoManager: Y.UndoManager): void {
  doc.on('afterTransaction', (transaction: Y.Transaction) => {
    if (transaction.origin !== undoManager) return;
    if (!doc.share.has(MOVED)) return;
    const notes = doc.getMap<unknown>(MOVED);
    // The texts of the blocks this undo deleted, as they stood before it.
    const texts = new Set<Y.XmlText>();
    Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
      if (struct instanceof Y.Item && struct.content instanceof Y.ContentType && struct.content.type instanceof Y.XmlText) texts.add(struct.content.type);
    });
    if (texts.size === 0) return;
    const stoodBefore = (item: Y.Item) => !item.deleted || Y.isDeleted(transaction.deleteSet, item.id);
    // Each character brought back (its id now) → the formats others gave its copy.
    const wanted = new Map<string, Wanted>();
    for (const text of texts) {
      const chars = formatsOf(text, stoodBefore);
      // The source of each copy, from the notes of the moves that made them (keyed by a move's first copy).
      const sourceOf = new Map<string, Y.ID>();
      for (const { id } of chars) {
        if (sourceOf.has(key(id))) continue;
        const entry = notes.get(key(id));
        const note = entry === undefined ? undefined : parseNote(entry, id.client, doc.store);
        for (const { source, copy } of note?.pairs ?? []) sourceOf.set(key(copy), source);
      }
      for (const { id, formats } of chars) {
        const source = sourceOf.get(key(id));
        if (source === undefined) continue;
        const { item, diff } = followRedone(doc.store, source);
        if (!(item instanceof Y.Item) || item.deleted || !(item.parent instanceof Y.XmlText) || item.parent === text) continue;
        // Only characters this undo brought back.
        if (item.id.clock < (transaction.beforeState.get(item.id.client) ?? 0)) continue;
        wanted.set(key(Y.createID(item.id.client, item.id.clock + diff)), { text: item.parent, formats, block: blockOf(text) });
      }
    }
    if (wanted.size === 0) return;
    // After this transaction's cleanup (a transaction started in its handlers would run inside it).
    queueMicrotask(() => {
      try {
        carryOver(doc, wanted);
      } catch (error) {
        // The undo itself stands; only the formatting carried over is missing.
        console.warn('Others\' formatting could not be carried onto the text an undo brought back', error);
      }
    });
  });
}

/** Formats each character of `wanted` as its copy was by others, in runs, in each text brought back. */
function carryOver(doc: Y.Doc, wanted: ReadonlyMap<string, Wanted>): void {
  const byText = new Map<Y.XmlText, true>();
  for (const { text } of wanted.values()) byText.set(text, true);
  doc.transact(() => {
    for (const text of byText.keys()) {
      if (text._item?.deleted === true) continue;
      const now = formatsOf(text, (item) => !item.deleted);
      const edits: Array<{ index: number; name: string; value: unknown }> = [];
      now.forEach(({ id, index, formats }) => {
        const copy = wanted.get(key(id));
        if (copy === undefined) return;
        for (const [name, { value, by }] of copy.formats) {
          if (by === doc.clientID) continue;
          if (JSON.stringify(valueOf(formats, name)) !== JSON.stringify(value ?? null)) edits.push({ index, name, value: value ?? null });
        }
        // A format the character has and its copy had not: taken off the copy since the step copied it (Yjs
        // deletes the format items around the words rather than writing "none"; whose deletion it was is not
        // recorded, and this editor's own since were taken back before).
        // Not where the copy's block takes no such mark (a line made a code block holds none).
        for (const [name, { value }] of formats) {
          if (value !== null && valueOf(copy.formats, name) === null && markAllowed(copy.block, name)) edits.push({ index, name, value: null });
        }
      });
      // One format call per run of neighbouring characters that take the same value of the same format.
      edits.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.index - b.index));
      for (let i = 0; i < edits.length; ) {
        let j = i + 1;
        while (j < edits.length && edits[j]!.name === edits[i]!.name && edits[j]!.index === edits[j - 1]!.index + 1 && JSON.stringify(edits[j]!.value) === JSON.stringify(edits[i]!.value)) j++;
        text.format(edits[i]!.index, j - i, { [edits[i]!.name]: edits[i]!.value });
        i = j;
      }
    }
  }, FORMATS_BACK_ORIGIN);
}
