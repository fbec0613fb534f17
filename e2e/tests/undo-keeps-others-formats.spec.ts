// Per-user undo must never lose the other person's formatting. Alice types a sentence, Bob makes part of it
// bold, italic or a link; Alice's Ctrl+Z takes her sentence out, and Ctrl+Y must bring it back with Bob's
// formatting on the words he formatted, for both of them (found by a review).

import { blocks } from '../fixtures/blocks.js';
import { highlighted, threads } from '../fixtures/comments.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** Each marked run of text as the editor holds it: `text:mark,mark` (a link with its address). */
const marked = (p: EditorPage): Promise<string[]> =>
  p.page.evaluate(() => {
    const out: string[] = [];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const { view } = (window as unknown as { tandem: { view: any } }).tandem;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    view.state.doc.descendants((node: any) => {
      if (!node.isText || node.marks.length === 0) return;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const marks = node.marks.map((m: any) => (m.type.name === 'link' ? `link=${m.attrs.href}` : m.type.name)).join(',');
      out.push(`${node.text}:${marks}`);
    });
    return out;
  });

test("Ctrl+Z then Ctrl+Y of my sentence brings the other person's bold, italic and link back on their words", async ({ pair }) => {
  const { alice, bob } = await pair('undo-formats/redo');
  await alice.focusEnd();
  // A line of hers first: the sentence goes into text that stays when her Ctrl+Z takes the sentence out.
  await alice.page.keyboard.insertText('Notes.');
  await alice.page.waitForTimeout(1_200); // a pause: the sentence is a step of its own
  await alice.page.keyboard.insertText(' Hello brave new world of words');
  await expect.poll(() => bob.text()).toBe('Notes. Hello brave new world of words');

  // Bob formats three parts of Alice's sentence.
  await bob.select('brave');
  await bob.page.keyboard.press('Control+b');
  await bob.select('world');
  await bob.page.keyboard.press('Control+i');
  await bob.select('words');
  await bob.page.keyboard.press('Control+k');
  await expect(bob.page.getByRole('textbox', { name: 'Link address' })).toBeFocused();
  await bob.type('example.com');
  await bob.page.keyboard.press('Enter');
  const formatted = ['brave:strong', 'world:em', 'words:link=https://example.com'];
  await expect.poll(() => marked(alice)).toEqual(formatted);

  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => alice.blocks()).toEqual(['Notes.']);
  await expect.poll(() => bob.blocks()).toEqual(['Notes.']);
  await alice.page.keyboard.press('Control+y');
  await expect.poll(() => alice.blocks()).toEqual(['Notes. Hello brave new world of words']);
  await expect.poll(() => bob.blocks()).toEqual(['Notes. Hello brave new world of words']);
  await expect.poll(() => marked(alice)).toEqual(formatted);
  await expect.poll(() => marked(bob)).toEqual(formatted);

  // And once more: a second Ctrl+Z and Ctrl+Y keep them too.
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => bob.blocks()).toEqual(['Notes.']);
  await alice.page.keyboard.press('Control+y');
  await expect.poll(() => bob.blocks()).toEqual(['Notes. Hello brave new world of words']);
  await expect.poll(() => marked(alice)).toEqual(formatted);
  await expect.poll(() => marked(bob)).toEqual(formatted);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

/** Bob writes "Title" and a new line; Alice writes "Notes.", pauses, then " Hello brave new world" on it (two steps of hers). */
async function sentenceUnderBobsTitle(alice: EditorPage, bob: EditorPage): Promise<void> {
  await bob.focusEnd();
  await bob.page.keyboard.insertText('Title');
  await bob.page.keyboard.press('Enter');
  await expect.poll(() => alice.blocks()).toEqual(['Title', '']);
  await alice.caretAt(1, 0);
  await alice.page.keyboard.insertText('Notes.');
  await alice.page.waitForTimeout(1_200); // a pause: the sentence is a step of its own
  await alice.page.keyboard.insertText(' Hello brave new world');
  await expect.poll(() => bob.blocks()).toEqual(['Title', 'Notes. Hello brave new world']);
}

