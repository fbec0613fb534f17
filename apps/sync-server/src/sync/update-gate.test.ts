import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TandemError } from '../errors.js';
import { UpdateGate } from './update-gate.js';

/** One update through the gate: true to store, false to skip (nothing new to store); throws the refusal. */
function admit(gate: UpdateGate, update: Uint8Array): boolean {
  const [verdict] = gate.admitAll([update]);
  if (verdict instanceof TandemError) throw verdict;
  return verdict === 'store';
}

/** Records the updates `edit` makes to `doc`. */
function updatesOf(doc: Y.Doc, edit: () => void): Uint8Array[] {
  const out: Uint8Array[] = [];
  const record = (u: Uint8Array) => out.push(u);
  doc.on('update', record);
  edit();
  doc.off('update', record);
  return out;
}

/** A struct by `client` after `origin`, whose right origin is a clock of its own client that does not exist. */
function unappliable(origin: { client: number; clock: number }): Uint8Array {
  const e = encoding.createEncoder();
  for (const n of [1, 1, 4242, 0]) encoding.writeVarUint(e, n);
  encoding.writeUint8(e, 0xc4);
  for (const n of [origin.client, origin.clock, 4242, 5]) encoding.writeVarUint(e, n);
  encoding.writeVarString(e, 'x');
  encoding.writeVarUint(e, 0);
  return encoding.toUint8Array(e);
}

describe('update gate', () => {
  it('admits real edits, including ones that build on edits still in flight', () => {
    const room = new Y.Doc();
    const gate = new UpdateGate(room, 'doc');
    const client = new Y.Doc();
    const [first] = updatesOf(client, () => client.getText('t').insert(0, 'ab'));
    const [second] = updatesOf(client, () => client.getText('t').insert(1, 'X'));
    expect(admit(gate, first!)).toBe(true);
    expect(admit(gate, second!)).toBe(true); // `first` is not in the room's doc yet, only in flight
    expect(room.getText('t').toString()).toBe(''); // the gate never touches the room's document
  });

  it('refuses an update that decodes but cannot be applied to the current state, and keeps working', () => {
    const room = new Y.Doc();
    room.getText('t').insert(0, 'base');
    const gate = new UpdateGate(room, 'doc');
    const poison = unappliable({ client: room.clientID, clock: 0 });
    expect(() => Y.applyUpdate(new Y.Doc(), poison)).not.toThrow(); // an empty doc just parks it
    expect(() => admit(gate, poison)).toThrow(TandemError);
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room));
    const [edit] = updatesOf(client, () => client.getText('t').insert(4, '!'));
    expect(admit(gate, edit!)).toBe(true);
  });

  it('refuses a struct that would wait for a collaborator and throw once they type (its own client referenced ahead of it)', () => {
    const room = new Y.Doc();
    room.getText('t').insert(0, 'base');
    const gate = new UpdateGate(room, 'doc');
    // Parked behind the room's next clock, it would be integrated by the next keystroke, and throw then,
    // refusing the keystroke (4422) instead of itself.
    const parked = unappliable({ client: room.clientID, clock: Y.getState(room.store, room.clientID) });
    expect(() => admit(gate, parked)).toThrow(/refers to its own client ahead of itself/);
    // The keystroke of the client whose clock it referred to (made beside the room, as a client's is: the
    // room applies an update only once the gate admitted it).
    const typist = new Y.Doc();
    typist.clientID = room.clientID;
    Y.applyUpdate(typist, Y.encodeStateAsUpdate(room));
    const [keystroke] = updatesOf(typist, () => typist.getText('t').insert(4, '!'));
    expect(admit(gate, keystroke!)).toBe(true);
  });

  it('stores the resend of an update still on its way to the log: that write may fail (a review of the skip of updates held already)', () => {
    const room = new Y.Doc();
    const gate = new UpdateGate(room, 'doc');
    const client = new Y.Doc();
    const [update] = updatesOf(client, () => client.getText('t').insert(0, 'offline work'));
    expect(gate.admitAll([update!])).toEqual(['store']); // in flight
    // The client reconnects meanwhile: its sync step 2 carries the update again.
    const resend = Y.encodeStateAsUpdate(client, Y.encodeStateVector(room));
    expect(gate.admitAll([resend])).toEqual(['store']);
    gate.abandoned(update!); // the first write failed: the resend is what stores it
    // Once applied to the room, the same update again is skipped.
    Y.applyUpdate(room, update!);
    gate.applied(resend);
    expect(gate.admitAll([update!])).toEqual(['skip']);
  });

  it('skips empty updates and deletions the document already has', () => {
    const room = new Y.Doc();
    room.getText('t').insert(0, 'hello');
    room.getText('t').delete(0, 2);
    const gate = new UpdateGate(room, 'doc');
    expect(admit(gate, new Uint8Array([0, 0]))).toBe(false);
    // A client's sync step 2 always carries the whole delete set, even when it adds nothing.
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room));
    expect(admit(gate, Y.encodeStateAsUpdate(client, Y.encodeStateVector(room)))).toBe(false);
    const [deletion] = updatesOf(client, () => client.getText('t').delete(0, 1));
    expect(admit(gate, deletion!)).toBe(true);
  });

  it('forgets an abandoned update, so later updates are judged against what is stored', () => {
    const room = new Y.Doc();
    const client = new Y.Doc();
    const [insert] = updatesOf(client, () => client.getText('t').insert(0, 'abc'));
    Y.applyUpdate(room, insert!);
    const gate = new UpdateGate(room, 'doc');
    const [deletion] = updatesOf(client, () => client.getText('t').delete(1, 1));
    expect(admit(gate, deletion!)).toBe(true);
    expect(admit(gate, deletion!)).toBe(false); // in flight: sent again, it changes nothing
    gate.abandoned(deletion!); // never stored
    // Against what is stored, the same deletion deletes something again.
    expect(admit(gate, deletion!)).toBe(true);
  });

  it('judges a turn of updates together, and finds the bad one among good ones', () => {
    const room = new Y.Doc();
    room.getText('t').insert(0, 'base');
    const gate = new UpdateGate(room, 'doc');
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    for (const d of [alice, bob]) Y.applyUpdate(d, Y.encodeStateAsUpdate(room));
    const [a1] = updatesOf(alice, () => alice.getText('t').insert(0, 'A'));
    const [b1] = updatesOf(bob, () => bob.getText('t').insert(4, 'B'));
    const [a2] = updatesOf(alice, () => alice.getText('t').delete(1, 1));
    const [a3] = updatesOf(alice, () => alice.getText('t').insert(0, 'C'));
    const poison = unappliable({ client: room.clientID, clock: 0 });
    const verdicts = gate.admitAll([a1!, b1!, poison, new Uint8Array([0, 0]), a2!, a3!]);
    expect(verdicts.slice(0, 2)).toEqual(['store', 'store']);
    expect(verdicts[2]).toBeInstanceOf(TandemError);
    expect(verdicts.slice(3)).toEqual(['skip', 'store', 'store']);
    // Everything admitted is now judged against: a deletion alice already sent changes nothing again,
    // stored once what carries it is.
    expect(gate.admitAll([a2!])).toEqual(['covered']);
  });
});

