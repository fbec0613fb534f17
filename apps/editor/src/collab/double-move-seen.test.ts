// Two moves of one paragraph through the page's whole handler (keepTextThroughJoins: double-move, split
// rescue, join rescue), as a second review tried them: copies of copies, and edits that only look like repeats.
import { Fragment, Slice } from 'prosemirror-model';
import { updateYFragment } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { at, blocks, meetAll, p, type Page, page, send } from './test-editors.js';

const person = page;
type Person = Page;
const meet = meetAll;

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
    server.ydoc.transact(() => updateYFragment(server.ydoc, type, schema.nodes.doc!.create(null, version.map(p)), { mapping: new Map(), isOMark: new Map() } as never), 'restore');
    const expected = blocks(server.ydoc);
    await send(server, bob);
    await send(server, alice);
    const r = await meet(bob, alice, server);
    expect(r).toEqual(expected);
  });
});
