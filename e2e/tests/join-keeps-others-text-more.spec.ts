// More of what the author's editor keeps through someone else's join (join-rescue.ts), found by a review:
// what the joiner saw and deleted stays deleted; text of an earlier page of this browser; a joiner who
// also typed at the join; and a block that cannot hold the text's marks.
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

/** Sets the editor's selection to document positions [from, to] computed in the page from `block` offsets. */
async function selectAt(page: Page, from: [number, number], to: [number, number] = from) {
  await page.evaluate(
    ([f, t]) => {
      const { view } = (window as unknown as { tandem: { view: any } }).tandem; // eslint-disable-line @typescript-eslint/no-explicit-any
      const pos = ([block, offset]: [number, number]) => {
        let at = 0;
        for (let i = 0; i < block; i++) at += view.state.doc.child(i).nodeSize;
        return at + 1 + offset;
      };
      view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.create(view.state.doc, pos(f), pos(t))));
      view.focus();
    },
    [from, to] as const,
  );
}

async function twoParagraphs(alice: { focusEnd(): Promise<void>; page: Page }) {
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Hello there');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('world wide');
}

test('text the joiner saw and deleted together with the join is not typed again by its author', async ({ pair }) => {
  const { alice, bob } = await pair('review-j/deleted-with-join');
  await twoParagraphs(alice);
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  // Bob types "the " at the start of the second paragraph; Alice sees it.
  await selectAt(bob.page, [1, 0]);
  await bob.selectionRead();
  await bob.page.keyboard.insertText('the ');
  await expect.poll(() => alice.blocks()).toEqual(['Hello there', 'the world wide']);
  await bob.expectSaved();
  // Alice selects from the end of "Hello there" to after "the " and deletes it: she does not want "the ".
  await selectAt(alice.page, [0, 'Hello there'.length], [1, 'the '.length]);
  await alice.selectionRead();
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld wide']);
  await alice.expectSaved();
  await bob.expectSaved();
  await alice.page.waitForTimeout(500);
  expect(await bob.blocks()).toEqual(['Hello thereworld wide']);
  expect(await alice.blocks()).toEqual(['Hello thereworld wide']);
});

test('after a reload, text typed offline into a paragraph holding the earlier page’s text is kept through a join', async ({ pair }) => {
  const { alice, bob } = await pair('review-j/after-reload');
  await twoParagraphs(alice);
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await bob.focusEnd();
  await bob.page.keyboard.insertText('!');
  await expect.poll(() => alice.blocks()).toEqual(['Hello there', 'world wide!']);
  await bob.expectSaved();
  await bob.page.reload();
  await bob.expectConnected();
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide!']);
  await bob.page.waitForTimeout(500); // the Web Lock
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await selectAt(bob.page, [1, 'world'.length]);
  await bob.selectionRead();
  await bob.page.keyboard.insertText(' so');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world so wide!']);

  await alice.focusEnd();
  await alice.page.keyboard.press('Home');
  await alice.selectionRead();
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld wide!']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await bob.expectConnected();
  await expect.poll(() => bob.blocks()).toEqual(['Hello thereworld so wide!']);
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld so wide!']);
});

test('text typed offline is kept when the joiner also typed a space at the join', async ({ pair }) => {
  const { alice, bob } = await pair('review-j/join-then-space');
  await twoParagraphs(alice);
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await bob.expectSaved();
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await selectAt(bob.page, [1, 'world'.length]);
  await bob.selectionRead();
  await bob.page.keyboard.insertText(' so');

  await alice.focusEnd();
  await alice.page.keyboard.press('Home');
  await alice.selectionRead();
  await alice.page.keyboard.press('Backspace');
  await alice.page.keyboard.insertText(' ');
  await expect.poll(() => alice.blocks()).toEqual(['Hello there world wide']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await bob.expectConnected();
  await expect.poll(() => bob.blocks()).toEqual(['Hello there world so wide']);
  await expect.poll(() => alice.blocks()).toEqual(['Hello there world so wide']);
});

test('bold text typed offline into a paragraph someone makes a code block meanwhile: the code block survives, with the text and without the mark', async ({ pair }) => {
  const { alice, bob } = await pair('review-j/code-block-bold');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Hello there');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('world wide');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await bob.expectSaved();

  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await selectAt(bob.page, [1, 'world'.length]);
  await bob.selectionRead();
  await bob.page.keyboard.press('Control+b');
  await bob.page.keyboard.insertText(' so');
  await expect(bob.page.locator('.ProseMirror strong')).toHaveText(' so');

  await alice.toolbar('codeBlock');
  await expect(alice.page.locator('.ProseMirror pre')).toHaveText('world wide');
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await bob.expectConnected();
  await bob.expectSaved();
  await alice.page.waitForTimeout(1000);
  expect(await alice.blocks()).toEqual(['Hello there', 'world so wide']);
  expect(await bob.blocks()).toEqual(['Hello there', 'world so wide']);
  await expect(alice.page.locator('.ProseMirror pre')).toHaveCount(1);
});
