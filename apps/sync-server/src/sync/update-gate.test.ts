import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { schema } from '@tandem/schema';
import type { Mark, Node } from 'prosemirror-model';
import { prosemirrorToYXmlFragment, updateYFragment } from 'y-prosemirror';
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

describe('update gate: what the editor writes (y-prosemirror, every node and mark of the schema)', () => {
  /** A document holding every node type of the schema, each attribute at a value the editor writes, and every mark. */
  const everything = (variant: 0 | 1): Node => {
    const { nodes: n, marks: m } = schema;
    const text = (t: string, ...marks: Mark[]) => schema.text(t, marks);
    const p = (...content: Node[]) => n.paragraph.create(null, content);
    const cell = (type: 'table_cell' | 'table_header', attrs: Record<string, unknown>) => n[type].create(attrs, p(text('c')));
    const marked = [
      text('plain '),
      text('link', m.link.create({ href: 'https://example.com/', title: variant === 0 ? null : 'A title' })),
      text(' em', m.em.create()),
      text(' strong', m.strong.create(), m.underline.create()),
      text(' struck', m.strikethrough.create()),
      text(' code', m.code.create()),
    ];
    return n.doc.create(null, [
      n.heading.create({ level: variant === 0 ? 1 : 6 }, text('Title')),
      p(...marked, n.hard_break.create(), text('after a break')),
      p(n.image.create({ src: 'https://example.com/a.png', alt: variant === 0 ? null : 'alt', title: variant === 0 ? null : 'image title' })),
      n.blockquote.create(null, p(text('quoted'))),
      n.horizontal_rule.create(),
      n.code_block.create(null, text('let x = 1;')),
      n.ordered_list.create({ order: variant === 0 ? 1 : 7 }, n.list_item.create(null, p(text('one')))),
      n.bullet_list.create(null, n.list_item.create(null, [p(text('dot')), n.bullet_list.create(null, n.list_item.create(null, p(text('nested'))))])),
      n.task_list.create(null, [n.task_item.create({ checked: variant === 1 }, p(text('task'))), n.task_item.create({ checked: variant === 0 }, p(text('done')))]),
      n.table.create(null, [
        n.table_row.create(null, [cell('table_header', { colspan: 2, colwidth: variant === 0 ? null : [120, 80] }), cell('table_header', {})]),
        n.table_row.create(null, [cell('table_cell', { rowspan: variant === 0 ? 1 : 2, colwidth: [100] }), cell('table_cell', { colspan: 2, colwidth: [50, 60] })]),
      ]),
    ]);
  };

  it('admits every node and mark type written through updateYFragment (the editor’s write path), and every change of their attributes', () => {
    const covered = new Set<string>();
    everything(0).descendants((node) => {
      covered.add(node.type.name);
      for (const mark of node.marks) covered.add(mark.type.name);
    });
    expect([...covered].sort()).toEqual([...Object.keys(schema.nodes).filter((name) => name !== 'doc'), ...Object.keys(schema.marks)].sort());
    for (const [first, then] of [
      [0, 1],
      [1, 0],
    ] as const) {
      const gate = new UpdateGate(new Y.Doc(), 'doc');
      const client = new Y.Doc();
      const fragment = client.getXmlFragment('prosemirror');
      const meta = () => ({ mapping: new Map(), isOMark: new Map() });
      const write = (node: Node) => updatesOf(client, () => client.transact(() => updateYFragment(client, fragment, node, meta())));
      for (const update of [...write(everything(first)), ...write(everything(then))]) expect(admit(gate, update)).toBe(true);
      // The same document written whole, as a new editor's first sync (prosemirrorToYXmlFragment).
      const fresh = new Y.Doc();
      prosemirrorToYXmlFragment(everything(then), fresh.getXmlFragment('prosemirror'));
      expect(admit(new UpdateGate(new Y.Doc(), 'doc'), Y.encodeStateAsUpdate(fresh))).toBe(true);
    }
  });
});

