// Two people pressing Enter in one paragraph before either has the other's Enter: the end of the
// paragraph was repeated (" three" twice, or " two three" twice when both pressed it at one place) whenever
// the server had acknowledged one Enter before the other reached that page, and always at one place (found
// by an exploratory run). Each editor now notes which characters its move copied (double-move.ts, MOVED):
// the words stay once, where the earlier Enter put them, and the later Enter is made again in them
// (split-again.ts; it was dropped: "one", " two three"). Both at one place: one split. The same for Shift+Enter
// (a line break): two line breaks in one line put one of them at the end of the line.

import { shape } from '../fixtures/doc-json.js';
import { type EditorPage, writeShared } from '../fixtures/editor-page.js';
import { holdIncoming } from '../fixtures/hold-incoming.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const cases = [
  { alice: 3, bob: 7, how: 'held', key: 'Enter' },
  { alice: 7, bob: 3, how: 'offline', key: 'Enter' },
  { alice: 3, bob: 3, how: 'held', key: 'Enter' },
  { alice: 3, bob: 3, how: 'offline', key: 'Enter' },
  { alice: 3, bob: 7, how: 'held', key: 'Shift+Enter' },
  { alice: 7, bob: 3, how: 'offline', key: 'Shift+Enter' },
] as const;

/** "one two three" split by each of `at` (one split where they are one place), as Enter or Shift+Enter would. */
const expected = (at: readonly number[], key: string) => {
  const text = 'one two three';
  const points = [...new Set(at)].sort((a, b) => a - b);
  const parts = points.map((point, i) => text.slice(i === 0 ? 0 : points[i - 1], point));
  parts.push(text.slice(points.at(-1)));
  return (key === 'Enter' ? parts : [parts.join('¶')]).map((line) => `paragraph:${line}`);
};

/** Bob, offline, presses `key` where his caret is; Alice presses it where hers is, and it is stored; Bob comes back. */
async function pressWhileBobOffline(alice: EditorPage, bob: EditorPage, key: string): Promise<void> {
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.page.keyboard.press(key);
  await alice.page.keyboard.press(key);
  await alice.expectSaved();
  await bob.context.setOffline(false);
}

for (const { alice: aliceAt, bob: bobAt, how, key } of cases) {
  const crossing = how === 'held' ? 'Bob\'s stored and acknowledged before Alice\'s reached him' : 'Bob offline';
  test(`${key} after character ${aliceAt} and ${bobAt} of "one two three" at once (${crossing}): no words repeated, both made`, async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    const bob = await person('Bob', '#2563eb');
    const aliceIn = await holdIncoming(alice);
    const doc = `two-enters/${aliceAt}-${bobAt}-${how}-${key}`;
    await alice.open(server.url, doc);
    await bob.open(server.url, doc);
    await writeShared(alice, bob, ['one two three']);
    await alice.caretInTextblock(0, aliceAt);
    await bob.caretInTextblock(0, bobAt);

    if (how === 'held') {
      aliceIn.hold();
      await bob.page.keyboard.press(key);
      await bob.expectSaved();
      await alice.page.keyboard.press(key);
      await alice.page.waitForTimeout(300); // stored after Bob's, and with Bob
      aliceIn.release();
    } else {
      await pressWhileBobOffline(alice, bob, key);
    }
    await alice.expectSaved();
    await bob.expectSaved();

    await expect.poll(() => shape(alice)).toEqual(expected([aliceAt, bobAt], key));
    await expect.poll(() => shape(bob)).toEqual(expected([aliceAt, bobAt], key));
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}

// Found by a review: after two Enters at once, the one whose Enter was made again (in the other's copy of the
// words) had their caret at the start of the other's line, not in their own new line, and typed there.
test('after two Enters at once, each person types where their own caret was', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  const bob = await person('Bob', '#2563eb');
  const aliceIn = await holdIncoming(alice);
  await alice.open(server.url, 'two-enters/carets');
  await bob.open(server.url, 'two-enters/carets');
  await writeShared(alice, bob, ['one two three']);
  await alice.caretInTextblock(0, 3);
  await bob.caretInTextblock(0, 7);
  aliceIn.hold();
  await bob.page.keyboard.press('Enter');
  await bob.expectSaved();
  await alice.page.keyboard.press('Enter');
  await alice.page.waitForTimeout(300);
  aliceIn.release();
  await alice.expectSaved();
  await expect.poll(() => shape(bob)).toEqual(['paragraph:one', 'paragraph: two', 'paragraph: three']);
  await expect.poll(() => shape(alice)).toEqual(['paragraph:one', 'paragraph: two', 'paragraph: three']);
  await alice.page.keyboard.type('A');
  await alice.expectSaved();
  await bob.page.keyboard.type('B');
  await bob.expectSaved();
  await expect.poll(() => shape(alice)).toEqual(['paragraph:one', 'paragraph:A two', 'paragraph:B three']);
  expect(await shape(bob)).toEqual(['paragraph:one', 'paragraph:A two', 'paragraph:B three']);
});

