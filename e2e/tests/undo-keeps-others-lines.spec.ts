// Alice makes a line a heading; Bob, having seen it, presses Enter at its end and types the next line; Alice's
// Ctrl+Z put Bob's line above hers, for both (an exploratory run, 4 of 4). A new block now goes after the
// blocks deleted before at its place (narrow-sync.ts insertBlocks), so the paragraph Ctrl+Z brings back stands
// where the heading stood.

import { converged } from '../fixtures/converged.js';
import { type EditorPage, writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const settle = async (...ps: EditorPage[]) => {
  for (const p of ps) await p.expectSaved();
};

test('Ctrl+Z of a heading after the other added a line below it keeps that line below; Ctrl+Y', async ({ pair }) => {
  const { alice, bob } = await pair('undo-keeps-lines/heading');
  await writeShared(alice, bob, ['Title here', 'Body.']);
  await alice.caretInTextblock(0, 2);
  await alice.page.keyboard.press('Control+Alt+2');
  await settle(alice);
  await expect.poll(() => bob.texts('h2')).toEqual(['Title here']);
  await bob.caretInTextblock(0, 'Title here'.length);
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.type('Next line');
  await settle(bob);
  await expect.poll(() => alice.blocks()).toEqual(['Title here', 'Next line', 'Body.']);
  await alice.page.keyboard.press('Control+z');
  await settle(alice, bob);
  expect(await converged([alice, bob], (p) => p.texts('h2'))).toEqual([]);
  expect(await converged([alice, bob], (p) => p.blocks())).toEqual(['Title here', 'Next line', 'Body.']);
  await alice.page.keyboard.press('Control+y');
  await settle(alice, bob);
  expect(await converged([alice, bob], (p) => p.texts('h2'))).toEqual(['Title here']);
  expect(await converged([alice, bob], (p) => p.blocks())).toEqual(['Title here', 'Next line', 'Body.']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('the same inside a quote: Ctrl+Z of a heading there keeps the line the other added below it', async ({ pair }) => {
  const { alice, bob } = await pair('undo-keeps-lines/quote');
  await writeShared(alice, bob, ['Title here', 'Body.']);
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Control+Shift+Period');
  await settle(alice);
  await expect.poll(() => bob.texts('blockquote p')).toEqual(['Title here', 'Body.']);
  await alice.caretInTextblock(0, 2);
  await alice.page.keyboard.press('Control+Alt+2');
  await settle(alice);
  await expect.poll(() => bob.texts('blockquote h2')).toEqual(['Title here']);
  await bob.caretInTextblock(0, 'Title here'.length);
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.type('Next line');
  await settle(bob);
  await expect.poll(() => alice.texts('blockquote p')).toEqual(['Next line', 'Body.']);
  await alice.page.keyboard.press('Control+z');
  await settle(alice, bob);
  expect(await converged([alice, bob], (p) => p.texts('blockquote h2'))).toEqual([]);
  expect(await converged([alice, bob], (p) => p.texts('blockquote p'))).toEqual(['Title here', 'Next line', 'Body.']);
});
