// Text typed right after a line break (Shift+Enter) that someone else, not having seen it yet, deletes across
// ("c|d¶e|f" selected and deleted): the editor writes such a deletion as "the text after the break deleted
// whole, what is left of it written again before the break", and Bob's letters went with the deleted text,
// for everyone, though his page had said Saved (found by an exploratory review, every time). They are kept
// where he typed them (collab/join-rescue.ts).

import { br, caret, p, resolve, setDocument, shape, t } from '../fixtures/doc-json.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { holdIncoming } from '../fixtures/hold-incoming.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** Selects from after "c" to after the "e" past the line break, by keyboard, and deletes. */
async function selectAndDelete(person: EditorPage): Promise<void> {
  await caret(person, await resolve(person, 'abc|d'));
  for (let i = 0; i < 3; i++) await person.page.keyboard.press('Shift+ArrowRight');
  await person.page.keyboard.press('Delete');
  await expect.poll(() => shape(person)).toEqual(['paragraph:abcfgh']);
}

/** Alice deletes across the line break ("c|d¶e|f"), and it is stored. */
async function deleteAcrossTheBreak(alice: EditorPage): Promise<void> {
  await selectAndDelete(alice);
  await alice.expectSaved();
}

/** Bob, offline meanwhile, is back: both show the one paragraph `text`, as does Bob's page reloaded from the server. */
async function backOnline(alice: EditorPage, bob: EditorPage, text: string): Promise<void> {
  await bob.context.setOffline(false);
  await bob.expectSaved();
  for (const person of [alice, bob]) await expect.poll(() => shape(person)).toEqual([`paragraph:${text}`]);
  await bob.page.reload();
  await bob.expectConnected();
  await expect.poll(() => shape(bob)).toEqual([`paragraph:${text}`]);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
}

test('typed offline right after the break: kept where it was typed, for everyone, after a reload too', async ({ pair }) => {
  const { alice, bob } = await pair('typing-after-deleted-break/offline');
  await setDocument(alice, bob, [p(t('abcd'), br, t('efgh'))]);
  await alice.expectSaved();
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await caret(bob, await resolve(bob, '¶|efgh'));
  await bob.type('QQ', 30);
  await expect.poll(() => shape(bob)).toEqual(['paragraph:abcd¶QQefgh']);

  await deleteAcrossTheBreak(alice);
  await backOnline(alice, bob, 'abcQQfgh');
});

test('typed while the deletion was on its way to him (stored first): kept where it was typed', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  const bob = await person('Bob', '#2563eb');
  const bobIn = await holdIncoming(bob);
  await alice.open(server.url, 'typing-after-deleted-break/in-flight');
  await bob.open(server.url, 'typing-after-deleted-break/in-flight');
  await setDocument(alice, bob, [p(t('abcd'), br, t('efgh'))]);
  await alice.expectSaved();
  await caret(bob, await resolve(bob, '¶|efgh'));
  bobIn.hold();
  await deleteAcrossTheBreak(alice);
  await bob.type('QQ', 30);
  await expect.poll(() => shape(bob)).toEqual(['paragraph:abcd¶QQefgh']);
  bobIn.release();
  await bob.expectSaved();
  for (const person of [alice, bob]) await expect.poll(() => shape(person)).toEqual(['paragraph:abcQQfgh']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test("Bob's caret right after the break, Alice's deletion seen before he types: he types where his caret was", async ({ pair }) => {
  // y-prosemirror put the caret at the end of the line ("abcfghQQ"; found by the same review, every time).
  const { alice, bob } = await pair('typing-after-deleted-break/caret');
  await setDocument(alice, bob, [p(t('abcd'), br, t('efgh'))]);
  await alice.expectSaved();
  await caret(bob, await resolve(bob, '¶|efgh'));
  await deleteAcrossTheBreak(alice);
  await expect.poll(() => shape(bob)).toEqual(['paragraph:abcfgh']);
  await bob.type('QQ', 30);
  await bob.expectSaved();
  for (const person of [alice, bob]) await expect.poll(() => shape(person)).toEqual(['paragraph:abcQQfgh']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('both delete across the same line break at once (one offline): the rest of the line once, for everyone', async ({ pair }) => {
  // Each deletion wrote the rest of the line ("fgh") again before the break: everyone got "abcfghfgh".
  const { alice, bob } = await pair('typing-after-deleted-break/both');
  await setDocument(alice, bob, [p(t('abcd'), br, t('efgh'))]);
  await alice.expectSaved();
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await selectAndDelete(bob);

  await deleteAcrossTheBreak(alice);
  await backOnline(alice, bob, 'abcfgh');
});
