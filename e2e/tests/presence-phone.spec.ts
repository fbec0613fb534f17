// Presence and phone (issue #18): default names whose avatars differ, colours of people present at once
// far apart, a person in the list takes you to their cursor; on a phone the whole document name, touch
// targets of 44 px, the name field out of the way and no sideways scrolling.

import type { Browser, BrowserContextOptions, Locator, Page } from '@playwright/test';
import { hue, hueDistance, MIN_HUE_APART } from '../fixtures/colours.js';
import { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** A person in a fresh browser context that has never named itself (unlike the `person` fixture). */
async function newcomer(browser: Browser, options: BrowserContextOptions = {}): Promise<EditorPage> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  return new EditorPage(page, context, '', '');
}


const dot = (page: Page, self: boolean): Locator =>
  page.locator(`[data-testid=people] .person${self ? ':has(.person-name:text-matches("\\\\(you\\\\)$"))' : ':not(:has(.person-name:text-matches("\\\\(you\\\\)$")))'} .person-dot`);
const background = (locator: Locator) => locator.evaluate((el) => getComputedStyle(el).backgroundColor);
const storedUser = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('tandem:user') ?? 'null') as { name: string; color: string });

test('default names differ in initials, colours of two people stay apart, and a person in the list takes you to their cursor', async ({ server, browser }) => {
  test.slow();
  const alice = await newcomer(browser);
  const bob = await newcomer(browser);
  await alice.open(server.url, 'presence/long');
  await bob.open(server.url, 'presence/long');

  // Default names: two words, not "Anonymous …"; avatars show their initials. Two browsers usually
  // draw different initials; when they happen not to, Bob's browser draws again (as a new browser would).
  for (let attempt = 0; ; attempt++) {
    await expect(dot(alice.page, false)).toHaveCount(1);
    const mine = await dot(alice.page, true).textContent();
    const his = await dot(alice.page, false).textContent();
    if (mine !== his || attempt === 4) {
      expect(mine).not.toBe(his);
      break;
    }
    await bob.page.evaluate(() => localStorage.clear());
    await bob.page.reload();
    await bob.expectConnected();
    await expect.poll(() => alice.presence()).toHaveLength(2);
  }
  const aliceUser = await storedUser(alice.page);
  const bobUser = await storedUser(bob.page);
  for (const user of [aliceUser, bobUser]) {
    expect(user.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(user.name).not.toMatch(/^Anonymous/);
  }
  await expect(alice.page.getByTestId('my-name')).toHaveValue(aliceUser.name);
  const initials = (name: string) => name.split(' ').map((w) => w[0]).join('');
  await expect(dot(alice.page, true)).toHaveText(initials(aliceUser.name));
  await expect(dot(alice.page, false)).toHaveText(initials(bobUser.name));
  await expect.poll(() => alice.presence()).toEqual([`${aliceUser.name} (you)`, bobUser.name].sort());

  // Bob's browser happens to hold Alice's very colour: Alice is still shown him in another, far off.
  await bob.page.evaluate((color) => {
    const user = JSON.parse(localStorage.getItem('tandem:user')!) as { color: string };
    localStorage.setItem('tandem:user', JSON.stringify({ ...user, color }));
  }, aliceUser.color);
  await bob.page.reload();
  await bob.expectConnected();
  await expect.poll(() => alice.presence()).toHaveLength(2);
  const aliceColor = await background(dot(alice.page, true));
  const bobColor = await background(dot(alice.page, false));
  expect(aliceColor).toBe(await background(dot(bob.page, true)));
  expect(hueDistance(hue(aliceColor), hue(bobColor))).toBeGreaterThanOrEqual(MIN_HUE_APART);

  // A long document; Bob writes at its very end, Alice reads at the top.
  await alice.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: import('prosemirror-view').EditorView } }).tandem;
    const { schema } = view.state;
    const lines = Array.from({ length: 150 }, (_, i) => schema.node('paragraph', null, schema.text(`Line ${i + 1} of a long document.`)));
    view.dispatch(view.state.tr.replaceWith(0, view.state.doc.content.size, lines));
  });
  await expect.poll(() => bob.texts('p').then((p) => p.length)).toBe(150);
  await bob.focusEnd();
  await bob.type(' Bob was here.');
  const bobButton = alice.page.locator('[data-testid=people] button.person-body');
  await expect(bobButton).toHaveAttribute('aria-disabled', 'false');
  await expect(bobButton).toHaveAccessibleName(`${bobUser.name} (show their cursor)`);
  const bobCursor = alice.page.locator('.ProseMirror-yjs-cursor');
  await expect(bobCursor).toHaveCount(1);
  await expect(bobCursor).toHaveCSS('border-left-color', bobColor);
  await alice.page.evaluate(() => window.scrollTo(0, 0));
  await expect(bobCursor).not.toBeInViewport();

  await bobButton.click();
  await expect(bobCursor).toBeInViewport();
  await expect(bobCursor).toHaveClass(/highlighted/);

  // The same from the keyboard: Enter on Bob.
  await alice.page.evaluate(() => window.scrollTo(0, 0));
  await expect(bobCursor).not.toBeInViewport();
  await bobButton.focus();
  await alice.page.keyboard.press('Enter');
  await expect(bobCursor).toBeInViewport();

  // Bob leaves the text (his page loses focus): no cursor to go to, and the list says so.
  await bob.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await expect(bobButton).toHaveAttribute('aria-disabled', 'true');
  await expect(bobButton).toHaveAttribute('title', `${bobUser.name} has no cursor in the text`);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});

