import { COMMENTS, newCommentFields } from '@tandem/schema/comments';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Refused, UpdateGate } from './update-gate.js';

const EDITOR = (author: string) => ({ author, mayEdit: true });
const COMMENTER = (author: string) => ({ author, mayEdit: false });

/** The one update `edit` makes to `doc`. */
function updateOf(doc: Y.Doc, edit: () => void): Uint8Array {
  let update: Uint8Array | undefined;
  const record = (u: Uint8Array) => (update = u);
  doc.on('update', record);
  doc.transact(edit);
  doc.off('update', record);
  return update!;
}

function comment(doc: Y.Doc, id: string, body: string): Uint8Array {
  return updateOf(doc, () => {
    const map = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(newCommentFields({ body }))) map.set(k, v);
    doc.getMap(COMMENTS).set(id, map);
  });
}

const itemOf = (doc: Y.Doc, id: string) => (doc.getMap(COMMENTS).get(id) as Y.Map<unknown>)._item!.id;

describe('comment rules in the update gate', () => {
  it("records each comment's author when editors' comments arrive together in one turn", () => {
    const room = new Y.Doc();
    const gate = new UpdateGate(room, 'doc');
    const ada = new Y.Doc();
    const bob = new Y.Doc();
    const text = updateOf(ada, () => ada.getText('t').insert(0, 'typing'));
    const fromAda = comment(ada, 'a', 'from Ada');
    const fromBob = comment(bob, 'b', 'from Bob');
    const verdicts = gate.admitAll([text, fromAda, fromBob], [EDITOR('ada'), EDITOR('ada'), EDITOR('bob')]);
    expect(verdicts).toEqual(['store', 'store', 'store']);
    expect(gate.commentAuthors.get(itemOf(ada, 'a'))).toBe('ada');
    expect(gate.commentAuthors.get(itemOf(bob, 'b'))).toBe('bob');
  });

  it("refuses only the update that deletes another's comment out of a turn's run, and keeps the shadow without it", () => {
    const room = new Y.Doc();
    const ada = new Y.Doc();
    Y.applyUpdate(room, comment(ada, 'a', 'from Ada'));
    const gate = new UpdateGate(room, 'doc');
    gate.commentAuthors.set(itemOf(ada, 'a'), 'ada');
    const bob = new Y.Doc();
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(room));
    const typing = updateOf(bob, () => bob.getText('t').insert(0, 'fine'));
    const deleting = updateOf(bob, () => (bob.getMap(COMMENTS).get('a') as Y.Map<unknown>).set('deleted', true));
    const cat = new Y.Doc();
    const more = updateOf(cat, () => cat.getText('t').insert(0, 'also fine'));
    const verdicts = gate.admitAll([typing, deleting, more], [EDITOR('bob'), EDITOR('bob'), EDITOR('cat')]);
    expect(verdicts[0]).toBe('store');
    expect(verdicts[1]).toBeInstanceOf(Refused);
    expect(verdicts[2]).toBe('store');
    // Ada may: her own comment.
    const own = updateOf(ada, () => (ada.getMap(COMMENTS).get('a') as Y.Map<unknown>).set('deleted', true));
    expect(gate.admitAll([own], [EDITOR('ada')])).toEqual(['store']);
  });

  it('refuses a commenter update that waits for items the document lacks (it would change them later)', () => {
    const room = new Y.Doc();
    const gate = new UpdateGate(room, 'doc');
    const cat = new Y.Doc();
    comment(cat, 'c1', 'first'); // never sent
    const second = comment(cat, 'c2', 'second');
    expect(gate.admitAll([second], [COMMENTER('cat')])[0]).toBeInstanceOf(Refused);
    expect(gate.admitAll([second], [EDITOR('ed')])).toEqual(['store']);
  });

  it('refuses a comment holding a nested type or no body', () => {
    const gate = new UpdateGate(new Y.Doc(), 'doc');
    const cat = new Y.Doc();
    const nested = updateOf(cat, () => {
      const map = new Y.Map<unknown>();
      map.set('body', new Y.Text('rich'));
      cat.getMap(COMMENTS).set('x', map);
    });
    expect(gate.admitAll([nested], [COMMENTER('cat')])[0]).toBeInstanceOf(Refused);
    const bare = new Y.Doc();
    const noBody = updateOf(bare, () => bare.getMap(COMMENTS).set('y', new Y.Map<unknown>()));
    expect(gate.admitAll([noBody], [EDITOR('ed')])[0]).toBeInstanceOf(Refused);
  });
});

