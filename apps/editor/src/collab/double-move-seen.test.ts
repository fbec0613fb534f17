// Two moves of one paragraph through the page's whole handler (keepTextThroughJoins: double-move, split
// rescue, join rescue), as a second review tried them: copies of copies, and edits that only look like repeats.
import { Fragment, type Node, Slice } from 'prosemirror-model';
import { EditorState, type Transaction } from 'prosemirror-state';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode, ySyncPluginKey } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { keepTextThroughJoins } from './join-rescue.js';
import { updateChangedBlocks } from './narrow-sync.js';

const { nodes } = schema;
const p = (text: string) => nodes.paragraph!.create(null, text === '' ? [] : [schema.text(text)]);
const at = (doc: Node, block: number, offset: number) => doc.resolve(0).posAtIndex(block, 0) + 1 + offset;
const blocks = (doc: Y.Doc) => yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment('prosemirror'), schema).content.content.map((b) => b.textContent);
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function person(from: Y.Doc | string[]) {
  const ydoc = new Y.Doc();
  const type = ydoc.getXmlFragment('prosemirror');
  if (Array.isArray(from)) updateYFragment(ydoc, type, nodes.doc!.create(null, from.map(p)), { type, doc: ydoc, mapping: new Map(), isOMark: new Map() } as never);
  else Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(from));
  const acked = new Map<number, number>();
  keepTextThroughJoins(ydoc, { own: (c) => c === ydoc.clientID, stored: (c) => acked.get(c) ?? 0 });
  return {
    ydoc,
    acked,
    edit(change: (s: EditorState) => Transaction) {
      const binding = { type, doc: ydoc, mapping: new Map(), isOMark: new Map() };
      const state = EditorState.create({ schema, doc: yXmlFragmentToProseMirrorRootNode(type, schema) });
      updateYFragment(ydoc, type, state.doc, binding);
      const next = state.apply(change(state));
      ydoc.transact(() => expect(updateChangedBlocks(binding, state.doc, next.doc)).toBe(true), ySyncPluginKey);
    },
  };
}
type Person = ReturnType<typeof person>;
/** `to` gets what `from` has; `from`'s things acknowledged (ackAll) or not. */
async function send(from: Person, to: Person, ack = true) {
  if (ack) for (const [c, k] of Y.decodeStateVector(Y.encodeStateVector(from.ydoc))) from.acked.set(c, k);
  Y.applyUpdate(to.ydoc, Y.encodeStateAsUpdate(from.ydoc, Y.encodeStateVector(to.ydoc)), 'remote');
  await settle();
}
async function meet(...people: Person[]) {
  for (let r = 0; r < 3; r++) for (const a of people) for (const b of people) if (a !== b) await send(a, b);
  const result = blocks(people[0]!.ydoc);
  for (const x of people) expect(blocks(x.ydoc)).toEqual(result);
  return result;
}

describe('two moves of one paragraph', () => {
  it('Bob presses Enter twice (splits what he split), Alice Enter earlier: no word repeated', async () => {
    const alice = person(['one two three four']);
    const bob = person(alice.ydoc);
    alice.edit((s) => s.tr.split(at(s.doc, 0, 3)));
    bob.edit((s) => s.tr.split(at(s.doc, 0, 7)));
    bob.edit((s) => s.tr.split(at(s.doc, 1, 6)));
    expect(blocks(bob.ydoc)).toEqual(['one two', ' three', ' four']);
    await send(alice, bob);
    const r = await meet(bob, alice);
    expect(r.join('|')).toBe(['one', ' two three four'].join('|'));
  });

  it('Alice, having seen Bob\'s Enter, pastes two paragraphs over the first half: Bob\'s second half stays', async () => {
    const alice = person(['one two three']);
    const bob = person(alice.ydoc);
    bob.edit((s) => s.tr.split(at(s.doc, 0, 7)));
    await send(bob, alice);
    expect(blocks(alice.ydoc)).toEqual(['one two', ' three']);
    // Alice selects all of "one two" and pastes "Intro" / "one two three" (copied from elsewhere).
    alice.edit((s) => s.tr.replace(at(s.doc, 0, 0), at(s.doc, 0, 7), new Slice(Fragment.from([p('Notes:'), p('one two three')]), 1, 1)));
    expect(blocks(alice.ydoc)).toEqual(['Notes:', 'one two three', ' three']);
    const r = await meet(bob, alice);
    expect(r).toEqual(['Notes:', 'one two three', ' three']);
  });

  it('Alice, having seen Bob\'s Enter, turns the paragraph into a heading while pasting (change kind)', async () => {
    const alice = person(['one two three']);
    const bob = person(alice.ydoc);
    bob.edit((s) => s.tr.split(at(s.doc, 0, 7)));
    await send(bob, alice);
    // Alice replaces paragraph "one two" by pasting "one two three" over all of it as a new block (Enter at start then delete?)
    alice.edit((s) => s.tr.replaceWith(at(s.doc, 0, -1), at(s.doc, 0, 8), [p('one two three!')]));
    const r = await meet(bob, alice);
    expect(r).toEqual(['one two three!', ' three']);
  });
});

describe('a restore after a move', () => {
  it.each([
    [['one two three'], ['one two three']],
    [['one two three'], ['Intro:', 'one two three']],
    [['one two three'], ['one two three', 'end']],
    [['x', 'one two three'], ['one two three', 'x']],
  ])('a version restored by the server (whole-document update) after Bob\'s Enter, seen by all: %j -> %j', async (start, version) => {
    const alice = person(start);
    const bob = person(alice.ydoc);
    bob.edit((s) => s.tr.split(at(s.doc, start.length - 1, 7)));
    await meet(bob, alice);
    const server = person(alice.ydoc);
    const type = server.ydoc.getXmlFragment('prosemirror');
    server.ydoc.transact(() => updateYFragment(server.ydoc, type, nodes.doc!.create(null, version.map(p)), { mapping: new Map(), isOMark: new Map() } as never), 'restore');
    const expected = blocks(server.ydoc);
    await send(server, bob);
    await send(server, alice);
    const r = await meet(bob, alice, server);
    expect(r).toEqual(expected);
  });
});
