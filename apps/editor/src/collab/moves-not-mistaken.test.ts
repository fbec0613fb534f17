// Changes that look like moves and are not (found by a review): nothing of anyone's may be moved by them.
import { type Transaction } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { childAt } from './relative-position.js';
import { followMove } from './moved-text.js';
import { moveStranded, strandedByMoves } from './split-rescue.js';
import { alice, at, blocks } from './test-editors.js';

const textOf = (ydoc: Y.Doc, block: number) => (childAt(ydoc.getXmlFragment('prosemirror'), block) as Y.XmlElement).get(0) as Y.XmlText;


function person(a: ReturnType<typeof alice>) {
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(a.ydoc));
  return {
    ydoc,
    type(block: number, offset: number, text: string, attributes?: Record<string, unknown>, origin: unknown = null) {
      ydoc.transact(() => textOf(ydoc, block).insert(offset, text, attributes), origin);
    },
  };
}

function receive(to: Y.Doc, from: Y.Doc, storedUpTo: number) {
  let stranded: ReturnType<typeof strandedByMoves> = [];
  const ownership = { own: (client: number) => client === to.clientID, stored: () => storedUpTo };
  to.once('afterTransaction', (tr: Y.Transaction) => (stranded = strandedByMoves(tr, ownership)));
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
  if (stranded.length > 0) moveStranded(to, stranded);
}

function meet(a: ReturnType<typeof alice>, bob: ReturnType<typeof person>) {
  receive(bob.ydoc, a.ydoc, 0);
  receive(a.ydoc, bob.ydoc, Number.MAX_SAFE_INTEGER);
  Y.applyUpdate(a.ydoc, Y.encodeStateAsUpdate(bob.ydoc));
  Y.applyUpdate(bob.ydoc, Y.encodeStateAsUpdate(a.ydoc));
  expect(blocks(a.ydoc)).toEqual(blocks(bob.ydoc));
  return blocks(bob.ydoc);
}

describe('a delete and an insert of the same text in one change from elsewhere are not taken for a move', () => {
  it("Alice (offline) deletes the last 'd' of P1 and types 'd' in P2: Bob's unacknowledged '!' after it stays in P1", () => {
    const a = alice('Hello world', 'foo');
    const bob = person(a);
    bob.type(0, 11, '!'); // Hello world!  (Bob, in flight)
    a.edit((s) => s.tr.delete(at(s.doc, 0, 10), at(s.doc, 0, 11))); // Backspace: "Hello worl"
    a.edit((s) => s.tr.insertText('d', at(s.doc, 1, 3))); // "food"
    // Both of Alice's edits reach Bob in one transaction (reconnect / sync step 2).
    expect(meet(a, bob)).toEqual(['Hello worl!', 'food']);
  });

  it("same, with a word: Alice deletes ' world' in P1 and later types ' world' in P3: the '!' stays", () => {
    const a = alice('Hello world', 'foo', 'Brave new');
    const bob = person(a);
    bob.type(0, 11, '!');
    a.edit((s) => s.tr.delete(at(s.doc, 0, 5), at(s.doc, 0, 11)));
    a.edit((s) => s.tr.insertText(' world', at(s.doc, 2, 9)));
    expect(meet(a, bob)).toEqual(['Hello!', 'foo', 'Brave new world']);
  });

  it("Bob's caret at the end of P1 stays when Alice deletes 'd' in P1 and types 'd' in P2 (one transaction)", () => {
    const a = alice('Hello world', 'foo');
    const bob = person(a);
    const caret = Y.createRelativePositionFromTypeIndex(textOf(bob.ydoc, 0), 11); // Hello world|
    a.edit((s) => s.tr.delete(at(s.doc, 0, 10), at(s.doc, 0, 11)));
    a.edit((s) => s.tr.insertText('d', at(s.doc, 1, 3)));
    let followed: Y.RelativePosition | undefined;
    bob.ydoc.once('beforeObserverCalls', (tr: Y.Transaction) => (followed = followMove(tr, caret)));
    Y.applyUpdate(bob.ydoc, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(bob.ydoc)));
    const abs = Y.createAbsolutePositionFromRelativePosition(followed!, bob.ydoc)!;
    expect(abs.type === textOf(bob.ydoc, 0) ? 'P1' : 'elsewhere').toBe('P1');
  });

  it("Bob's caret before 'w' of 'world' stays when Alice (offline) deletes 'world' and types it in another paragraph", () => {
    const a = alice('Hello world', 'new');
    const bob = person(a);
    const caret = Y.createRelativePositionFromTypeIndex(textOf(bob.ydoc, 0), 6); // Hello |world
    a.edit((s) => s.tr.delete(at(s.doc, 0, 6), at(s.doc, 0, 11)));
    a.edit((s) => s.tr.insertText(' world', at(s.doc, 1, 3)));
    let followed: Y.RelativePosition | undefined;
    bob.ydoc.once('beforeObserverCalls', (tr: Y.Transaction) => (followed = followMove(tr, caret)));
    Y.applyUpdate(bob.ydoc, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(bob.ydoc)));
    const abs = Y.createAbsolutePositionFromRelativePosition(followed!, bob.ydoc)!;
    expect(abs.type === textOf(bob.ydoc, 0) ? 'P1' : 'elsewhere').toBe('P1');
  });
});

