// Ctrl+Shift+Z after Ctrl+Z must bring back what was undone, and never take text with it. Alice splits a
// paragraph, Bob types into its second half, Alice takes the split back and then redoes it: the second
// half's own words were lost for everyone ("The quick BOB").

import { blocks } from '../fixtures/blocks.js';
import { type EditorPage, writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** Alice presses each key in turn; both pages then show the blocks given with it. Then all is saved, and no page error. */
async function pressAndSee(alice: EditorPage, bob: EditorPage, steps: ReadonlyArray<readonly [string, readonly string[]]>) {
  for (const [key, expected] of steps) {
    await alice.page.keyboard.press(key);
    await expect.poll(() => alice.blocks()).toEqual(expected);
    await expect.poll(() => bob.blocks()).toEqual(expected);
  }
  await alice.expectSaved();
  expect([...alice.errors, ...bob.errors]).toEqual([]);
}

test('Ctrl+Z then Ctrl+Shift+Z of a split keeps both halves and what someone typed into the second', async ({ pair }) => {
  const { alice, bob } = await pair('redo-keeps/split');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('The quick brown fox jumps');
  await alice.page.waitForTimeout(1_100); // a pause: the split is an undo step of its own
  await alice.caretAt(0, 10);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => bob.blocks()).toEqual(['The quick ', 'brown fox jumps']);

  await bob.caretAt(1, 15);
  await bob.page.keyboard.insertText('BOB');
  await expect.poll(() => alice.blocks()).toEqual(['The quick ', 'brown fox jumpsBOB']);
  await bob.expectSaved();

  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => alice.blocks()).toEqual(['The quick brown fox jumpsBOB']);
  await expect.poll(() => bob.blocks()).toEqual(['The quick brown fox jumpsBOB']);
  await alice.page.keyboard.press('Control+Shift+z');
  const expected = ['The quick ', 'brown fox jumpsBOB'];
  await expect.poll(() => alice.blocks()).toEqual(expected);
  await expect.poll(() => bob.blocks()).toEqual(expected);
  await alice.expectSaved();
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('Ctrl+Z, Ctrl+Shift+Z, Ctrl+Z of a join keeps what someone typed into the joined paragraph', async ({ pair }) => {
  const { alice, bob } = await pair('redo-keeps/join');
  await writeShared(alice, bob, ['Hello', 'world']);
  await alice.page.waitForTimeout(1_100); // a pause: the join is an undo step of its own
  await alice.caretAt(1, 0);
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => bob.blocks()).toEqual(['Helloworld']);

  await bob.caretAt(0, 10);
  await bob.page.keyboard.insertText(' wide');
  await expect.poll(() => alice.blocks()).toEqual(['Helloworld wide']);
  await bob.expectSaved();

  await pressAndSee(alice, bob, [
    ['Control+z', ['Hello', 'world wide']],
    ['Control+Shift+z', ['Helloworld wide']],
    ['Control+z', ['Hello', 'world wide']],
  ]);
});

test('Tab then Shift+Tab on an item, Bob types at its end, Alice takes both back and redoes them: his letter stays', async ({ pair }) => {
  const { alice, bob } = await pair('redo-keeps/tab-shift-tab');
  await alice.focusEnd();
  await alice.page.keyboard.type('- ');
  await alice.page.keyboard.insertText('one');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('two');
  await alice.page.waitForTimeout(1_100);
  await alice.caretInTextblock(1, 0);
  await alice.page.keyboard.press('Tab');
  await alice.page.waitForTimeout(1_100);
  await alice.page.keyboard.press('Shift+Tab');
  const flat = ['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:twoX'];
  const nested = ['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>bullet_list>list_item>paragraph:twoX'];
  await expect.poll(() => bob.blocks()).toEqual(['one', 'two']);
  await bob.caretInTextblock(1, 3);
  await bob.page.keyboard.insertText('X');
  await expect.poll(() => blocks(alice)).toEqual(flat);
  await bob.expectSaved();

  for (const [key, expected] of [
    ['Control+z', nested],
    ['Control+z', flat],
    ['Control+Shift+z', nested],
    ['Control+Shift+z', flat],
  ] as const) {
    await alice.page.keyboard.press(key);
    await expect.poll(() => blocks(alice)).toEqual(expected);
    await expect.poll(() => blocks(bob)).toEqual(expected);
  }
  await alice.expectSaved();
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

for (const { where, doc, caret, typed, redone } of [
  { where: 'at the start of the new line', doc: 'start-of-second-half', caret: [1, 0], typed: ['Hello', 'X world'], redone: ['Hello', 'X world'] },
  { where: 'at the end of the first half', doc: 'end-of-first-half', caret: [0, 5], typed: ['HelloX', ' world'], redone: ['HelloX', ' world'] },
] as const) {
  test(`Enter, Bob types ${where}, Ctrl+Z and Ctrl+Shift+Z keep his letter there`, async ({ pair }) => {
    const { alice, bob } = await pair(`redo-keeps/${doc}`);
    await alice.focusEnd();
    await alice.page.keyboard.insertText('Hello world');
    await alice.page.waitForTimeout(1_100);
    await alice.caretAt(0, 5);
    await alice.page.keyboard.press('Enter');
    await expect.poll(() => bob.blocks()).toEqual(['Hello', ' world']);
    await bob.caretAt(caret[0], caret[1]);
    await bob.page.keyboard.insertText('X');
    await expect.poll(() => alice.blocks()).toEqual(typed);
    await bob.expectSaved();
    await pressAndSee(alice, bob, [
      ['Control+z', ['HelloX world']],
      ['Control+Shift+z', redone],
      ['Control+z', ['HelloX world']],
    ]);
  });
}

test('a deletion across three paragraphs, Bob types in what is left of the last: Ctrl+Z and Ctrl+Shift+Z keep his letter in its word', async ({ pair }) => {
  const { alice, bob } = await pair('redo-keeps/across-paragraphs');
  await writeShared(alice, bob, ['Alpha one', 'Beta two', 'Gamma three']);
  await alice.page.waitForTimeout(1_100);
  await alice.page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const { view } = (window as any).tandem;
    const doc = view.state.doc;
    const from = 1 + 6;
    const to = doc.child(0).nodeSize + doc.child(1).nodeSize + 1 + 5;
    view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.between(doc.resolve(from), doc.resolve(to))));
    view.focus();
  });
  await alice.selectionRead();
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => bob.blocks()).toEqual(['Alpha  three']);
  await bob.caretAt(0, 9);
  await bob.page.keyboard.insertText('X');
  await expect.poll(() => alice.blocks()).toEqual(['Alpha  thXree']);
  await bob.expectSaved();
  await pressAndSee(alice, bob, [
    ['Control+z', ['Alpha one', 'Beta two', 'Gamma thXree']],
    ['Control+Shift+z', ['Alpha  thXree']],
    ['Control+z', ['Alpha one', 'Beta two', 'Gamma thXree']],
  ]);
});
