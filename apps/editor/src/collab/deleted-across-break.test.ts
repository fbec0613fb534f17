import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { caretThroughLineJoin } from './join-rescue.js';
import { blocks, cross, inText, meetAll, orders, page, person, send } from './test-editors.js';

const { nodes } = schema;
/** One paragraph: "abcd", a line break (Shift+Enter), "efgh". */
const twoLines = () => nodes.doc!.create(null, [nodes.paragraph!.create(null, [schema.text('abcd'), nodes.hard_break!.create(), schema.text('efgh')])]);

type Edit = Parameters<ReturnType<typeof page>['edit']>[0];

/**
 * Bob's `typed` (unseen by Alice) and Alice's `deleted`, made apart on `start` (Bob's id above or below hers,
 * when given); Alice's change is stored first. What Alice's page then shows, and what both show once they meet.
 */
async function meeting(start: Parameters<typeof page>[0], typed: Edit, deleted: Edit, bobAbove?: boolean): Promise<{ alone: string[]; met: string[] }> {
  const alice = page(start);
  const bob = page(alice.ydoc);
  if (bobAbove !== undefined) bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
  await send(alice, bob);
  bob.edit(typed);
  alice.edit(deleted);
  const alone = blocks(alice.ydoc);
  await send(alice, bob, false);
  return { alone, met: await meetAll(alice, bob) };
}