describe('update gate: values the schema refuses, written other than through setAttribute (a review)', () => {
  /**
   * A heading whose level item is then rewritten as a client that skips Yjs' own writers could send it: Yjs
   * reads a map entry as the last value its item holds, whatever the kind of content.
   */
  const headingWith = (content: () => Y.AbstractContent) => {
    const client = new Y.Doc();
    client.transact(() => {
      const heading = new Y.XmlElement('heading');
      client.getXmlFragment('prosemirror').insert(0, [heading]);
      heading.setAttribute('level', 2 as unknown as string);
    });
    const item = (client.getXmlFragment('prosemirror').get(0) as Y.XmlElement)._map.get('level')!;
    item.content = content();
    item.length = item.content.getLength();
    const update = Y.encodeStateAsUpdate(client);
    // What a document that took it reads: the editor makes its heading from these attributes.
    const reader = new Y.Doc();
    Y.applyUpdate(reader, update);
    return { update, read: (reader.getXmlFragment('prosemirror').get(0) as Y.XmlElement).getAttribute('level') as unknown };
  };

  it.each([
    ['several values, the last one read ("abc" after 1)', () => new Y.ContentAny([1, 'abc'])],
    ['JSON content', () => new Y.ContentJSON(['abc'])],
    ['a string’s characters (the last one read)', () => new Y.ContentString('12')],
    ['an embed', () => new Y.ContentEmbed({ level: 2 })],
    ['binary', () => new Y.ContentBinary(new Uint8Array([2]))],
    ['a shared type', () => new Y.ContentType(new Y.Map())],
  ])('refuses a heading level written as %s', (_, content) => {
    const { update, read } = headingWith(content);
    expect(typeof read).not.toBe('number');
    expect(() => admit(new UpdateGate(new Y.Doc(), 'doc'), update)).toThrow(/attribute/);
  });

  it('refuses a span written as several values, the last one out of range', () => {
    const client = new Y.Doc();
    client.transact(() => {
      const cell = new Y.XmlElement('table_cell');
      client.getXmlFragment('prosemirror').insert(0, [cell]);
      cell.setAttribute('colspan', 1 as unknown as string);
    });
    const item = (client.getXmlFragment('prosemirror').get(0) as Y.XmlElement)._map.get('colspan')!;
    item.content = new Y.ContentAny([1, 1e308]);
    item.length = 2;
    expect(() => admit(new UpdateGate(new Y.Doc(), 'doc'), Y.encodeStateAsUpdate(client))).toThrow(/span/);
  });

  /** Text formatted with `formats` as a client that skips the editor would. */
  const formatted = (formats: Record<string, unknown>) => {
    const client = new Y.Doc();
    return updatesOf(client, () =>
      client.transact(() => {
        const paragraph = new Y.XmlElement('paragraph');
        client.getXmlFragment('prosemirror').insert(0, [paragraph]);
        const text = new Y.XmlText();
        paragraph.insert(0, [text]);
        text.insert(0, 'site', formats);
      }),
    )[0]!;
  };

  // y-prosemirror makes a mark from the value as it is (schema.mark(name, value)): a link's href has no default,
  // so a value without one throws, and the whole text is deleted for everyone by the first editor to open it.
  it.each([
    ['a link that is a number', { link: 5 }],
    ['a link that is text', { link: 'https://example.com/' }],
    ['a link that is true', { link: true }],
    ['a link without an href', { link: { title: 'x' } }],
    ['a link that is an array', { link: ['https://example.com/'] }],
    ['a link under a hashed name (y-prosemirror reads "link--abcdefgh" as link)', { 'link--abcdefgh': { href: 5, title: null } }],
  ])('refuses %s', (_, formats) => {
    expect(() => admit(new UpdateGate(new Y.Doc(), 'doc'), formatted(formats))).toThrow(/attribute|mark/);
  });

  it('admits marks the editor and other clients write: a mark without attributes as true or {}, a link with and without a title, a format the schema does not know', () => {
    for (const formats of [{ strong: true }, { em: {} }, { link: { href: 'https://example.com/', title: null } }, { link: { href: 'https://example.com/' } }, { bold: 5 }, { 'em--abcdefgh': {} }]) {
      expect(admit(new UpdateGate(new Y.Doc(), 'doc'), formatted(formats)), JSON.stringify(formats)).toBe(true);
    }
  });

  // The document holds blocks, nested no deeper than an import may: a bare text node, a Y.Text, a map or a plain
  // value at the document's top made every export answer 500 (and, with an anchored comment, the comment list
  // and restores); blocks nested 20 000 deep ran the history threads out of stack, restores included.
  describe('blocks where the document cannot hold them', () => {
    const nested = (client: Y.Doc, depth: number) => {
      let block = new Y.XmlElement('blockquote');
      client.getXmlFragment('prosemirror').insert(0, [block]);
      for (let level = 3; level < depth; level++) {
        const inner = new Y.XmlElement('blockquote');
        block.insert(0, [inner]);
        block = inner;
      }
      const paragraph = new Y.XmlElement('paragraph');
      block.insert(0, [paragraph]);
      paragraph.insert(0, [new Y.XmlText('deep')]);
    };

    it('refuses anything but a block at the top of the document, and stores nothing of it', () => {
      const makers: Array<[string, (client: Y.Doc) => void]> = [
        ['a bare text node', (client) => client.getXmlFragment('prosemirror').insert(0, [new Y.XmlText('naked')])],
        ['a Y.Text', (client) => client.getArray('prosemirror').insert(0, [new Y.Text('t')])],
        ['a map', (client) => client.getArray('prosemirror').insert(0, [new Y.Map()])],
        ['a plain value', (client) => client.getArray('prosemirror').insert(0, ['text'])],
        ['an entry by key', (client) => client.getMap('prosemirror').set('k', 1)],
      ];
      for (const [what, make] of makers) {
        const client = new Y.Doc();
        const [update] = updatesOf(client, () => client.transact(() => make(client)));
        const gate = new UpdateGate(new Y.Doc(), 'doc');
        expect(() => admit(gate, update!), what).toThrow(/other than a block/);
        const plain = new Y.Doc();
        const [clean] = updatesOf(plain, () => plain.transact(() => plain.getXmlFragment('prosemirror').insert(0, [new Y.XmlElement('paragraph')])));
        expect(admit(gate, clean!), what).toBe(true);
      }
    });

    it("judges what an update parked in the shadow puts in the document once another client's update releases it", () => {
      // The gate looks only at the items of the clients an update writes (a walk over every client cost time in
      // the number the document ever held), and at every client's while something is parked.
      const first = new Y.Doc();
      const [paragraph] = updatesOf(first, () => first.getXmlFragment('prosemirror').insert(0, [new Y.XmlElement('paragraph')]));
      const other = new Y.Doc();
      Y.applyUpdate(other, paragraph!);
      const [naked] = updatesOf(other, () => other.getXmlFragment('prosemirror').insert(0, [new Y.XmlText('naked')]));
      const gate = new UpdateGate(new Y.Doc(), 'doc');
      expect(admit(gate, naked!)).toBe(true); // waits for the paragraph it comes before: nothing to judge yet
      expect(() => admit(gate, paragraph!)).toThrow(/other than a block/);
    });

    it('refuses blocks nested more than MAX_NESTING levels, new or put inside deep ones, and admits them up to it', () => {
      const deep = new Y.Doc();
      const [tooDeep] = updatesOf(deep, () => deep.transact(() => nested(deep, 101)));
      expect(() => admit(new UpdateGate(new Y.Doc(), 'doc'), tooDeep!)).toThrow(/more than 100 levels/);
      const fine = new Y.Doc();
      const [deepest] = updatesOf(fine, () => fine.transact(() => nested(fine, 100)));
      const room = new Y.Doc();
      const gate = new UpdateGate(room, 'doc');
      expect(admit(gate, deepest!)).toBe(true);
      Y.applyUpdate(room, deepest!);
      // A quote holding a paragraph put inside the deepest quote: its paragraph one level too deep, refused.
      let innermost = fine.getXmlFragment('prosemirror').get(0) as Y.XmlElement;
      while (innermost.get(0) instanceof Y.XmlElement && (innermost.get(0) as Y.XmlElement).nodeName === 'blockquote') innermost = innermost.get(0) as Y.XmlElement;
      const quote = new Y.XmlElement('blockquote');
      quote.insert(0, [new Y.XmlElement('paragraph')]);
      const [deeper] = updatesOf(fine, () => innermost.insert(0, [quote]));
      expect(() => admit(new UpdateGate(room, 'doc'), deeper!)).toThrow(/more than 100 levels/);
    });

    it('judges 20 000 levels in an update quickly: the walk up stops at the limit', () => {
      const deep = new Y.Doc();
      const [update] = updatesOf(deep, () => deep.transact(() => nested(deep, 20_000)));
      expect(() => admit(new UpdateGate(new Y.Doc(), 'doc'), update!)).toThrow(/more than 100 levels/);
    });
  });

  // A code block holds no marks: y-prosemirror cannot read one given any (ProseMirror refuses its content), and
  // every editor's page opening it deleted the block from the shared document, its text with it. Our editor
  // never writes one (allowed-marks.ts); another client could, into a new code block or an existing one.
  describe('a mark in a block that may not hold it', () => {
    const codeBlock = (client: Y.Doc) => {
      const block = new Y.XmlElement('code_block');
      client.getXmlFragment('prosemirror').insert(0, [block]);
      const text = new Y.XmlText();
      block.insert(0, [text]);
      text.insert(0, 'let x = 1;');
      return text;
    };

    it('is refused in a new code block, whatever the mark (a hashed name too), and nothing of it is stored', () => {
      for (const formats of [{ strong: true }, { em: {} }, { code: true }, { link: { href: 'https://example.com/' } }, { 'strong--abcdefgh': true }]) {
        const client = new Y.Doc();
        const [update] = updatesOf(client, () => client.transact(() => codeBlock(client).insert(4, 'y', formats)));
        const gate = new UpdateGate(new Y.Doc(), 'doc');
        expect(() => admit(gate, update!), JSON.stringify(formats)).toThrow(/code_block.*(strong|em|code|link)/);
        // The gate holds nothing of it: the same text without the mark is admitted after it.
        const plain = new Y.Doc();
        const [clean] = updatesOf(plain, () => plain.transact(() => codeBlock(plain)));
        expect(admit(gate, clean!)).toBe(true);
      }
    });

    it('is refused as a format added to an existing code block’s text, and the block stays as stored', () => {
      const client = new Y.Doc();
      const [created] = updatesOf(client, () => client.transact(() => codeBlock(client)));
      const room = new Y.Doc();
      Y.applyUpdate(room, created!);
      const gate = new UpdateGate(room, 'doc');
      const text = (client.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(0) as Y.XmlText;
      const [bold] = updatesOf(client, () => text.format(0, 3, { strong: true }));
      expect(() => admit(gate, bold!)).toThrow(/code_block/);
      // Taking a mark off (null) writes nothing y-prosemirror reads as a mark: admitted.
      const [off] = updatesOf(client, () => text.format(0, 3, { strong: null }));
      expect(admit(new UpdateGate(room, 'doc'), off!)).toBe(true);
    });

    it('is admitted where the block allows it: bold in a paragraph, a heading, a list item’s line', () => {
      for (const name of ['paragraph', 'heading']) {
        const client = new Y.Doc();
        const [update] = updatesOf(client, () =>
          client.transact(() => {
            const block = new Y.XmlElement(name);
            client.getXmlFragment('prosemirror').insert(0, [block]);
            const text = new Y.XmlText();
            block.insert(0, [text]);
            text.insert(0, 'bold', { strong: true });
          }),
        );
        expect(admit(new UpdateGate(new Y.Doc(), 'doc'), update!), name).toBe(true);
      }
    });
  });

  it('refuses a value set on an element the gate does not hold yet (it arrives in a later update)', () => {
    const client = new Y.Doc();
    const [created] = updatesOf(client, () => client.getXmlFragment('prosemirror').insert(0, [new Y.XmlElement('heading')]));
    const heading = client.getXmlFragment('prosemirror').get(0) as Y.XmlElement;
    const [set] = updatesOf(client, () => heading.setAttribute('level', 'abc'));
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    expect(() => admit(gate, set!)).toThrow(/attribute/);
    expect(admit(gate, created!)).toBe(true);
    // A value the schema takes, sent before its element, waits for it as before.
    const other = new Y.Doc();
    updatesOf(other, () => other.getXmlFragment('prosemirror').insert(0, [new Y.XmlElement('heading')]));
    const [good] = updatesOf(other, () => (other.getXmlFragment('prosemirror').get(0) as Y.XmlElement).setAttribute('level', 3 as unknown as string));
    expect(admit(new UpdateGate(new Y.Doc(), 'doc'), good!)).toBe(true);
  });

  it('judges updates of one batch with what the earlier ones wrote: an editor’s quick changes admitted, a value replaced by a refused one refused', () => {
    const client = new Y.Doc();
    const fragment = client.getXmlFragment('prosemirror');
    const heading = new Y.XmlElement('heading');
    const text = new Y.XmlText();
    const batch = [
      ...updatesOf(client, () => client.transact(() => (fragment.insert(0, [heading]), heading.insert(0, [text]), heading.setAttribute('level', 1 as unknown as string)))),
      ...updatesOf(client, () => text.insert(0, 'T')),
      ...updatesOf(client, () => text.insert(1, 'itle')),
      ...updatesOf(client, () => heading.setAttribute('level', 2 as unknown as string)),
      ...updatesOf(client, () => heading.setAttribute('level', 3 as unknown as string)),
    ];
    expect(new UpdateGate(new Y.Doc(), 'doc').admitAll(batch).map(String)).toEqual(batch.map(() => 'store'));
    const [bad] = updatesOf(client, () => heading.setAttribute('level', 'abc'));
    const verdicts = new UpdateGate(new Y.Doc(), 'doc').admitAll([...batch, bad!]);
    expect(String(verdicts.at(-1))).toMatch(/heading's level/);
  });

  it('does not judge again what the document holds: a value stored before values were judged, sent again, is skipped, not refused', () => {
    const legacy = new Y.Doc();
    const [update] = updatesOf(legacy, () =>
      legacy.transact(() => {
        const heading = new Y.XmlElement('heading');
        legacy.getXmlFragment('prosemirror').insert(0, [heading]);
        heading.setAttribute('level', 'abc');
      }),
    );
    const stored = new Y.Doc();
    Y.applyUpdate(stored, update!);
    expect(admit(new UpdateGate(stored, 'doc'), update!)).toBe(false);
  });

  it('refuses a value that replaces one its own client wrote in an update not sent yet (its key unknown until then)', () => {
    const client = new Y.Doc();
    const [created] = updatesOf(client, () =>
      client.transact(() => {
        const heading = new Y.XmlElement('heading');
        client.getXmlFragment('prosemirror').insert(0, [heading]);
        heading.setAttribute('level', 1 as unknown as string);
      }),
    );
    const [replaced] = updatesOf(client, () => (client.getXmlFragment('prosemirror').get(0) as Y.XmlElement).setAttribute('level', 'abc'));
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    expect(() => admit(gate, replaced!)).toThrow(/does not hold/);
    expect(admit(gate, created!)).toBe(true);
  });

  it("refuses a value that replaces another client's value the document does not hold: Yjs would integrate it as that value's key when it lands", () => {
    // A crafted client writes under two client ids: a value after one of the second id, not sent yet, then
    // that one as a heading's level. Stored, the first became the heading's level "abc" (found by a review).
    const first = new Y.Doc();
    const [created] = updatesOf(first, () =>
      first.transact(() => {
        const heading = new Y.XmlElement('heading');
        first.getXmlFragment('prosemirror').insert(0, [heading]);
        heading.setAttribute('level', 1 as unknown as string);
      }),
    );
    const second = new Y.Doc();
    Y.applyUpdate(second, created!);
    const [replaced] = updatesOf(second, () => (second.getXmlFragment('prosemirror').get(0) as Y.XmlElement).setAttribute('level', 'abc'));
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    expect(() => admit(gate, replaced!)).toThrow(/does not hold/);
    expect(admit(gate, created!)).toBe(true);
    expect(() => admit(gate, replaced!)).toThrow(/level to "abc"/);
  });

  it("admits writing after its own client's text in a paragraph the document holds deleted (collected), as Yjs takes it", () => {
    // Found by the churn test: a person offline types in a paragraph of theirs that someone else deleted meanwhile
    // (the document collected it and its text); their update was refused as replacing "a value the document does
    // not hold".
    const room = new Y.Doc();
    const person = new Y.Doc();
    const text = new Y.XmlText();
    const [typed] = updatesOf(person, () =>
      person.transact(() => {
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [text]);
        person.getXmlFragment('prosemirror').insert(0, [paragraph]);
        text.insert(0, 'abc');
      }),
    );
    Y.applyUpdate(room, typed!);
    const gate = new UpdateGate(room, 'doc');
    const other = new Y.Doc();
    Y.applyUpdate(other, typed!);
    const [deleted] = updatesOf(other, () => other.getXmlFragment('prosemirror').delete(0, 1));
    expect(admit(gate, deleted!)).toBe(true);
    Y.applyUpdate(room, deleted!);
    const [later] = updatesOf(person, () => text.insert(2, 'X'));
    expect(admit(gate, later!)).toBe(true);
    Y.applyUpdate(room, later!);
    Y.applyUpdate(person, deleted!);
    expect(room.getXmlFragment('prosemirror').toString()).toBe(person.getXmlFragment('prosemirror').toString());
  });

  it("admits a value replacing its own client's value that the document holds deleted (collected)", () => {
    const room = new Y.Doc();
    const person = new Y.Doc();
    const [created] = updatesOf(person, () =>
      person.transact(() => {
        const heading = new Y.XmlElement('heading');
        person.getXmlFragment('prosemirror').insert(0, [heading]);
        heading.setAttribute('level', 1 as unknown as string);
      }),
    );
    Y.applyUpdate(room, created!);
    const gate = new UpdateGate(room, 'doc');
    const other = new Y.Doc();
    Y.applyUpdate(other, created!);
    const [deleted] = updatesOf(other, () => other.getXmlFragment('prosemirror').delete(0, 1));
    Y.applyUpdate(room, deleted!);
    const [replaced] = updatesOf(person, () => (person.getXmlFragment('prosemirror').get(0) as Y.XmlElement).setAttribute('level', 2 as unknown as string));
    expect(admit(gate, replaced!)).toBe(true);
  });
});

describe('update gate: the cost of judging values', () => {
  /**
   * One update of client 7 as a crafted client could send it (Yjs itself takes minutes to make 100 000 values of
   * one key in one transaction): an element `name` at the start of the fragment, then `values.length` items, the
   * first set as the element's `key` (a map's entry) or its first child (a list's), each after the one before.
   */
  const crafted = (name: string, key: string | null, values: readonly unknown[]) => {
    const client = 7;
    const e = encoding.createEncoder();
    for (const n of [1, values.length + 1, client, 0]) encoding.writeVarUint(e, n);
    encoding.writeUint8(e, 7); // ContentType, no origins: its parent follows
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, 'prosemirror');
    encoding.writeVarUint(e, 3); // an XmlElement
    encoding.writeVarString(e, name);
    values.forEach((value, i) => {
      if (i === 0) {
        encoding.writeUint8(e, 8 | (key === null ? 0 : 0x20)); // ContentAny, parent (and key) follow
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, client);
        encoding.writeVarUint(e, 0);
        if (key !== null) encoding.writeVarString(e, key);
      } else {
        encoding.writeUint8(e, 8 | 0x80); // ContentAny after its origin, the item before
        encoding.writeVarUint(e, client);
        encoding.writeVarUint(e, i);
      }
      encoding.writeVarUint(e, 1);
      encoding.writeAny(e, value as string);
    });
    encoding.writeVarUint(e, 0); // no deletions
    return encoding.toUint8Array(e);
  };
  const timed = (update: Uint8Array) => {
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    const started = performance.now();
    const [verdict] = gate.admitAll([update]);
    return { verdict, ms: performance.now() - started };
  };
  const many = (last: unknown) => [...Array.from({ length: 100_000 }, (_, i) => (i % 3) + 1), last];

  // About 0.3 s each here unloaded, 2.9 s with the machine's two cores shared by a full test run: the bound is
  // 15 s, which only the cost it guards against reaches (walking each value's chain, n², takes minutes).
  const BOUND_MS = 15_000;
  it('judges 100 000 values of one key in one message, each replacing the one before, in seconds, not minutes', { timeout: 60_000 }, () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, crafted('table_cell', 'colspan', [1, 2, 3]));
    expect((doc.getXmlFragment('prosemirror').get(0) as Y.XmlElement).getAttribute('colspan')).toBe(3); // the update is what it says
    const refused = timed(crafted('table_cell', 'colspan', many(1e308)));
    expect(String(refused.verdict)).toMatch(/span/);
    expect(refused.ms).toBeLessThan(BOUND_MS);
    const admitted = timed(crafted('table_cell', 'colspan', many(2)));
    expect(admitted.verdict).toBe('store');
    expect(admitted.ms).toBeLessThan(BOUND_MS);
    // A value set as a child of an element, not its attribute, is not an attribute's (a few: see the merge cost below).
    const list = timed(crafted('heading', null, ['abc', 1e308]));
    expect(list.verdict).toBe('store');
  });
});

