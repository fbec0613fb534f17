import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own


test.describe('two people in one document', () => {
  test('type into the same paragraph at the same time and converge on identical text', async ({ pair }) => {
    const { alice, bob } = await pair('race');
    await alice.focusEnd();
    await alice.type('1: ');
    await expect.poll(() => bob.text()).toBe('1: ');
    await bob.focusEnd();
    await alice.focusEnd();

    const aliceText = 'abcdefghijklmnopqrst';
    const bobText = 'ABCDEFGHIJKLMNOPQRST';
    await Promise.all([alice.type(aliceText, 15), bob.type(bobText, 15)]);

    await expect.poll(async () => (await alice.text()) === (await bob.text()) && (await alice.text()).length === 43).toBe(true);
    const final = await alice.text();
    expect(final.startsWith('1: ')).toBe(true);
    // Every character of each person is there, in each person's own order.
    expect([...final].filter((c) => /[a-t]/.test(c)).join('')).toBe(aliceText);
    expect([...final].filter((c) => /[A-T]/.test(c)).join('')).toBe(bobText);
    await alice.expectSaved();
    await bob.expectSaved();
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  test('see each other in the presence list and each other’s cursor with the right name and colour', async ({ pair }, testInfo) => {
    const { alice, bob } = await pair('presence');
    await expect.poll(() => alice.presence()).toEqual(['Alice (you)', 'Bob']);
    await expect.poll(() => bob.presence()).toEqual(['Alice', 'Bob (you)']);

    await alice.focusEnd();
    await alice.type('# Meeting notes');
    await alice.page.keyboard.press('Enter');
    await alice.type('Agenda for Thursday: **budget**, hiring and the launch date.');
    await bob.focusEnd();
    await bob.page.keyboard.press('Enter');
    await bob.type('- Bob: draft the launch post');
    await expect(alice.page.locator('.ProseMirror-yjs-cursor > div')).toHaveText('Bob');
    await expect(bob.page.locator('.ProseMirror-yjs-cursor > div')).toHaveText('Alice');
    await expect(alice.page.locator('.ProseMirror-yjs-cursor')).toHaveCSS('border-left-color', 'rgb(37, 99, 235)');
    await expect(bob.page.locator('.ProseMirror-yjs-cursor')).toHaveCSS('border-left-color', 'rgb(225, 29, 72)');
    await alice.page.screenshot({ path: testInfo.outputPath('two-people-alice.png') });
    await bob.page.screenshot({ path: testInfo.outputPath('two-people-bob.png') });

    // A new name is shown to the other person live, and kept for the next visit.
    await bob.page.getByTestId('my-name').fill('Robert');
    await bob.page.getByTestId('my-name').press('Enter');
    await expect.poll(() => alice.presence()).toEqual(['Alice (you)', 'Robert']);
    await bob.editor.focus(); // y-prosemirror hides the cursor of an editor without focus
    await expect(alice.page.locator('.ProseMirror-yjs-cursor > div')).toHaveText('Robert');
    await bob.page.reload();
    await expect(bob.page.getByTestId('my-name')).toHaveValue('Robert');

    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  test('undo removes only your own edits, never the other person’s', async ({ pair }) => {
    const { alice, bob } = await pair('undo');
    // Each text arrives as one input event: a pause of a second between keys (a loaded machine)
    // would end an undo step in the middle of it, and this test is about whose edits undo takes back.
    await alice.focusEnd();
    await alice.page.keyboard.insertText('Alice wrote this.');
    await expect.poll(() => bob.text()).toBe('Alice wrote this.');
    await bob.focusEnd();
    await bob.page.keyboard.press('Enter');
    await bob.page.keyboard.insertText('Bob wrote this.');
    await expect.poll(() => alice.text()).toBe('Alice wrote this.\nBob wrote this.');

    await alice.editor.focus();
    await alice.page.keyboard.press('Control+z');
    // Alice's paragraph was hers too (she typed the first one into being), so it goes with her text.
    await expect.poll(() => alice.text()).toBe('Bob wrote this.');
    await expect.poll(() => bob.text()).toBe('Bob wrote this.');

    // Alice writes again; Bob's undo now removes his text and leaves her new line alone.
    await alice.focusEnd();
    await alice.page.keyboard.press('Enter');
    await alice.page.keyboard.insertText('Alice again.');
    await expect.poll(() => bob.text()).toBe('Bob wrote this.\nAlice again.');
    await bob.editor.focus();
    await bob.page.keyboard.press('Control+z');
    await expect.poll(() => alice.text()).toBe('Alice again.');
    await expect.poll(() => bob.text()).toBe('Alice again.');
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  test('formatting by one person (heading, bold, list, quote, code) appears for the other', async ({ pair }) => {
    const { alice, bob } = await pair('formatting');
    await alice.focusEnd();
    await alice.type('Project plan');
    await alice.toolbar('h1');
    await alice.page.keyboard.press('End');
    await alice.page.keyboard.press('Enter');
    await alice.type('This is ');
    await alice.page.keyboard.press('Control+b');
    await alice.type('important');
    await alice.page.keyboard.press('Control+b');
    await alice.type(' and **bold too** ok');
    await alice.page.keyboard.press('Enter');
    await alice.type('- first item');
    await alice.page.keyboard.press('Enter');
    await alice.type('second item');
    await alice.page.keyboard.press('Enter');
    await alice.page.keyboard.press('Enter');
    await alice.type('> quoted');

    await expect.poll(() => bob.texts('h1')).toEqual(['Project plan']);
    await expect.poll(() => bob.texts('strong')).toEqual(['important', 'bold too']);
    await expect.poll(() => bob.texts('ul > li')).toEqual(['first item', 'second item']);
    await expect.poll(() => bob.texts('blockquote')).toEqual(['quoted']);
    await expect(alice.page.locator('.toolbar [data-command="blockquote"]')).toHaveAttribute('aria-pressed', 'true');
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
