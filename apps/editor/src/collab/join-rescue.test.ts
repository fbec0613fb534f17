import { FRAGMENT, schema } from '@tandem/schema';
import type { Node } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import * as Y from 'yjs';
import { keepTextThroughJoins, noteWhatWasSeen } from './join-rescue.js';

const p = (...content: Array<string | Node>) => schema.node('paragraph', null, content.map((c) => (typeof c === 'string' ? schema.text(c) : c)));
const bold = (text: string) => schema.text(text, [schema.marks.strong!.create()]);
const page = (...blocks: Node[]) => schema.node('doc', null, blocks);

/** What the editor does to the Y document when its ProseMirror document becomes `doc`. */
function edit(ydoc: Y.Doc, doc: Node): void {
  ydoc.transact((tr) => {
    updateYFragment(ydoc, ydoc.getXmlFragment(FRAGMENT), doc, { mapping: new Map(), isOMark: new Map() });
    noteWhatWasSeen(tr); // as the editor's sync does
  });
}

/** The same edit from a client that does not say what it had seen (an older editor, a program). */
function editSayingNothing(ydoc: Y.Doc, doc: Node): void {
  ydoc.transact(() => updateYFragment(ydoc, ydoc.getXmlFragment(FRAGMENT), doc, { mapping: new Map(), isOMark: new Map() }));
}

const blocks = (ydoc: Y.Doc): string[] => {
  const out: string[] = [];
  yXmlFragmentToProseMirrorRootNode(ydoc.getXmlFragment(FRAGMENT), schema).forEach((b) => out.push(b.textContent));
  return out;
};

/** The text node of block `i` (a paragraph holding text only). */
const textOf = (ydoc: Y.Doc, i: number) => (ydoc.getXmlFragment(FRAGMENT).get(i) as Y.XmlElement).get(0) as Y.XmlText;

/** What the server acknowledged storing for each page: everything it sent, by `send`. */
const acked = new WeakMap<Y.Doc, Map<number, number>>();
/** `from` sends what `to` lacks, through the server: stored (and acknowledged to `from`) on the way. */
const send = (from: Y.Doc, to: Y.Doc, origin: unknown = 'remote') => {
  acked.set(from, Y.decodeStateVector(Y.encodeStateVector(from)));
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), origin);
};
/** The same, its acknowledgement to `from` still on its way. */
const sendUnacked = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'remote');

/** `doc` keeps the text of these client ids (its own by default) through joins. */
const keep = (doc: Y.Doc, own: (client: number) => boolean = (client) => client === doc.clientID) =>
  keepTextThroughJoins(doc, { own, stored: (client) => acked.get(doc)?.get(client) ?? 0 });

/** Alice and Bob share "Hello there" / "world wide"; Bob keeps his text through joins, Alice her own. */
function twoPeople() {
  const alice = new Y.Doc();
  const bob = new Y.Doc();
  edit(alice, page(p('Hello there'), p('world wide')));
  send(alice, bob);
  keep(bob);
  keep(alice);
  return { alice, bob };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('text typed into a paragraph someone joins meanwhile', () => {
  it('is typed again where it was, in the joined paragraph, for everyone', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert('world'.length, ' so'); // Bob, offline
    edit(alice, page(p('Hello thereworld wide'))); // Alice joins, not having seen it
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello thereworld so wide']);
    send(bob, alice);
    await settle();
    expect(blocks(alice)).toEqual(['Hello thereworld so wide']);
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello thereworld so wide']);
  });

  it('is kept when the server re-sends the join after Bob’s text reached it (the deletion then names Bob’s text too)', async () => {
    const { alice, bob } = twoPeople();
    const server = new Y.Doc();
    send(alice, server);
    const fromServer: Uint8Array[] = [];
    server.on('update', (update: Uint8Array, origin: unknown) => origin === 'alice' && fromServer.push(update));
    textOf(bob, 1).insert('world wide'.length, ' web');
    send(bob, server, 'bob');
    edit(alice, page(p('Hello thereworld wide')));
    send(alice, server, 'alice');
    expect(fromServer).toHaveLength(1);
    Y.applyUpdate(bob, fromServer[0]!, 'server');
    await settle();
    expect(blocks(bob)).toEqual(['Hello thereworld wide web']);
    send(bob, server);
    expect(blocks(server)).toEqual(['Hello thereworld wide web']);
  });

  it('is not typed again when the joiner had seen it (it moved with the rest)', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert('world'.length, ' so');
    send(bob, alice);
    edit(alice, page(p('Hello thereworld so wide')));
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello thereworld so wide']);
  });

  it('keeps only what the joiner had not seen, when Bob typed twice and the joiner saw the first', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert(0, 'big ');
    send(bob, alice);
    textOf(bob, 1).insert('big world wide'.length, '!');
    edit(alice, page(p('Hello therebig world wide')));
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello therebig world wide!']);
  });

  it('keeps the marks it was typed with, and takes none of its new neighbours’', async () => {
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    edit(alice, page(p('Hello'), p(bold('world'))));
    send(alice, bob);
    keep(bob);
    textOf(bob, 1).insert(2, 'RL', { strong: {} });
    textOf(bob, 1).insert('woRLrld'.length, ' plain', {});
    edit(alice, page(p('Hello', bold('world'))));
    send(alice, bob);
    await settle();
    const joined = yXmlFragmentToProseMirrorRootNode(bob.getXmlFragment(FRAGMENT), schema).child(0);
    const runs: Array<[string, string[]]> = [];
    joined.forEach((n) => runs.push([n.text!, n.marks.map((m) => m.type.name)]));
    expect(runs).toEqual([
      ['Hello', []],
      ['woRLrld', ['strong']],
      [' plain', []],
    ]);
  });

  it('is kept when the join deleted from the middle of one paragraph into the middle of the next', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert('world wide'.length, ' web');
    edit(alice, page(p('Hello wide'))); // "there" + "world " selected and deleted
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello wide web']);
  });

  it('is typed again by its author only: a third person’s editor leaves it', async () => {
    const { alice, bob } = twoPeople();
    const carol = new Y.Doc();
    send(alice, carol);
    keep(carol);
    textOf(bob, 1).insert(0, 'the ');
    sendUnacked(bob, carol); // Bob's ack is still on its way when Alice's join reaches him
    edit(alice, page(p('Hello thereworld wide')));
    send(alice, carol);
    send(alice, bob);
    await settle();
    send(carol, bob);
    send(bob, carol);
    await settle();
    expect(blocks(carol)).toEqual(['Hello therethe world wide']);
    expect(blocks(bob)).toEqual(['Hello therethe world wide']);
  });
});

