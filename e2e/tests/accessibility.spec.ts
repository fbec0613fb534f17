// Screen-reader announcements and an automated accessibility scan (axe-core) of each page.

import { axeViolations } from '../fixtures/axe.js';
import { expect, test } from '../fixtures/tandem.js';

test('the status announces changes of state, not each keystroke', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'quiet-status');
  await alice.expectSaved();
  const { page } = alice;
  // Every change inside any live region is something a screen reader may read out.
  await page.evaluate(() => {
    const w = window as unknown as { liveMutations: string[] };
    w.liveMutations = [];
    const observer = new MutationObserver((records) => {
      for (const r of records) w.liveMutations.push((r.target as Element).textContent ?? '');
    });
    for (const region of document.querySelectorAll('[aria-live], [role=status], [role=alert], [role=log]')) {
      observer.observe(region, { childList: true, characterData: true, subtree: true });
    }
  });
  const mutations = () => page.evaluate(() => (window as unknown as { liveMutations: string[] }).liveMutations);

  await alice.focusEnd();
  await alice.type('twenty characters ok', 40);
  await expect.poll(() => alice.text()).toBe('twenty characters ok');
  await alice.expectSaved();
  // A real change of state is announced: it also flushes anything still waiting to be said.
  await alice.context.setOffline(true);
  await expect(alice.status).toHaveAttribute('data-connection', 'offline');
  await expect.poll(mutations).toContainEqual(expect.stringContaining('Offline'));
  expect((await mutations()).length).toBeLessThanOrEqual(3);
  await expect(page.getByRole('status')).toHaveText(/Offline/);
  // The visible status still shows every state.
  await alice.context.setOffline(false);
  await alice.expectSaved();
  await expect(alice.status).toContainText('Saved');
});

test.describe('no accessibility violations of moderate impact or worse', () => {
  // axe walks the whole page and computes every colour and name: seconds each on a busy machine.
  test.slow();

  test('on the start page', async ({ person, server }) => {
    const alice = await person('Alice', '#e11d48');
    await alice.page.goto(server.url);
    await expect(alice.page.getByText('No documents yet')).toBeVisible();
    expect(await axeViolations(alice.page)).toEqual([]);
    // With documents listed.
    await alice.open(server.url, 'team/plans');
    await alice.focusEnd();
    await alice.type('Hello');
    await alice.expectSaved();
    await alice.page.goto(server.url);
    await expect(alice.page.getByRole('link', { name: 'team/plans' })).toBeVisible();
    expect(await axeViolations(alice.page)).toEqual([]);
  });

  test('in the editor with two people, a list and a link', async ({ pair }) => {
    const { alice, bob } = await pair('scanned');
    await alice.focusEnd();
    await alice.type('Notes with a [link](https://example.com) here');
    await alice.page.keyboard.press('Enter');
    await alice.type('- first');
    await alice.page.keyboard.press('Enter');
    await alice.type('second');
    await expect.poll(() => bob.texts('ul > li')).toEqual(['first', 'second']);
    await expect(bob.page.locator('.ProseMirror a[href="https://example.com"]')).toHaveText('link');
    await expect(bob.page.locator('.ProseMirror-yjs-cursor')).toHaveCount(1);
    await alice.expectSaved();
    // Bob's page: Alice's text, her list and link, and her cursor with its name label.
    expect(await axeViolations(bob.page)).toEqual([]);
  });

  test('in the history view', async ({ pair }) => {
    const { alice } = await pair('scanned-history');
    await alice.focusEnd();
    await alice.type('First draft.');
    await alice.expectSaved();
    const page = alice.page;
    await page.getByRole('button', { name: 'History' }).click();
    await expect(page.getByTestId('history-document')).toContainText('First draft.');
    expect(await axeViolations(page)).toEqual([]);
  });
});