// Found by a review of the test above: a caret the person moved themselves to the end of the line above their
// new line (ArrowLeft) stays there when their Enter is made again.
test('after two Enters at once, a caret moved back to the end of the line above stays there', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  const bob = await person('Bob', '#2563eb');
  const aliceIn = await holdIncoming(alice);
  await alice.open(server.url, 'two-enters/caret-left');
  await bob.open(server.url, 'two-enters/caret-left');
  await writeShared(alice, bob, ['one two three']);
  await bob.caretInTextblock(0, 3);
  await alice.caretInTextblock(0, 7);
  aliceIn.hold();
  await bob.page.keyboard.press('Enter');
  await bob.expectSaved();
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('ArrowLeft');
  await alice.page.waitForTimeout(300);
  aliceIn.release();
  await alice.expectSaved();
  await expect.poll(() => shape(alice)).toEqual(['paragraph:one', 'paragraph: two', 'paragraph: three']);
  await alice.page.keyboard.type('A');
  await alice.expectSaved();
  await expect.poll(() => shape(bob)).toEqual(['paragraph:one', 'paragraph: twoA', 'paragraph: three']);
});

// Ctrl+Z of the split made again: a line break's brought the words after it back twice ("one three¶ two three":
// the copy taken out as a repeat still counted as Alice's own), and, as an edit of its own after the pause,
// put her line break back at the end of the line for a second Ctrl+Z to take out. Now one Ctrl+Z takes back her
// split, as it does after an Enter, and Ctrl+Y makes it again.
for (const key of ['Shift+Enter', 'Enter'] as const) {
  test(`${key} at once, Bob offline: Ctrl+Z of Alice's later one, made again, takes back her split only; Ctrl+Y makes it again`, async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    const bob = await person('Bob', '#2563eb');
    const doc = `two-enters/undo-made-again-${key}`;
    await alice.open(server.url, doc);
    await bob.open(server.url, doc);
    await writeShared(alice, bob, ['one two three']);
    await alice.caretInTextblock(0, 7);
    await bob.caretInTextblock(0, 3);
    await pressWhileBobOffline(alice, bob, key);
    await bob.expectSaved();
    await alice.expectSaved();
    await expect.poll(() => shape(alice)).toEqual(expected([3, 7], key));
    await expect.poll(() => shape(bob)).toEqual(expected([3, 7], key));

    await alice.page.keyboard.press('Control+z');
    await alice.expectSaved();
    await expect.poll(() => shape(bob)).toEqual(expected([3], key));
    expect(await shape(alice)).toEqual(expected([3], key));
    await alice.page.keyboard.press('Control+y');
    await alice.expectSaved();
    await expect.poll(() => shape(bob)).toEqual(expected([3, 7], key));
    expect(await shape(alice)).toEqual(expected([3, 7], key));
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}

// The one whose split is made again had moved their caret further into their new line: it landed at the end of
// the line above (README "Still wrong"), and what they typed went there. It goes with the words now.
for (const [key, right] of [['Enter', 2], ['Shift+Enter', 2], ['Shift+Enter', 0]] as const) {
  test(`${key} at once, then ${right} × ArrowRight by the one whose ${key} is made again: they type where their caret was`, async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    const bob = await person('Bob', '#2563eb');
    const aliceIn = await holdIncoming(alice);
    const doc = `two-enters/caret-inside-${key}-${right}`;
    await alice.open(server.url, doc);
    await bob.open(server.url, doc);
    await writeShared(alice, bob, ['one two three']);
    await alice.caretInTextblock(0, 3);
    await bob.caretInTextblock(0, 7);
    aliceIn.hold();
    await bob.page.keyboard.press(key);
    for (let i = 0; i < right; i++) await bob.page.keyboard.press('ArrowRight');
    await bob.expectSaved();
    await alice.page.keyboard.press(key);
    await alice.page.waitForTimeout(300);
    aliceIn.release();
    await alice.expectSaved();
    await expect.poll(() => shape(bob)).toEqual(expected([3, 7], key));
    await bob.page.keyboard.type('B');
    await bob.expectSaved();
    const typed = ` three`.slice(0, right) + 'B' + ` three`.slice(right);
    const want = key === 'Enter' ? ['paragraph:one', 'paragraph: two', `paragraph:${typed}`] : [`paragraph:one¶ two¶${typed}`];
    await expect.poll(() => shape(alice)).toEqual(want);
    expect(await shape(bob)).toEqual(want);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}
