// Find and replace, keyboard only: Ctrl+F, the count, Enter and Shift+Enter between matches, Esc back
// to the text at the match; replace all as one undo step that others see; a viewer finds only.

import type { Page } from '@playwright/test';
import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** What has focus: `editor`, `find`, `replace`, or the focused element's tag and class. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (el === null || el === document.body) return 'body';
    if (el.classList.contains('ProseMirror')) return 'editor';
    if (el.dataset.testid === 'find-input') return 'find';
    if (el.dataset.testid === 'replace-input') return 'replace';
    return `${el.tagName.toLowerCase()}.${el.className}`;
  });

const count = (person: EditorPage) => person.page.getByTestId('find-count');
const highlights = (person: EditorPage) => person.texts('.find-match');
const current = (person: EditorPage) => person.texts('.find-match-current');

test('Ctrl+F finds every match with a count; Enter and Shift+Enter move; Esc returns to the text at the match', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'find-keys');
  await alice.focusEnd();
  const keys = alice.page.keyboard;
  await keys.insertText('One cat. Two cats.');
  await keys.press('Enter');
  await keys.insertText('The CAT sat on a con');
  await keys.insertText('catenation.');
  await expect.poll(() => alice.text()).toBe('One cat. Two cats.\nThe CAT sat on a concatenation.');

  await keys.press('Control+f');
  await expect.poll(() => focused(alice.page)).toBe('find');
  await alice.type('cat');
  await expect(count(alice)).toHaveText('1 of 4');
  await expect.poll(() => highlights(alice)).toEqual(['cat', 'cat', 'CAT', 'cat']);
  // The count is spoken once typing settles, not at every key.
  await expect(alice.page.locator('.find-bar [role=status]')).toHaveText('1 of 4');

  await keys.press('Enter');
  await expect(count(alice)).toHaveText('2 of 4');
  await keys.press('Enter');
  await expect(count(alice)).toHaveText('3 of 4');
  await expect.poll(() => current(alice)).toEqual(['CAT']);
  await keys.press('Enter');
  await keys.press('Enter');
  await expect(count(alice)).toHaveText('1 of 4');
  await keys.press('Shift+Enter');
  await expect(count(alice)).toHaveText('4 of 4');

  // Match case (Alt+C): "CAT" drops out; the current match stays where it was.
  await keys.press('Alt+c');
  await expect(alice.page.locator('.find-case')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => highlights(alice)).toEqual(['cat', 'cat', 'cat']);
  await expect(count(alice)).toHaveText('3 of 3');
  await keys.press('Alt+c');
  await expect.poll(() => highlights(alice)).toEqual(['cat', 'cat', 'CAT', 'cat']);
  await expect(count(alice)).toHaveText('4 of 4');

  // Back to the second match, then to the text: the match is selected, so typing replaces it.
  await keys.press('Shift+Enter');
  await keys.press('Shift+Enter');
  await expect(count(alice)).toHaveText('2 of 4');
  await keys.press('Escape');
  await expect.poll(() => focused(alice.page)).toBe('editor');
  await expect(alice.page.getByTestId('find-bar')).toBeHidden();
  await expect.poll(() => highlights(alice)).toEqual([]);
  await keys.insertText('dog');
  await expect.poll(() => alice.text()).toBe('One cat. Two dogs.\nThe CAT sat on a concatenation.');

  // Nothing found says so.
  await keys.press('Control+f');
  await expect.poll(() => focused(alice.page)).toBe('find');
  await alice.type('zebra');
  await expect(count(alice)).toHaveText('No results');
  expect(alice.errors).toEqual([]);
});