test('on a phone: the whole document name, touch targets of 44 px, the name field tucked away, no sideways scrolling', async ({ server, browser }) => {
  const name = 'forms/quarterly-planning-for-the-whole-team-draft-two';
  const phone = await newcomer(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const other = await newcomer(browser);
  await phone.open(server.url, name);
  await other.open(server.url, name);
  await other.focusEnd();
  await other.type('Hello from a laptop');
  const page = phone.page;
  await expect(page.locator('[data-testid=people] .person')).toHaveCount(2);

  // The name, whole: on screen and not cut off.
  const title = page.locator('.doc-title');
  await expect(title).toHaveText(name);
  await expect(title).toBeInViewport({ ratio: 1 });
  expect(await title.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight)).toBe(true);

  // The name field: not on screen until asked for.
  const nameField = page.getByTestId('my-name');
  await expect(nameField).toBeHidden();
  const nameToggle = page.getByRole('button', { name: 'Your name' });
  await expect(nameToggle).toHaveAttribute('aria-expanded', 'false');

  const targets = 'header a, header button, header input, .toolbar button, .sidebar button, .sidebar input';
  const tooSmall = async (): Promise<string[]> => {
    const small: string[] = [];
    for (const target of await page.locator(targets).all()) {
      if (!(await target.isVisible())) continue;
      const box = await target.boundingBox();
      const label = (await target.getAttribute('aria-label')) ?? (await target.textContent()) ?? (await target.getAttribute('data-testid'));
      if (box === null || box.width < 44 || box.height < 44) small.push(`${label}: ${box?.width}×${box?.height}`);
    }
    return small;
  };
  // Against the phone's width: with isMobile, a page wider than the screen widens innerWidth along with it.
  const overflow = () => page.evaluate(() => Math.max(document.documentElement.scrollWidth, window.innerWidth, document.documentElement.clientWidth) - 390);
  expect(await page.locator(targets).count()).toBeGreaterThan(15);
  expect(await tooSmall()).toEqual([]);
  expect(await overflow()).toBeLessThanOrEqual(0);

  // Opened, the field is there to type in, and as large a target.
  await nameToggle.tap();
  await expect(nameToggle).toHaveAttribute('aria-expanded', 'true');
  await expect(nameField).toBeVisible();
  await expect(nameField).toBeFocused();
  expect(await tooSmall()).toEqual([]);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await nameField.fill('Pat on a phone');
  await nameField.press('Enter');
  await expect.poll(() => other.presence()).toContain('Pat on a phone');
  await nameToggle.tap();
  await expect(nameField).toBeHidden();

  // Renaming the document on the phone: its field and buttons as large.
  await page.getByRole('button', { name: 'Rename' }).tap();
  await expect(page.getByLabel('New name for this document')).toBeVisible();
  expect(await tooSmall()).toEqual([]);
  expect(await overflow()).toBeLessThanOrEqual(0);
  expect(phone.errors).toEqual([]);
  await phone.context.close();
  await other.context.close();
});
