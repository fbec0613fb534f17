// A task ticked by one person while the other, unseen, presses Tab or Shift+Tab in it: the indent is
// written as the item deleted and a copy put in the other list, and the copy carried the box as the mover
// saw it, unticked: the tick was lost for everyone (found by an exploratory run). The ticker's page now
// ticks the copy (attrs-in-moves.ts).

import { blocks, tasks } from '../fixtures/blocks.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

async function writeTasks(alice: EditorPage, bob: EditorPage): Promise<void> {
  await alice.focusEnd();
  await alice.type('[ ] one');
  for (const text of ['two', 'three']) {
    await alice.page.keyboard.press('Enter');
    await alice.page.keyboard.insertText(text);
  }
  await expect.poll(() => tasks(bob)).toEqual(['[ ] one', '[ ] two', '[ ] three']);
  await alice.expectSaved();
}

const indented = ['task_list>task_item>paragraph:one', 'task_list>task_item>task_list>task_item>paragraph:two', 'task_list>task_item>paragraph:three'];

test('Alice ticks "two" while Bob, offline, presses Tab in it: ticked and indented for both', async ({ pair }) => {
  const { alice, bob } = await pair('tick-while-moved/tab');
  await writeTasks(alice, bob);

  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.caretInTextblock(1, 1);
  await bob.page.keyboard.press('Tab');
  await expect.poll(() => blocks(bob)).toEqual(indented);
  await alice.editor.getByRole('checkbox', { name: 'Done' }).nth(1).click();
  await alice.expectSaved();
  await bob.context.setOffline(false);
  await bob.expectSaved();

  for (const person of [alice, bob]) {
    await expect.poll(() => tasks(person)).toEqual(['[ ] one', '[x] two', '[ ] three']);
    await expect.poll(() => blocks(person)).toEqual(indented);
  }
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('Alice, offline, ticks "two" while Bob presses Shift+Tab in it: ticked and outdented for both', async ({ pair }) => {
  const { alice, bob } = await pair('tick-while-moved/shift-tab');
  await writeTasks(alice, bob);
  await alice.caretInTextblock(1, 1);
  await alice.page.keyboard.press('Tab');
  await expect.poll(() => blocks(bob)).toEqual(indented);
  await alice.expectSaved();

  await alice.context.setOffline(true);
  await expect(alice.status).toHaveAttribute('data-connection', 'offline');
  await alice.editor.getByRole('checkbox', { name: 'Done' }).nth(1).click();
  await bob.caretInTextblock(1, 1);
  await bob.page.keyboard.press('Shift+Tab');
  await bob.expectSaved();
  await alice.context.setOffline(false);
  await alice.expectSaved();

  const flat = ['task_list>task_item>paragraph:one', 'task_list>task_item>paragraph:two', 'task_list>task_item>paragraph:three'];
  for (const person of [alice, bob]) {
    await expect.poll(() => tasks(person)).toEqual(['[ ] one', '[x] two', '[ ] three']);
    await expect.poll(() => blocks(person)).toEqual(flat);
  }
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
