import type { Locator } from '@playwright/test';
import type { EditorPage } from '../fixtures/editor-page.js';
import { hue, hueDistance, MIN_HUE_APART, rgbOf } from '../fixtures/colours.js';
import { expect, test } from '../fixtures/tandem.js';

/** The coloured passage of `person`'s page that holds `word`: its author id and colour. */
async function passage(person: EditorPage, word: string): Promise<{ author: string | null; color: string; locator: Locator }> {
  const locator = person.editor.locator('.authored', { hasText: word });
  await expect(locator).toHaveCount(1);
  return {
    locator,
    author: await locator.getAttribute('data-author'),
    color: await locator.evaluate((el) => getComputedStyle(el).getPropertyValue('--author-color').trim()),
  };
}

/** The colour the server gives `author` (what the toggle's answer and bindings said). */
const colorOf = (person: EditorPage, author: string) =>
  person.page.evaluate((id) => (window as unknown as { tandem: { authorship: { index: { describe(id: string): { color: string } | undefined } } } }).tandem.authorship.index.describe(id)?.color, author);

/** The colour a coloured passage or legend entry is painted in. */
const authorColour = (locator: Locator) => locator.evaluate((el) => getComputedStyle(el).getPropertyValue('--author-color').trim());

/** Alice writes "alpha ", then Bob "bravo" after it; returns once both are stored and Alice shows both. */
async function alphaBravo(alice: EditorPage, bob: EditorPage): Promise<void> {
  await alice.focusEnd();
  await alice.type('alpha ');
  await alice.expectSaved();
  await expect.poll(() => bob.text()).toBe('alpha ');
  await bob.focusEnd();
  await bob.type('bravo');
  await bob.expectSaved();
  await expect.poll(() => alice.text()).toBe('alpha bravo');
}

test.describe('authorship colours', () => {
  test('colour each word in its author’s colour, live, with who and when on hover', async ({ pair }, testInfo) => {
    // Two people, three saves, a reconnect to opt in and a reload: more than a minute on a loaded machine.
    test.setTimeout(120_000);
    const { alice, bob } = await pair('authorship');
    await alphaBravo(alice, bob);

    // Off until asked for.
    const toggle = alice.page.getByTestId('authorship-toggle');
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await expect(alice.editor.locator('.authored')).toHaveCount(0);
    // Keyboard reachable: focus it and press Enter.
    await toggle.focus();
    await alice.page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');

    const alpha = await passage(alice, 'alpha');
    const bravo = await passage(alice, 'bravo');
    expect(alpha.author).not.toBe(bravo.author);
    expect(alpha.color).toBe(await colorOf(alice, alpha.author!));
    expect(bravo.color).toBe(await colorOf(alice, bravo.author!));
    expect(alpha.color).not.toBe(bravo.color);
    // The name comes with the live bindings, the time with the server's answer, which may come later.
    await expect(alpha.locator).toHaveAttribute('title', /^Alice · Today \d\d:\d\d/);
    await expect(bravo.locator).toHaveAttribute('title', /^Bob · Today \d\d:\d\d/);
    // Who is who, in the same colours.
    const legend = alice.page.getByTestId('authorship-legend');
    await expect(legend.locator('li')).toHaveText(['Alice', 'Bob']);
    expect(await legend.locator(`li[data-author="${alpha.author}"]`).evaluate((el) => getComputedStyle(el).getPropertyValue('--author-color').trim())).toBe(alpha.color);

    // Bob types on: his new word takes his colour on Alice's page, without a reload.
    await bob.focusEnd();
    await bob.type(' charlie');
    await expect.poll(() => alice.text()).toBe('alpha bravo charlie');
    await expect(alice.editor.locator('.authored', { hasText: 'charlie' })).toHaveAttribute('data-author', bravo.author!);
    const charlie = await passage(alice, 'charlie');
    expect(charlie.color).toBe(bravo.color);
    await charlie.locator.hover();
    await expect(charlie.locator).toHaveAttribute('title', /^Bob · Today \d\d:\d\d$/);

    await alice.page.screenshot({ path: testInfo.outputPath('authorship-colours.png') });

    // Remembered in this browser: on after a reload, off for Bob, who never asked.
    await alice.page.reload();
    await expect(alice.page.getByTestId('authorship-toggle')).toHaveAttribute('aria-pressed', 'true');
    await expect(alice.editor.locator('.authored', { hasText: 'charlie' })).toHaveAttribute('data-author', bravo.author!);
    await expect(bob.page.getByTestId('authorship-toggle')).toHaveAttribute('aria-pressed', 'false');
    await expect(bob.editor.locator('.authored')).toHaveCount(0);
    await expect(bob.page.getByTestId('authorship-legend')).toBeHidden();
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});

// "Show authorship" coloured each author's words in the colour the server's records give them (golden-angle
// hues), while their cursor and their dot in the people list showed the colour they chose: Bob's cursor blue,
// his words orange. While an author is here, their words now take their cursor's colour; two people who chose
// the same colour are still told apart (the later one is shown in another, as the people list does).
test('authors who are here are coloured as their cursors and dots are, two who chose the same colour apart', async ({ server, person }) => {
  const alice = await person('Alice', '#2563eb');
  const bob = await person('Bob', '#2563eb');
  await alice.open(server.url, 'authorship/same-colour');
  await bob.open(server.url, 'authorship/same-colour');
  await alphaBravo(alice, bob);

  await alice.page.getByTestId('authorship-toggle').click();
  const alpha = alice.editor.locator('.authored', { hasText: 'alpha' });
  const bravo = alice.editor.locator('.authored', { hasText: 'bravo' });
  await expect(bravo).toHaveAttribute('title', /^Bob/);
  // The toggle reconnects to hear the bindings: Bob's presence and binding may come after the first paint.
  const cursor = alice.page.locator('.ProseMirror-yjs-cursor', { hasText: 'Bob' });
  const cursorColour = () => cursor.evaluate((el) => getComputedStyle(el).borderLeftColor);
  // Bob's words in the colour of Bob's cursor (and of his dot in the people list), on Alice's page.
  await expect.poll(async () => rgbOf(await authorColour(bravo))).toEqual(rgbOf(await cursorColour()));
  // Alice's in her own dot's.
  const ownDot = alice.page.locator('[data-testid=people] .person', { hasText: '(you)' }).locator('.person-dot');
  await expect.poll(async () => rgbOf(await authorColour(alpha))).toEqual(rgbOf(await ownDot.evaluate((el) => getComputedStyle(el).backgroundColor)));
  const [alphaColour, bravoColour] = [await authorColour(alpha), await authorColour(bravo)];
  expect(hueDistance(hue(alphaColour), hue(bravoColour))).toBeGreaterThanOrEqual(MIN_HUE_APART);
  // The legend says so too.
  const legend = alice.page.getByTestId('authorship-legend');
  await expect(legend.locator('li')).toHaveText(['Alice', 'Bob']);
  await expect.poll(() => authorColour(legend.locator('li', { hasText: 'Bob' }))).toBe(bravoColour);
  await expect.poll(() => authorColour(legend.locator('li', { hasText: 'Alice' }))).toBe(alphaColour);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