test('replace all is one change another person sees, follows their edits, and one Ctrl+Z takes it back', async ({ pair }) => {
  // Two people, and many steps: on a loaded machine this outlasts the default minute without anything being wrong.
  test.slow();
  const { alice, bob } = await pair('find-replace-all');
  const keys = alice.page.keyboard;
  await alice.focusEnd();
  await keys.insertText('A red fish, a red boat.');
  await keys.press('Enter');
  await keys.insertText('Under a red sky.');
  await expect.poll(() => bob.text()).toBe('A red fish, a red boat.\nUnder a red sky.');

  await keys.press('Control+h');
  await expect.poll(() => focused(alice.page)).toBe('find');
  await expect(alice.page.getByTestId('replace-input')).toBeVisible();
  await alice.type('red');
  await expect(count(alice)).toHaveText('1 of 3');

  // Bob writes meanwhile: Alice's highlights and count follow.
  await bob.focusEnd();
  await bob.page.keyboard.insertText(' Red wine.');
  await expect(count(alice)).toHaveText(/ of 4$/);
  await expect.poll(() => highlights(alice)).toEqual(['red', 'red', 'red', 'Red']);

  // Ctrl+H again, with a query: to the replacement field.
  await keys.press('Control+h');
  await expect.poll(() => focused(alice.page)).toBe('replace');
  await alice.type('blue');
  await keys.press('Control+Alt+Enter');
  const replaced = 'A blue fish, a blue boat.\nUnder a blue sky. blue wine.';
  await expect.poll(() => alice.text()).toBe(replaced);
  await expect.poll(() => bob.text()).toBe(replaced);
  await expect(count(alice)).toHaveText('No results');

  await keys.press('Escape');
  await expect.poll(() => focused(alice.page)).toBe('editor');
  await keys.press('Control+z');
  const before = 'A red fish, a red boat.\nUnder a red sky. Red wine.';
  await expect.poll(() => alice.text()).toBe(before);
  await expect.poll(() => bob.text()).toBe(before);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test.describe('with sign-in', () => {
  const SECRET = 'e2e-secret-0123456789-0123456789-0123';
  test.use({ serverEnv: { AUTH_SECRET: SECRET } });
  const link = (base: string, doc: string, token: string) => `${base}/d/${encodeURIComponent(doc)}?token=${token}`;

  test('a viewer finds, with no replace, and Esc puts them in the text at the match', async ({ server, person }) => {
    // Two people signing in: on a loaded machine this outlasts the default minute without anything being wrong.
    test.slow();
    const editorToken = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['team/*'], role: 'editor', ttl: '1h' });
    const viewerToken = await mintToken(SECRET, { userId: 'vic', name: 'Vic', docs: ['team/*'], role: 'viewer', ttl: '1h' });
    const alice = await person('Alice', '#e11d48');
    const vic = await person('Vic', '#16a34a');
    await alice.page.goto(link(server.url, 'team/find', editorToken));
    await alice.expectConnected();
    await alice.focusEnd();
    await alice.page.keyboard.insertText('Read this, then read that.');
    await alice.expectSaved();

    await vic.page.goto(link(server.url, 'team/find', viewerToken));
    await vic.expectConnected();
    await expect.poll(() => vic.text()).toBe('Read this, then read that.');
    const keys = vic.page.keyboard;
    await keys.press('Control+f');
    await expect.poll(() => focused(vic.page)).toBe('find');
    await vic.type('read');
    await expect(count(vic)).toHaveText('1 of 2');
    await expect(vic.page.locator('.find-toggle-replace')).toHaveCount(0);
    await expect(vic.page.getByTestId('replace-input')).toHaveCount(0);
    // Ctrl+H is not taken from the browser: nothing of replace opens.
    await keys.press('Control+h');
    await expect(vic.page.getByTestId('replace-input')).toHaveCount(0);
    await keys.press('Enter');
    await expect(count(vic)).toHaveText('2 of 2');
    await keys.press('Escape');
    await expect.poll(() => focused(vic.page)).toBe('editor');
    await expect.poll(() => vic.page.evaluate(() => getSelection()?.toString())).toBe('read');
    expect(await alice.text()).toBe('Read this, then read that.');
    expect(vic.errors).toEqual([]);
  });
});