describe("moving a comment's anchor (an editor's undo brings its text back as new items)", () => {
  /** A room holding Ada's comment, its author known to the gate; and Bob's copy of it. */
  function withAdasComment() {
    const room = new Y.Doc();
    const ada = new Y.Doc();
    Y.applyUpdate(room, comment(ada, 'a', 'from Ada'));
    const gate = new UpdateGate(room, 'doc');
    gate.commentAuthors.set(itemOf(ada, 'a'), 'ada');
    const bob = new Y.Doc();
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(room));
    const text = bob.getText('t');
    const anchorAt = (index: number) => Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index));
    const move = (fields: Record<string, unknown>) =>
      updateOf(bob, () => {
        const map = bob.getMap(COMMENTS).get('a') as Y.Map<unknown>;
        for (const [k, v] of Object.entries(fields)) map.set(k, v);
      });
    return { gate, bob, text, anchorAt, move };
  }

  it('is allowed to any editor, not only the comment’s author', () => {
    const { gate, bob, text, anchorAt, move } = withAdasComment();
    const typing = updateOf(bob, () => text.insert(0, 'hello'));
    const moved = move({ start: anchorAt(1), end: anchorAt(3) });
    expect(gate.admitAll([typing, moved], [EDITOR('bob'), EDITOR('bob')])).toEqual(['store', 'store']);
  });

  it('is refused to a commenter, and refused to anyone as something that is not a relative position', () => {
    const { gate, anchorAt, move } = withAdasComment();
    const [byCommenter] = gate.admitAll([move({ start: anchorAt(0) })], [COMMENTER('cat')]);
    expect(byCommenter).toBeInstanceOf(Refused);
    expect((byCommenter as Refused).reason).toMatch(/only an editor moves/);
    const fresh = withAdasComment();
    const [garbage] = fresh.gate.admitAll([fresh.move({ end: new Uint8Array([255, 255, 255]) })], [EDITOR('bob')]);
    expect(garbage).toBeInstanceOf(Refused);
    const again = withAdasComment();
    const [text] = again.gate.admitAll([again.move({ start: 'somewhere' })], [EDITOR('bob')]);
    expect(text).toBeInstanceOf(Refused);
  });
});

describe('an anchor moved to bytes that point nowhere', () => {
  it('is refused: it would orphan the comment for everyone', () => {
    const verdictFor = (bytes: (text: Y.Text) => Uint8Array) => {
      const room = new Y.Doc();
      const ada = new Y.Doc();
      Y.applyUpdate(room, comment(ada, 'a', 'from Ada'));
      const gate = new UpdateGate(room, 'doc');
      gate.commentAuthors.set(itemOf(ada, 'a'), 'ada');
      const bob = new Y.Doc();
      Y.applyUpdate(bob, Y.encodeStateAsUpdate(room));
      const text = bob.getText('t');
      const typing = updateOf(bob, () => text.insert(0, 'hello'));
      const move = updateOf(bob, () => (bob.getMap(COMMENTS).get('a') as Y.Map<unknown>).set('start', bytes(text)));
      return gate.admitAll([typing, move], [EDITOR('bob'), EDITOR('bob')])[1];
    };
    const real = (text: Y.Text) => Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, 2));
    expect(verdictFor(real)).toBe('store');
    expect(verdictFor(() => new Uint8Array([9]))).toBeInstanceOf(Refused);
    expect(verdictFor((text) => new Uint8Array([...real(text), 0, 0]))).toBeInstanceOf(Refused);
    expect(verdictFor(() => Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ item: { client: 123456, clock: 9 } })))).toBeInstanceOf(Refused);
  });

  it('refuses a comment made with a time a Date cannot hold, and such a resolvedAt on anyone\'s thread (they broke the comment list for good)', () => {
    const room = new Y.Doc();
    const ada = new Y.Doc();
    Y.applyUpdate(room, comment(ada, 'a', 'from Ada'));
    const gate = new UpdateGate(room, 'doc');
    gate.commentAuthors.set(itemOf(ada, 'a'), 'ada');
    const cat = new Y.Doc();
    Y.applyUpdate(cat, Y.encodeStateAsUpdate(room));
    for (const createdAt of [1e300, Number.NaN, -Infinity, '2026-12-06']) {
      const made = updateOf(cat, () => {
        const map = new Y.Map<unknown>();
        for (const [k, v] of Object.entries({ ...newCommentFields({ body: 'bad time' }), createdAt })) map.set(k, v);
        cat.getMap(COMMENTS).set(`bad-${String(createdAt)}`, map);
      });
      expect(gate.admitAll([made], [COMMENTER('cat')])[0], String(createdAt)).toBeInstanceOf(Refused);
    }
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(room));
    const resolving = updateOf(fresh, () => (fresh.getMap(COMMENTS).get('a') as Y.Map<unknown>).set('resolvedAt', Number.NaN));
    expect(gate.admitAll([resolving], [COMMENTER('cat')])[0]).toBeInstanceOf(Refused);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(room));
    const fine = updateOf(other, () => {
      const map = other.getMap(COMMENTS).get('a') as Y.Map<unknown>;
      map.set('resolved', true);
      map.set('resolvedAt', 1_765_000_000_000);
    });
    expect(gate.admitAll([fine], [COMMENTER('cat')])[0]).toBe('store');
  });
});

