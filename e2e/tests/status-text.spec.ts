// The status text while someone types: "Saving…" for the whole run of keys, then "Saved" once the document has
// stayed saved for a moment; not a flip between the two with every key (it told nobody anything, and each change
// of the text cost Chromium a slow frame in a long document). The status's `data-saved` and its dot still follow
// every acknowledgement.

import { expect, test } from '../fixtures/tandem.js';

test('typing steadily leaves the status text at "Saving…" until the typing stops, then "Saved"', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'steady-status');
  await alice.expectSaved();
  await expect(alice.status).toContainText('Saved');
  const { page } = alice;
  await page.evaluate(() => {
    const w = window as unknown as { texts: string[]; savedFlags: string[] };
    w.texts = [];
    w.savedFlags = [];
    const status = document.querySelector('[data-testid=status]')!;
    const text = status.querySelector('.status-text')!;
    new MutationObserver(() => w.texts.push(text.textContent ?? '')).observe(text, { childList: true, characterData: true, subtree: true });
    new MutationObserver(() => w.savedFlags.push(status.getAttribute('data-saved') ?? '')).observe(status, { attributeFilter: ['data-saved'] });
  });
  const seen = () =>
    page.evaluate(() => {
      const { texts, savedFlags } = window as unknown as { texts: string[]; savedFlags: string[] };
      return { texts, savedFlags };
    });

  await alice.focusEnd();
  await alice.type('a steady typist', 120);
  await expect.poll(() => alice.text()).toBe('a steady typist');
  const during = await seen();
  // Each key was acknowledged while the next was being typed: the state went back to saved many times...
  expect(during.savedFlags.filter((f) => f === 'true').length).toBeGreaterThan(5);
  // ...while the text changed once, to "Saving…" (and perhaps back, if the machine paused between two keys).
  expect(during.texts.length).toBeLessThanOrEqual(3);
  expect(during.texts[0]).toBe('Saving…');

  await alice.expectSaved();
  await expect(alice.status).toContainText('Saved');
});

test('the status text never says "Saved" while a change is not stored', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'honest-status');
  await alice.expectSaved();
  await alice.focusEnd();
  await alice.type('held');
  await alice.expectSaved();
  // Offline, the next key is not stored: the status says so at once, whatever it showed a moment before.
  await alice.context.setOffline(true);
  await expect(alice.status).toHaveAttribute('data-connection', 'offline');
  await alice.type('!');
  await expect(alice.status).toHaveAttribute('data-saved', 'false');
  await expect(alice.status).not.toContainText('Saved');
  await alice.context.setOffline(false);
  await alice.expectSaved();
  await expect(alice.status).toContainText('Saved');
});