describe('what is not typed again', () => {
  it('a join long ago of text this page never showed, loaded in one go (a sync after a long time away)', async () => {
    const { alice, bob } = twoPeople();
    const before = Y.encodeStateAsUpdate(alice); // what a later page of Bob's shows first
    textOf(bob, 1).insert('world'.length, ' so');
    edit(alice, page(p('Hello thereworld wide')));
    const bobBefore = Y.encodeStateAsUpdate(bob); // Bob's copy, from before the join reached him
    const aliceAfter = Y.encodeStateAsUpdate(alice);
    // A later page of Bob's, whose earlier id counts as his, loads everything at once.
    const later = new Y.Doc();
    keep(later, (client) => client === later.clientID || client === bob.clientID);
    Y.applyUpdate(later, before, 'load');
    later.transact(() => {
      Y.applyUpdate(later, bobBefore);
      Y.applyUpdate(later, aliceAfter);
    }, 'load');
    await settle();
    expect(blocks(later)).toEqual(['Hello thereworld wide']);
  });

  it('is kept when the joiner’s editor prepended the first paragraph’s text to the second (and deleted the first)', async () => {
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    edit(alice, page(p('Hello there'), p('world wide')));
    send(alice, bob);
    keep(bob);
    textOf(bob, 0).insert('Hello'.length, ',');
    // The other way y-prosemirror may write a join: the first paragraph goes, its text goes in front of the second's.
    alice.transact(() => {
      textOf(alice, 1).insert(0, 'Hello there');
      alice.getXmlFragment(FRAGMENT).delete(0, 1);
    });
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello, thereworld wide']);
  });
});

describe('text typed into a paragraph someone turns into another kind of block meanwhile', () => {
  it('is kept when the paragraph became a heading (y-prosemirror writes a new block with the text)', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert('world'.length, ' so');
    edit(alice, page(p('Hello there'), schema.node('heading', { level: 1 }, [schema.text('world wide')])));
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello there', 'world so wide']);
    const second = yXmlFragmentToProseMirrorRootNode(bob.getXmlFragment(FRAGMENT), schema).child(1);
    expect(second.type.name).toBe('heading');
  });

  it('is kept when the paragraph went into a bulleted list', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert(0, 'the ');
    const item = schema.node('list_item', null, [p('world wide')]);
    edit(alice, page(p('Hello there'), schema.node('bullet_list', null, [item])));
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello there', 'the world wide']);
  });
});