describe("text typed after a line break that someone else, not having seen it, deletes across", () => {
  // y-prosemirror writes a deletion across a line break as: the text after the break deleted whole, what is left
  // of it written again into the text before. What Bob had typed there, unseen by Alice, went with it, for
  // everyone (found by an exploratory review, every time: "abcfgh", Bob's "QQ" gone).
  for (const [bobAbove] of orders.filter(([, first]) => first)) {
    it(`is kept where he typed it (Bob's id ${bobAbove ? 'above' : 'below'})`, async () => {
      const { alone, met } = await meeting(
        twoLines(),
        (s) => s.tr.insertText('QQ', inText(0, 5)(s)), // right after the break: "abcd¶QQefgh"
        (s) => s.tr.delete(inText(0, 3)(s), inText(0, 6)(s)), // "c|d¶e|f"
        bobAbove,
      );
      expect(alone).toEqual(['abcfgh']);
      expect(met).toEqual(['abcQQfgh']);
    });
  }

  it('typed among the words after the break, and the rest of the line deleted whole with the break: kept, where the line went on', async () => {
    const { alone, met } = await meeting(
      twoLines(),
      (s) => s.tr.insertText('Q', inText(0, 7)(s)), // "ef|gh" → "efQgh"
      (s) => s.tr.delete(inText(0, 4)(s), inText(0, 9)(s)), // "abcd|¶efgh|": the break and all after it
    );
    expect(alone).toEqual(['abcd']);
    expect(met).toEqual(['abcdQ']);
  });

  for (const [bobAbove] of orders.filter(([, first]) => first)) {
    it(`typed over (the selection across the break replaced by a letter): kept before the rest of the line, not after it (Bob's id ${bobAbove ? 'above' : 'below'})`, async () => {
      const { met } = await meeting(
        twoLines(),
        (s) => s.tr.insertText('QQ', inText(0, 5)(s)),
        (s) => s.tr.insertText('Z', inText(0, 3)(s), inText(0, 6)(s)), // "c|d¶e|f" → "abcZfgh"
        bobAbove,
      );
      expect(met).toEqual(['abcZQQfgh']); // not after "fgh", which the change wrote there
    });
  }

  it('deleted across one break of two: what was typed after the other break is untouched, what was typed after this one kept', async () => {
    const three = nodes.doc!.create(null, [nodes.paragraph!.create(null, [schema.text('ab'), nodes.hard_break!.create(), schema.text('cdef'), nodes.hard_break!.create(), schema.text('gh')])]);
    const { met } = await meeting(
      three,
      (s) => s.tr.insertText('X', inText(0, 3)(s)).insertText('Y', inText(0, 9)(s)), // "ab¶Xcdef¶Ygh"
      (s) => s.tr.delete(inText(0, 1)(s), inText(0, 5)(s)), // "a|b¶cd|ef": "aef¶gh"
    );
    expect(met).toEqual(['aXefYgh']);
  });

  // The same across a paragraph break: kept (in a paragraph of its own), now in place, beside the characters
  // the deleter's editor noted it copied (the rest, "fgh", too short to be told from a full stop typed at once).
  for (const [bobAbove] of orders.filter(([, first]) => first)) {
    it(`across a paragraph break, typed at the start of the second: in place (Bob's id ${bobAbove ? 'above' : 'below'})`, async () => {
      const { alone, met } = await meeting(
        ['abcd', 'efgh'],
        (s) => s.tr.insertText('QQ', inText(1, 0)(s)),
        (s) => s.tr.delete(inText(0, 3)(s), inText(1, 1)(s)), // "c|d⏎e|f"
        bobAbove,
      );
      expect(alone).toEqual(['abcfgh']);
      expect(met).toEqual(['abcQQfgh']);
    });
  }

  // The caret of someone who was not typing: y-prosemirror put it at the end of the line, and what they typed
  // next went there ("abcfghQQ"; found by the same review).
  it("the other person's caret after the break goes with the text it stood in, or before what is left of it", () => {
    /** Where Bob's caret, `offset` characters into the text after the break (its end: 4), stands after Alice's deletion. */
    const caretAfter = (offset: number) => {
      const alice = person(twoLines());
      const bob = person(alice.ydoc);
      const after = (bob.ydoc.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(2) as Y.XmlText;
      const kept = Y.createRelativePositionFromTypeIndex(after, offset);
      let moved: Y.RelativePosition | undefined;
      bob.ydoc.on('beforeObserverCalls', (tr: Y.Transaction) => (moved = caretThroughLineJoin(tr, kept)));
      alice.edit((s) => s.tr.delete(inText(0, 3)(s), inText(0, 6)(s))); // "c|d¶e|f": "abcfgh"
      bob.receive(alice);
      const at = Y.createAbsolutePositionFromRelativePosition(moved!, bob.ydoc)!;
      return [(at.type as Y.XmlText).toString(), at.index];
    };
    expect(caretAfter(0)).toEqual(['abcfgh', 3]); // before the deleted "e": before "fgh"
    expect(caretAfter(2)).toEqual(['abcfgh', 4]); // "ef|gh": "abcf|gh"
    expect(caretAfter(4)).toEqual(['abcfgh', 6]); // the line's end
  });

  it("the caret of someone typing in the text after the break, after a letter the deleter had not seen: before the next letter that moved", async () => {
    const alice = page(twoLines());
    const bob = page(alice.ydoc);
    await send(alice, bob);
    bob.edit((s) => s.tr.insertText('X', inText(0, 7)(s))); // "ef|gh" → "efX|gh", unseen by Alice
    const after = (bob.ydoc.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(2) as Y.XmlText;
    const kept = Y.createRelativePositionFromTypeIndex(after, 3); // after his "X": tied to the "g"
    let moved: Y.RelativePosition | undefined;
    bob.ydoc.on('beforeObserverCalls', (tr: Y.Transaction) => void (tr.local || (moved = caretThroughLineJoin(tr, kept))));
    alice.edit((s) => s.tr.delete(inText(0, 3)(s), inText(0, 6)(s))); // "c|d¶e|f"
    Y.applyUpdate(bob.ydoc, Y.encodeStateAsUpdate(alice.ydoc, Y.encodeStateVector(bob.ydoc)), 'remote');
    const at = Y.createAbsolutePositionFromRelativePosition(moved!, bob.ydoc)!;
    expect([(at.type as Y.XmlText).toString(), at.index]).toEqual(['abcfgh', 4]); // "abcf|gh" (his "X" is typed again before the "g")
  });
});

describe('a line break both delete across at once', () => {
  // y-prosemirror writes each deletion as the text after the break deleted whole and its rest written again into
  // the text before: both wrote a copy, and everyone got the rest twice ("abcfghfgh"). Across a paragraph break
  // the editors note which characters their copies stand for (noted-moves.ts) and a character copied twice
  // without either seeing the other's copy loses one (double-move.ts); a line break's deletion is now noted
  // alike, its moves taken from ProseMirror's mapping (kept-in-place.ts, movesInLine).
  const withImage = () =>
    nodes.doc!.create(null, [nodes.paragraph!.create(null, [schema.text('abcd'), nodes.image!.create({ src: 'https://example.com/a.png' }), schema.text('efgh')])]);
  const across = (from: number, to: number) => (s: Parameters<Edit>[0]) => s.tr.delete(inText(0, from)(s), inText(0, to)(s));
  for (const [bobAbove, aliceFirst] of orders) {
    const ids = `Bob's id ${bobAbove ? 'above' : 'below'}, ${aliceFirst ? "Alice's" : "Bob's"} stored first`;
    for (const [what, start, alices, bobs, expected] of [
      ['the same selection, "c|d¶e|f"', twoLines, across(3, 6), across(3, 6), 'abcfgh'],
      ['one selection inside the other', twoLines, across(2, 7), across(3, 6), 'abgh'],
      ['the same selection across an image', withImage, across(3, 6), across(3, 6), 'abcfgh'],
    ] as const) {
      it(`${what}: the rest of the line once (${ids})`, async () => {
        const alice = page(start());
        const bob = page(alice.ydoc);
        bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
        await send(alice, bob);
        alice.edit(alices);
        bob.edit(bobs);
        await (aliceFirst ? cross(alice, bob) : cross(bob, alice));
        expect(await meetAll(alice, bob)).toEqual([expected]);
      });
    }
  }
});