describe('update gate: items Yjs would merge by copying (found by the cost review: a crafted message of 20 000 took the process down)', () => {
  /** `count` values of client 7, each its own item after the one before, in a list at the start of the fragment. */
  const separateValues = (count: number) => {
    const client = 7;
    const e = encoding.createEncoder();
    for (const n of [1, count, client, 0]) encoding.writeVarUint(e, n);
    for (let i = 0; i < count; i++) {
      if (i === 0) {
        encoding.writeUint8(e, 8); // ContentAny, its parent follows: a root (not the document's: it holds blocks only)
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, 'values');
      } else {
        encoding.writeUint8(e, 8 | 0x80); // after the item before
        encoding.writeVarUint(e, client);
        encoding.writeVarUint(e, i - 1);
      }
      encoding.writeVarUint(e, 1);
      encoding.writeAny(e, i);
    }
    encoding.writeVarUint(e, 0);
    return encoding.toUint8Array(e);
  };

  // Yjs merges adjacent items of values when it applies them, each merge copying the values merged so far
  // (ContentAny.mergeWith: arr.concat): n items cost n²/2 copies: 8 000 took 0.4 s, 20 000 ran out of memory.
  it('refuses a message of many separate values that Yjs would merge one by one, quickly', { timeout: 60_000 }, () => {
    const started = performance.now();
    const [verdict] = new UpdateGate(new Y.Doc(), 'doc').admitAll([separateValues(50_000)]);
    expect(String(verdict)).toMatch(/merge/);
    // About 0.1 s; merged one by one, 50 000 would run the process out of memory. The machine is shared: a loose bound.
    expect(performance.now() - started).toBeLessThan(15_000);
  });
  it('admits values as Yjs writes them: merged into one item, or a few separate ones (Y.mergeUpdates keeps them apart)', () => {
    const client = new Y.Doc();
    const values = client.getArray<number>('values');
    const [merged] = updatesOf(client, () => values.push(Array.from({ length: 100_000 }, (_, i) => i)));
    const separate = updatesOf(client, () => Array.from({ length: 200 }, (_, i) => values.push([i])));
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    expect(admit(gate, merged!)).toBe(true);
    expect(admit(gate, Y.mergeUpdates(separate))).toBe(true);
    expect(admit(new UpdateGate(new Y.Doc(), 'doc'), separateValues(200))).toBe(true);
  });
});
