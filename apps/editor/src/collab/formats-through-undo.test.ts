import { ySyncPluginKey } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createUndoManager } from '../undo-steps.js';
import { keepFormatsThroughUndo } from './formats-through-undo.js';

/** Two documents that send each other every change as it is made (as the server would); `hold` keeps Bob's back until `release`. */
function pair() {
  const alice = new Y.Doc();
  const bob = new Y.Doc();
  let held: Uint8Array[] | undefined;
  alice.on('update', (u: Uint8Array, origin: unknown) => origin !== bob && Y.applyUpdate(bob, u, alice));
  bob.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin === alice) return;
    if (held !== undefined) held.push(u);
    else Y.applyUpdate(alice, u, bob);
  });
  const hold = () => (held = []);
  const release = () => {
    const updates = held ?? [];
    held = undefined;
    for (const u of updates) Y.applyUpdate(alice, u, bob);
  };
  return { alice, bob, hold, release };
}

/** Alice's paragraph "Notes. Hello brave world", her last step " Hello brave world", "brave" made bold by Bob. */
function formattedByBob() {
  const { alice, bob, hold, release } = pair();
  const undo = createUndoManager(alice.getXmlFragment('prosemirror'));
  keepFormatsThroughUndo(alice, undo);
  alice.transact(() => {
    const p = new Y.XmlElement('paragraph');
    alice.getXmlFragment('prosemirror').insert(0, [p]);
    p.insert(0, [new Y.XmlText('Notes.')]);
  });
  alice.transact(() => text(alice).insert(6, ' Hello brave world'), ySyncPluginKey);
  // Bob's own undo, made before his bold: it takes the bold as his step.
  const bobsUndo = createUndoManager(bob.getXmlFragment('prosemirror'));
  bob.transact(() => text(bob).format(13, 5, { strong: {} }), ySyncPluginKey);
  return { alice, bob, undo, bobsUndo, hold, release };
}

const back = [{ insert: 'Notes. Hello ' }, { insert: 'brave', attributes: { strong: {} } }, { insert: ' world' }];

const text = (doc: Y.Doc) => ((doc.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(0) as Y.XmlText);
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('keepFormatsThroughUndo', () => {
  it("brings the other person's bold back on my words with Ctrl+Y, after their editor tidied the marks Ctrl+Z left around nothing", async () => {
    const { alice, bob, undo } = formattedByBob();
    expect(text(alice).toDelta()).toEqual(back);

    undo.undo();
    await tick();
    expect(text(bob).toString()).toBe('Notes.');
    undo.redo();
    await tick();
    expect(text(alice).toDelta()).toEqual(back);
    expect(text(bob).toDelta()).toEqual(back);

    // The formatting made again is part of the redo's step: Ctrl+Z takes it out with the words, Ctrl+Y brings both.
    undo.undo();
    await tick();
    expect(text(bob).toDelta()).toEqual([{ insert: 'Notes.' }]);
    undo.redo();
    await tick();
    expect(text(bob).toDelta()).toEqual(back);
  });

  it("brings it back when the other editor's tidying of the marks reaches mine only after my Ctrl+Y", async () => {
    const { alice, bob, undo, hold, release } = formattedByBob();
    hold();
    undo.undo();
    await tick();
    undo.redo();
    await tick();
    release();
    await tick();
    expect(text(alice).toDelta()).toEqual(back);
    expect(text(bob).toDelta()).toEqual(back);
  });

  it("leaves the other person's later Ctrl+Z of their bold unable to spread it over the rest of the line", async () => {
    const { alice, bob, undo, bobsUndo } = formattedByBob();
    undo.undo();
    await tick();
    undo.redo();
    await tick();
    expect(text(bob).toDelta()).toEqual(back);
    bobsUndo.undo();
    await tick();
    for (const doc of [alice, bob]) expect(text(doc).toDelta().filter((d: { attributes?: unknown }) => d.attributes !== undefined).map((d: { insert: string }) => d.insert).join('')).not.toContain('world');
  });
});
