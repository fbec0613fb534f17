// Tab at the start of a list item whose text begins with a link moved focus into the link popover instead
// of indenting the item, and the next keys typed went to the popover (found by a review). In a list (or a
// table) Tab indents there; from inside the link it still reaches the popover.
import { expect, test } from '../fixtures/tandem.js';

const depth = (p: { page: import('@playwright/test').Page }) =>
  p.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: import('prosemirror-view').EditorView } }).tandem;
    const $ = view.state.selection.$from;
    let lists = 0;
    for (let d = $.depth; d > 0; d--) if (/list$/.test($.node(d).type.name)) lists++;
    return lists;
  });

test('Tab at the start of a list item that begins with a link indents it; inside the link it opens the popover', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'tab-link');
  await alice.focusEnd();
  await alice.type('- Reading list');
  await alice.page.keyboard.press('Enter');
  await alice.type('[The spec](https://example.com/spec) chapter 2');
  await expect(alice.editor.locator('a')).toHaveText('The spec');
  await alice.page.keyboard.press('Home');
  await alice.selectionRead();
  expect(await depth(alice)).toBe(1);
  await alice.page.keyboard.press('Tab');
  await expect.poll(() => depth(alice)).toBe(2);
  await expect(alice.editor).toBeFocused();
  // Inside the link, Tab reaches the popover's buttons, as outside lists.
  await alice.page.keyboard.press('ArrowRight');
  await alice.page.keyboard.press('ArrowRight');
  await alice.selectionRead();
  await alice.page.keyboard.press('Tab');
  await expect(alice.page.getByRole('button', { name: 'Open' })).toBeFocused();
  expect(alice.errors).toEqual([]);
});