describe('what the joiner saw is not typed again', () => {
  it('text the joiner saw and deleted together with the join (a selection across the break) stays deleted', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert(0, 'the ');
    send(bob, alice);
    edit(alice, page(p('Hello thereworld wide'))); // from the end of the first paragraph to after "the "
    send(alice, bob);
    await settle();
    send(bob, alice);
    await settle();
    expect(blocks(alice)).toEqual(['Hello thereworld wide']);
    expect(blocks(bob)).toEqual(['Hello thereworld wide']);
  });

  it('text the joiner deleted after seeing it, then joined, both reaching Bob at once, stays deleted', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert('world'.length, ' so');
    send(bob, alice);
    edit(alice, page(p('Hello there'), p('world wide')));
    edit(alice, page(p('Hello thereworld wide')));
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello thereworld wide']);
  });
});

describe('more joins that take text with them', () => {
  it('text typed after a reload, into a paragraph holding the earlier page’s text (another client id of this browser)', async () => {
    const alice = new Y.Doc();
    const earlier = new Y.Doc(); // Bob's page before the reload
    edit(alice, page(p('Hello there'), p('world wide')));
    send(alice, earlier);
    for (let i = 0; i < 5; i++) textOf(earlier, 1).insert(textOf(earlier, 1).length, '!'); // clocks well above 0
    send(earlier, alice);
    const bob = new Y.Doc(); // after the reload: this browser's copy, a new client id
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(earlier));
    acked.set(bob, Y.decodeStateVector(Y.encodeStateVector(earlier))); // the server has the earlier page's text
    keep(bob, (client) => client === bob.clientID || client === earlier.clientID);
    textOf(bob, 1).insert('world'.length, ' so'); // offline
    edit(alice, page(p('Hello thereworld wide!!!!!')));
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello thereworld so wide!!!!!']);
  });

  it('text typed offline when the joiner also typed a space at the join (both reaching Bob at once)', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert('world'.length, ' so');
    edit(alice, page(p('Hello thereworld wide')));
    edit(alice, page(p('Hello there world wide')));
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello there world so wide']);
  });

  it('bold text typed into a paragraph someone made a code block keeps the block, without the mark it cannot hold', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert('world'.length, ' so', { strong: {} });
    edit(alice, page(p('Hello there'), schema.node('code_block', null, [schema.text('world wide')])));
    send(alice, bob);
    await settle();
    send(bob, alice);
    await settle();
    for (const ydoc of [alice, bob]) {
      const doc = yXmlFragmentToProseMirrorRootNode(ydoc.getXmlFragment(FRAGMENT), schema);
      expect(doc.child(1).type.name).toBe('code_block');
      expect(doc.child(1).textContent).toBe('world so wide');
      expect(() => doc.check()).not.toThrow();
    }
  });
});

describe('a join from a client that does not say what it had seen', () => {
  it('keeps what the server had not acknowledged storing (so nobody can have seen it)', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert('world'.length, ' so'); // offline: not stored
    editSayingNothing(alice, page(p('Hello thereworld wide')));
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello thereworld so wide']);
  });

  it('does not bring back what the server had stored and the joiner deleted with the join', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert(0, 'the ');
    send(bob, alice);
    editSayingNothing(alice, page(p('Hello thereworld wide')));
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello thereworld wide']);
  });
});

describe('several joins reaching someone at once', () => {
  it('each is read for its own paragraph: text the joiner had seen and moved is not typed again', async () => {
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    edit(alice, page(p('Hello there'), p('world wide'), p('foo'), p('bar')));
    send(alice, bob);
    keep(bob);
    textOf(bob, 1).insert('world wide'.length, ' web');
    send(bob, alice);
    edit(alice, page(p('Hello thereworld wide web'), p('foo'), p('bar')));
    edit(alice, page(p('Hello thereworld wide web'), p('foobar')));
    send(alice, bob); // both joins in one update
    await settle();
    expect(blocks(bob)).toEqual(['Hello thereworld wide web', 'foobar']);
  });
});