test('after my Ctrl+Z took out the words the other person made bold, their Ctrl+Z of the bold brings nothing back', async ({ pair }) => {
  const { alice, bob } = await pair('undo-formats/their-undo');
  await sentenceUnderBobsTitle(alice, bob);
  await bob.select('brave');
  await bob.page.keyboard.press('Control+b');
  await expect.poll(() => marked(alice)).toEqual(['brave:strong']);

  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => bob.blocks()).toEqual(['Title', 'Notes.']);
  await bob.page.keyboard.press('Control+z');
  // Nothing of Alice's comes back, no bold is left anywhere.
  for (const person of [alice, bob]) {
    await expect.poll(() => person.blocks()).toEqual(['Title', 'Notes.']);
    await expect.poll(() => marked(person)).toEqual([]);
  }
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('their Ctrl+Z of their bold, after my Ctrl+Z and Ctrl+Y brought it back, spreads it over nothing else and takes back nothing else', async ({ pair }) => {
  const { alice, bob } = await pair('undo-formats/redo-then-their-undo');
  await sentenceUnderBobsTitle(alice, bob);
  await bob.page.waitForTimeout(1_200); // a pause: Bob's bold is a step of its own
  await bob.select('brave');
  await bob.page.keyboard.press('Control+b');
  await expect.poll(() => marked(alice)).toEqual(['brave:strong']);
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => bob.blocks()).toEqual(['Title', 'Notes.']);
  await alice.page.keyboard.press('Control+y');
  await expect.poll(() => marked(bob)).toEqual(['brave:strong']);

  await bob.page.keyboard.press('Control+z');
  await bob.expectSaved();
  await alice.expectSaved();
  for (const person of [alice, bob]) {
    await expect.poll(() => person.blocks()).toEqual(['Title', 'Notes. Hello brave new world']);
    // Not over Alice's words after it. (The bold stays on "brave": Alice's Ctrl+Y made it again as hers, which
    // Bob's Ctrl+Z cannot take back; a known limit.)
    expect((await marked(person)).join(' ')).not.toContain('world');
  }
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test("Ctrl+Z then Ctrl+Y of my sentence the other person made a heading (and made a word of bold) brings it back as they left it", async ({ pair }) => {
  const { alice, bob } = await pair('undo-formats/heading');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Notes.');
  await alice.page.waitForTimeout(1_200); // a pause: the sentence is a step of its own
  await alice.page.keyboard.insertText(' Hello brave new world');
  await expect.poll(() => bob.blocks()).toEqual(['Notes. Hello brave new world']);
  await bob.select('brave');
  await bob.page.keyboard.press('Control+b');
  await bob.caretAt(0, 0);
  await bob.page.keyboard.press('Control+Alt+2');
  await expect.poll(() => blocks(alice)).toEqual(['heading2:Notes. Hello brave new world']);
  await expect.poll(() => marked(alice)).toEqual(['brave:strong']);

  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => blocks(bob)).toEqual(['heading2:Notes.']);
  await alice.page.keyboard.press('Control+y');
  for (const person of [alice, bob]) {
    await expect.poll(() => blocks(person)).toEqual(['heading2:Notes. Hello brave new world']);
    await expect.poll(() => marked(person)).toEqual(['brave:strong']);
  }
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test("Ctrl+Z then Ctrl+Y of my sentence brings the other person's comment back on their words", async ({ pair }) => {
  const { alice, bob } = await pair('undo-formats/comment');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Notes.');
  await alice.page.waitForTimeout(1_200); // a pause: the sentence is a step of its own
  await alice.page.keyboard.insertText(' Hello brave new world');
  await expect.poll(() => bob.blocks()).toEqual(['Notes. Hello brave new world']);
  await bob.select('brave new');
  await bob.toolbar('comment');
  await bob.page.getByRole('textbox', { name: 'New comment' }).fill('Why brave?');
  await bob.page.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect.poll(() => highlighted(alice.page)).toEqual(['brave new']);

  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => bob.blocks()).toEqual(['Notes.']);
  await alice.page.keyboard.press('Control+y');
  for (const person of [alice, bob]) {
    await expect.poll(() => person.blocks()).toEqual(['Notes. Hello brave new world']);
    await expect(threads(person.page).first()).toHaveAttribute('data-orphaned', 'false');
    await expect.poll(() => highlighted(person.page)).toEqual(['brave new']);
  }
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