describe('update gate: table cell spans', () => {
  /** A table cell written as a client that skips the editor would, with `attrs` set on it. */
  const cellUpdate = (attrs: Record<string, unknown>, existing?: Y.Doc) => {
    const client = existing ?? new Y.Doc();
    const [update] = updatesOf(client, () =>
      client.transact(() => {
        const cell = new Y.XmlElement('table_cell');
        client.getXmlFragment('prosemirror').insert(0, [cell]);
        for (const [key, value] of Object.entries(attrs)) cell.setAttribute(key, value as string);
      }),
    );
    return update!;
  };
  it('refuses a span a browser would not read as written (prosemirror-tables builds a grid of width × height: colspan 1e308 crashed a process)', () => {
    for (const attrs of [{ colspan: 1e308 }, { colspan: 5_000_000 }, { rowspan: 70_000 }, { colspan: -1 }, { colspan: 1.5 }, { colspan: '2' }, { rowspan: 0 }]) {
      const gate = new UpdateGate(new Y.Doc(), 'doc');
      expect(() => admit(gate, cellUpdate(attrs)), JSON.stringify(attrs)).toThrow(/span/);
    }
  });
  it('admits attributes of other names, "__proto__" among them (a key a client may write, which an object lookup answers with its prototype)', () => {
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    expect(admit(gate, cellUpdate(JSON.parse('{"__proto__": 5, "constructor": 1e308, "level": 2}') as Record<string, unknown>))).toBe(true);
  });
  it('admits the spans the editor writes, and a span changed later on a cell already there', () => {
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    const client = new Y.Doc();
    expect(admit(gate, cellUpdate({ colspan: 1, rowspan: 1, colwidth: null }, client))).toBe(true);
    const cell = client.getXmlFragment('prosemirror').get(0) as Y.XmlElement;
    expect(admit(gate, updatesOf(client, () => cell.setAttribute('colspan', 1000 as unknown as string))[0]!)).toBe(true);
    // A value that replaces another does not name its key in the update: found through the value it replaces.
    expect(() => admit(gate, updatesOf(client, () => cell.setAttribute('rowspan', 1e9 as unknown as string))[0]!)).toThrow(/span/);
    const [twice] = updatesOf(client, () =>
      client.transact(() => {
        const other = new Y.XmlElement('table_cell');
        client.getXmlFragment('prosemirror').insert(1, [other]);
        other.setAttribute('colspan', 1 as unknown as string);
        other.setAttribute('colspan', 1e308 as unknown as string);
      }),
    );
    expect(() => admit(gate, twice!)).toThrow(/span/);
  });
  it('finds the key of a value 2 000 replacements deep in one update (each item resolved once, not by a walk of the whole chain)', () => {
    // Without garbage collection the replaced values stay in the update, each naming the one before as its origin.
    const client = new Y.Doc({ gc: false });
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    expect(admit(gate, cellUpdate({ colspan: 1 }, client))).toBe(true);
    const cell = client.getXmlFragment('prosemirror').get(0) as Y.XmlElement;
    const chain = (last: number) =>
      updatesOf(client, () =>
        client.transact(() => {
          for (let i = 0; i < 2_000; i++) cell.setAttribute('colspan', ((i % 3) + 1) as unknown as string);
          cell.setAttribute('colspan', last as unknown as string);
        }),
      )[0]!;
    expect(admit(gate, chain(2))).toBe(true);
    expect(() => admit(gate, chain(1e308))).toThrow(/span/);
  });
});