test('replace all is an undo step of its own, even with typing right after it', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'replace-all-step');
  await alice.focusEnd();
  const keys = alice.page.keyboard;
  await keys.insertText('one two one');
  await keys.press('Control+h');
  await alice.type('one');
  await keys.press('Control+h');
  await expect.poll(() => focused(alice.page)).toBe('replace');
  await alice.type('1');
  // Replace all, and typing at once after it, in one task of the page: no pause could end the step.
  await alice.page.evaluate(() => {
    type View = { state: { doc: { content: { size: number } }; tr: { insertText(text: string, from: number): unknown } }; dispatch(tr: unknown): void };
    const { view } = (window as unknown as { tandem: { view: View } }).tandem;
    document.querySelector<HTMLButtonElement>('.find-replace-all')!.click();
    view.dispatch(view.state.tr.insertText('!', view.state.doc.content.size - 1));
  });
  await expect.poll(() => alice.text()).toBe('1 two 1!');
  await keys.press('Escape');
  await expect.poll(() => focused(alice.page)).toBe('editor');
  await keys.press('Control+z');
  await expect.poll(() => alice.text()).toBe('1 two 1');
  await keys.press('Control+z');
  await expect.poll(() => alice.text()).toBe('one two one');
  expect(alice.errors).toEqual([]);
});

test('Replace changes the current match only and moves to the next; Enter in the field does the same', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'replace-one');
  await alice.focusEnd();
  const keys = alice.page.keyboard;
  await keys.insertText('tea, tea and ');
  await keys.press('Control+b');
  await keys.insertText('tea');
  await keys.press('Home');
  await keys.press('Control+h');
  await alice.type('tea');
  await expect(count(alice)).toHaveText('1 of 3');
  await keys.press('Control+h');
  await alice.type('coffee');
  await keys.press('Enter');
  await expect.poll(() => alice.text()).toBe('coffee, tea and tea');
  await expect(count(alice)).toHaveText('1 of 2');
  await expect.poll(() => current(alice)).toEqual(['tea']);
  // The replace button, by keyboard: the replacement keeps the replaced text's formatting.
  await keys.press('Enter');
  await keys.press('Tab');
  await expect.poll(() => focused(alice.page)).toBe('button.find-replace-one');
  await keys.press('Enter');
  await expect.poll(() => alice.text()).toBe('coffee, coffee and coffee');
  await expect.poll(() => alice.texts('strong')).toEqual(['coffee']);
  await expect(count(alice)).toHaveText('No results');
  expect(alice.errors).toEqual([]);
});

for (const how of ['Replace', 'Replace all'] as const) {
  test(`${how} over the whole text of a link keeps the link (and a match in part of a link's text keeps it too)`, async ({ person, server }) => {
    const alice = await person('Alice', '#e11d48');
    await alice.open(server.url, `replace-link-${how.replace(' ', '-')}`);
    await alice.focusEnd();
    await alice.type('See [Acme](https://acme.example) and [the Acme page](https://acme.example/p) today');
    await expect(alice.editor.locator('a')).toHaveCount(2);
    const keys = alice.page.keyboard;
    await keys.press('Control+h');
    await alice.page.getByTestId('find-input').fill('Acme');
    await alice.page.getByTestId('replace-input').fill('Globex');
    await alice.page.getByTestId('replace-input').focus();
    if (how === 'Replace') {
      await keys.press('Enter');
      await keys.press('Enter');
    } else await alice.page.getByRole('button', { name: 'Replace all' }).click();
    await expect.poll(() => alice.text()).toBe('See Globex and the Globex page today');
    // Before: the first link was gone, its text plain.
    await expect(alice.editor.locator('a')).toHaveText(['Globex', 'the Globex page']);
    await expect(alice.editor.locator('a').first()).toHaveAttribute('href', 'https://acme.example');
    await alice.expectSaved();
  });
}
