// Typed offline, then a paste the server refuses (the document would be too large), then back online.
// Everything typed offline went to the server in one message (the first sync's), refused whole: the page
// dropped it all and said only the paste "and anything made after it in this tab" was undone (found by an
// exploratory run). The changes a tab made offline now go to the server one by one, in the order they were
// made, when it reconnects: the paste is refused alone, with what came after it, as the notice says.

import { serverText } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.describe('a document that would grow past MAX_DOC_BYTES', () => {
  test.use({ serverEnv: { MAX_DOC_BYTES: '16384' } });

  test('words typed offline before a paste the server refuses are saved', async ({ server, person }) => {
    const doc = 'refused-after-offline/before';
    const alice = await person('Alice', '#e11d48');
    await alice.open(server.url, doc);
    await alice.focusEnd();
    await alice.page.keyboard.insertText('Kept text.');
    await alice.expectSaved();
    await alice.context.setOffline(true);
    await expect(alice.status).toHaveAttribute('data-connection', 'offline');
    await alice.focusEnd();
    await alice.page.keyboard.press('Enter');
    await alice.type('Typed offline before the paste.');
    await alice.page.keyboard.press('Enter');
    await alice.paste({ 'text/plain': 'lorem ipsum dolor sit amet '.repeat(1_200) });
    await alice.context.setOffline(false);
    await expect(alice.page.getByRole('alert').filter({ hasText: 'A change you made was not saved' })).toBeVisible({ timeout: 15_000 });
    await alice.expectSaved();
    await expect.poll(() => alice.blocks()).toEqual(['Kept text.', 'Typed offline before the paste.', '']);
    expect(await serverText(server.url, doc)).toContain('Typed offline before the paste.');
    expect(await serverText(server.url, doc)).not.toContain('lorem');
  });
});

// The same path when nothing is refused: many small changes made offline and then a large one go as two
// messages, not one per keystroke (the server allows bursts of 600 messages per connection and closes one
// that sends more: it would connect again, the page saying "Connecting…" meanwhile).
test('700 letters typed offline, then a large paste: all saved, in one connection', async ({ server, person }) => {
  const doc = 'refused-after-offline/many';
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, doc);
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Start.');
  await alice.expectSaved();
  await alice.context.setOffline(true);
  await expect(alice.status).toHaveAttribute('data-connection', 'offline');
  await alice.focusEnd();
  for (let i = 0; i < 700; i++) await alice.page.keyboard.insertText(String(i % 10));
  await alice.page.keyboard.press('Enter');
  await alice.paste({ 'text/plain': 'lorem ipsum dolor sit amet '.repeat(1_200) });
  // Every state the status shows from now on.
  await alice.status.evaluate((el) => {
    const seen: string[] = ((window as unknown as { connectionStates: string[] }).connectionStates = []);
    new MutationObserver(() => seen.push(el.getAttribute('data-connection') ?? '')).observe(el, { attributes: true, attributeFilter: ['data-connection'] });
  });
  await alice.context.setOffline(false);
  await alice.expectSaved();
  const typed = Array.from({ length: 700 }, (_, i) => String(i % 10)).join('');
  await expect.poll(async () => (await serverText(server.url, doc)).split('\n')[0]).toBe(`Start.${typed}`);
  expect(await serverText(server.url, doc)).toContain('lorem ipsum dolor sit amet lorem');
  const states = await alice.page.evaluate(() => (window as unknown as { connectionStates: string[] }).connectionStates);
  // (The attribute may be set again to the same value.)
  expect([...new Set(states.slice(states.indexOf('connected')))]).toEqual(['connected']);
  expect(alice.errors).toEqual([]);
});