describe('update gate: attribute values the schema refuses', () => {
  /** An update of a client that skips the editor: `build` writes into the document's fragment. */
  const written = (build: (fragment: Y.XmlFragment) => void, existing?: Y.Doc) => {
    const client = existing ?? new Y.Doc();
    return updatesOf(client, () => client.transact(() => build(client.getXmlFragment('prosemirror'))))[0]!;
  };
  const element = (name: string, attrs: Record<string, unknown>, children: Array<Y.XmlElement | Y.XmlText> = []) => {
    const el = new Y.XmlElement(name);
    for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value as string);
    el.insert(0, children);
    return el;
  };
  const linked = (href: unknown) => {
    const text = new Y.XmlText();
    text.insert(0, 'site', { link: { href, title: null } });
    return text;
  };

  // y-prosemirror deletes, for everyone, an element it cannot make from its attributes as soon as someone
  // opens the document (a heading of level "abc" with its text; found by a review of stored documents).
  it.each([
    ['a heading of level "abc"', () => element('heading', { level: 'abc' }, [new Y.XmlText('Title')])],
    ['a task checked "yes"', () => element('task_list', {}, [element('task_item', { checked: 'yes' }, [element('paragraph', {}, [new Y.XmlText('a')])])])],
    ['a numbered list starting at "3"', () => element('ordered_list', { order: '3' })],
    ['an image whose source is a number', () => element('paragraph', {}, [element('image', { src: 5 })])],
    ['a link to the number 5', () => element('paragraph', {}, [linked(5)])],
  ])('refuses %s', (_, made) => {
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    expect(() => admit(gate, written((f) => f.insert(0, [made()])))).toThrow(/attribute/);
  });

  it('admits the values the editor writes, attributes the schema does not name, and elements it does not know', () => {
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    const update = written((f) =>
      f.insert(0, [
        element('heading', { level: 2, __proto__: 'x', constructor: 5 }, [new Y.XmlText('Title')]),
        element('task_list', {}, [element('task_item', { checked: true }, [element('paragraph', {}, [new Y.XmlText('a')])])]),
        element('ordered_list', { order: 3 }),
        element('paragraph', {}, [element('image', { src: 'https://example.com/a.png', alt: null }), linked('https://example.com')]),
        element('callout', { level: 'anything' }),
      ]),
    );
    expect(admit(gate, update)).toBe(true);
  });

  it('refuses a value that replaces another (its key and element found through the value it replaces), and a link format on text already there', () => {
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    const client = new Y.Doc();
    expect(admit(gate, written((f) => f.insert(0, [element('heading', { level: 1 }, [new Y.XmlText('Title')])]), client))).toBe(true);
    const heading = client.getXmlFragment('prosemirror').get(0) as Y.XmlElement;
    expect(admit(gate, written(() => heading.setAttribute('level', 3 as unknown as string), client))).toBe(true);
    expect(() => admit(gate, written(() => heading.setAttribute('level', 'abc'), client))).toThrow(/attribute/);
    const text = heading.get(0) as Y.XmlText;
    expect(() => admit(gate, written(() => text.format(0, 5, { link: { href: 5 } }), client))).toThrow(/attribute/);
  });
});