describe('a cut and paste into another existing paragraph is not taken for a move', () => {
  it("Alice (who saw Bob's '.') cuts 'the cat' from before it and pastes it elsewhere: Bob's reopened page leaves the '.'", () => {
    const a = alice('I like the cat', 'foo');
    const oldBob = person(a);
    oldBob.type(0, 14, '.'); // I like the cat.  (Bob's earlier page; stored by the server, seen by Alice)
    Y.applyUpdate(a.ydoc, Y.encodeStateAsUpdate(oldBob.ydoc));
    a.resync();
    // Later, Bob's page is closed. Alice cuts "the cat" and pastes it at the end of "foo" (two edits).
    a.edit((s) => s.tr.delete(at(s.doc, 0, 7), at(s.doc, 0, 14)));
    a.edit((s) => s.tr.insertText(' the cat', at(s.doc, 1, 3)));
    // Bob reopens: a new client id, his browser copy of the old page's state; the earlier id is his (closed).
    const newBob = new Y.Doc();
    Y.applyUpdate(newBob, Y.encodeStateAsUpdate(oldBob.ydoc));
    const ownership = { own: (c: number) => c === newBob.clientID || c === oldBob.ydoc.clientID, stored: () => 0 }; // no ack yet
    let stranded: ReturnType<typeof strandedByMoves> = [];
    newBob.once('afterTransaction', (tr: Y.Transaction) => (stranded = strandedByMoves(tr, ownership)));
    Y.applyUpdate(newBob, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(newBob))); // the server's sync step 2
    if (stranded.length > 0) moveStranded(newBob, stranded);
    expect(blocks(newBob)).toEqual(['I like .', 'foo the cat']);
  });
});

describe('a deletion across a paragraph break keeps the Yjs block someone typed into unseen', () => {
  async function run(texts: string[], bobTypes: Array<[number, number, string]>, from: [number, number], to: [number, number]) {
    const { keepTextThroughJoins } = await import('./join-rescue.js');
    const a = alice(...texts);
    const bob = person(a);
    keepTextThroughJoins(bob.ydoc, { own: (c) => c === bob.ydoc.clientID, stored: () => 0 });
    keepTextThroughJoins(a.ydoc, { own: (c) => c === a.ydoc.clientID, stored: () => Number.MAX_SAFE_INTEGER });
    for (const [b, o, t] of bobTypes) bob.type(b, o, t);
    a.edit((s) => s.tr.delete(at(s.doc, ...from), at(s.doc, ...to)));
    const flush = () => new Promise((r) => setTimeout(r, 0));
    Y.applyUpdate(bob.ydoc, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(bob.ydoc)));
    await flush();
    Y.applyUpdate(a.ydoc, Y.encodeStateAsUpdate(bob.ydoc, Y.encodeStateVector(a.ydoc)));
    Y.applyUpdate(bob.ydoc, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(bob.ydoc)));
    expect(blocks(a.ydoc)).toEqual(blocks(bob.ydoc));
    return blocks(a.ydoc);
  }

  it("'item one' / 'item two': Alice selects from after 'item ' in P1 to after 'item ' in P2 and deletes: Bob's '!' typed unseen at the end of P1 is kept", async () => {
    const result = await run(['item one', 'item two'], [[0, 8, '!']], [0, 5], [1, 5]);
    expect(result.join('|')).toContain('!');
  });

  it("Alice deletes a whole paragraph (from its start to the next one's start): Bob's word typed into it meanwhile is kept", async () => {
    const result = await run(['first', 'second'], [[0, 5, ' more']], [0, 0], [1, 0]);
    expect(result.join('|')).toContain('more');
  });
});