describe('text typed into a paragraph someone deletes whole meanwhile', () => {
  it('stays, in a paragraph of its own where the deleted one was, for everyone', async () => {
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    edit(alice, page(p('Hello there'), p('world wide'), p('the end')));
    send(alice, bob);
    keep(bob);
    textOf(bob, 1).insert('world'.length, ' so'); // Bob, offline
    edit(alice, page(p('Hello there'), p('the end'))); // Alice deletes "world wide", not having seen it
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello there', ' so', 'the end']);
    send(bob, alice);
    expect(blocks(alice)).toEqual(['Hello there', ' so', 'the end']);
  });

  it('stays when the paragraph was empty, and when two were deleted, each where it was', async () => {
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    edit(alice, page(p('one'), p(), p('two'), p('three')));
    send(alice, bob);
    keep(bob);
    // An empty paragraph holds no text node: the editor makes one for the first letter.
    (bob.getXmlFragment(FRAGMENT).get(1) as Y.XmlElement).insert(0, [new Y.XmlText('hi')]);
    textOf(bob, 2).insert(3, '!');
    edit(alice, page(p('one'), p('three')));
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['one', 'hi', '!', 'three']);
  });

  it('stays in the list when a list item was deleted, with its marks', async () => {
    const item = (text: string) => schema.node('list_item', null, [p(text)]);
    const list = (...items: Node[]) => schema.node('bullet_list', null, items);
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    edit(alice, page(list(item('apples'), item('pears'), item('plums'))));
    send(alice, bob);
    keep(bob);
    const pears = (((bob.getXmlFragment(FRAGMENT).get(0) as Y.XmlElement).get(1) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    pears.insert(5, ' ripe', { strong: {} });
    edit(alice, page(list(item('apples'), item('plums'))));
    send(alice, bob);
    await settle();
    const doc = yXmlFragmentToProseMirrorRootNode(bob.getXmlFragment(FRAGMENT), schema);
    expect(doc.toJSON()).toEqual(page(list(item('apples'), schema.node('list_item', null, [p(bold(' ripe'))]), item('plums'))).toJSON());
  });

  it('what the deleter had seen stays deleted', async () => {
    const { alice, bob } = twoPeople();
    textOf(bob, 1).insert('world'.length, ' so');
    send(bob, alice);
    edit(alice, page(p('Hello there')));
    send(alice, bob);
    await settle();
    expect(blocks(bob)).toEqual(['Hello there']);
  });
});

describe('a block someone deleted with what this person, unseen, had just put inside it', () => {
  const li = (...content: Node[]) => schema.node('list_item', null, content);
  const ul = (...items: Node[]) => schema.node('bullet_list', null, items);
  const texts = (ydoc: Y.Doc) => {
    const out: string[] = [];
    yXmlFragmentToProseMirrorRootNode(ydoc.getXmlFragment(FRAGMENT), schema).descendants((n) => (n.isTextblock ? void out.push(n.textContent) : true));
    return out;
  };

  it('Tab on "three" stored before Alice, not having it, pressed Tab on "two": "three" is kept', async () => {
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    edit(alice, page(ul(li(p('one')), li(p('two')), li(p('three')))));
    send(alice, bob);
    keep(bob);
    keep(alice);
    edit(bob, page(ul(li(p('one')), li(p('two'), ul(li(p('three'))))))); // Bob's Tab on "three"
    acked.set(bob, Y.decodeStateVector(Y.encodeStateVector(bob))); // stored and acknowledged; on its way to Alice
    edit(alice, page(ul(li(p('one'), ul(li(p('two')))), li(p('three'))))); // Alice's Tab on "two"
    send(alice, bob);
    await settle();
    expect(texts(bob)).toEqual(['one', 'two', 'three']);
    send(bob, alice);
    await settle();
    expect(texts(alice)).toEqual(texts(bob));
    expect(yXmlFragmentToProseMirrorRootNode(alice.getXmlFragment(FRAGMENT), schema).toJSON()).toEqual(yXmlFragmentToProseMirrorRootNode(bob.getXmlFragment(FRAGMENT), schema).toJSON());
  });

  // Found by a review: one update may hold an editor's deletion (with SEEN) and another's that says nothing.
  it('a restore by the server and a join reaching Bob in one update: his acknowledged text stays deleted', async () => {
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    edit(alice, page(p('Hello'), ul(li(p('one')), li(p('two')))));
    send(alice, bob);
    keep(bob);
    keep(alice);
    edit(bob, page(p('Hello'), ul(li(p('one BOB')), li(p('two')))));
    send(bob, alice); // stored, acknowledged and seen
    edit(alice, page(p('Hello'), ul(li(p('one BOBtwo'))))); // Alice joins "two" to "one"
    const server = new Y.Doc();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(alice));
    editSayingNothing(server, page(p('Hello'))); // a restore, after Alice's join
    send(server, alice);
    send(alice, bob); // Bob gets the join and the restore in one update
    await settle();
    expect(texts(bob)).toEqual(['Hello']);
  });

  it('what the deleter had seen inside the block stays deleted with it', async () => {
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    edit(alice, page(ul(li(p('one')), li(p('two')), li(p('three')))));
    send(alice, bob);
    keep(bob);
    keep(alice);
    edit(bob, page(ul(li(p('one')), li(p('two'), ul(li(p('three')))))));
    send(bob, alice);
    edit(alice, page(ul(li(p('one'))))); // Alice saw Bob's Tab and deleted "two" with "three" in it
    send(alice, bob);
    await settle();
    expect(texts(bob)).toEqual(['one']);
  });
});
