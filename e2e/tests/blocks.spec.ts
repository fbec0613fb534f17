// Block formatting that behaves as people expect: list conversion, code blocks you can leave, headings that toggle.

import { blocks } from '../fixtures/blocks.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

async function alone(server: { url: string }, person: (n: string, c: string) => Promise<EditorPage>, doc: string): Promise<EditorPage> {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, doc);
  await alice.focusEnd();
  return alice;
}

/** The document's block structure as tag names, nested lists included: `ul>li>p`. */
const structure = (alice: EditorPage) =>
  alice.editor.evaluate((el) => {
    const walk = (node: Element): string =>
      node.children.length === 0 || node.tagName === 'P' || /^H\d$/.test(node.tagName) || node.tagName === 'PRE'
        ? node.tagName.toLowerCase()
        : `${node.tagName.toLowerCase()}(${[...node.children].filter((c) => !c.classList.contains('ProseMirror-yjs-cursor') && c.tagName !== 'BR').map(walk).join(',')})`;
    return [...el.children].filter((c) => c.tagName !== 'BR' || el.children.length > 1).map(walk).join(',');
  });

test('typing "1. " in a bullet item turns the list into a numbered one, "- " turns it back, and a marker of the same kind stays text', async ({ server, person }) => {
  const alice = await alone(server, person, 'list-convert');
  await alice.type('- first');
  await alice.page.keyboard.press('Enter');
  await alice.type('1. second');
  await expect.poll(() => structure(alice)).toBe('ol(li(p),li(p))');
  await expect.poll(() => alice.texts('li')).toEqual(['first', 'second']);
  await alice.page.keyboard.press('Enter');
  await alice.type('* third');
  await expect.poll(() => structure(alice)).toBe('ul(li(p),li(p),li(p))');
  await alice.page.keyboard.press('Enter');
  await alice.type('- fourth');
  await expect.poll(() => structure(alice)).toBe('ul(li(p),li(p),li(p),li(p))');
  await expect.poll(() => alice.texts('li')).toEqual(['first', 'second', 'third', '- fourth']);
});

test('the code block button toggles a code block back to a paragraph, keeping its lines', async ({ server, person }) => {
  const alice = await alone(server, person, 'code-toggle');
  await alice.type('let a = 1;');
  await alice.toolbar('codeBlock');
  await expect.poll(() => structure(alice)).toBe('pre');
  await expect(alice.page.locator('.toolbar [data-command="codeBlock"]')).toHaveAttribute('aria-pressed', 'true');
  await alice.page.keyboard.press('Enter');
  await alice.type('let b = 2;');
  await alice.toolbar('codeBlock');
  await expect.poll(() => structure(alice)).toBe('p');
  await expect(alice.page.locator('.toolbar [data-command="codeBlock"]')).toHaveAttribute('aria-pressed', 'false');
  await expect(alice.editor.locator('p')).toHaveText('let a = 1;let b = 2;');
  await expect(alice.editor.locator('p br:not(.ProseMirror-trailingBreak)')).toHaveCount(1);
});

test('"```" typed in an empty list item makes it a code block out of the list; Ctrl+Z or Backspace right after brings the backticks back', async ({ server, person }) => {
  const alice = await alone(server, person, 'code-in-list');
  await alice.type('- one');
  await alice.page.keyboard.press('Enter');
  await alice.type('```', 15);
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'code_block:']);
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:```']);
  await alice.page.keyboard.press('Backspace');
  await alice.type('`', 15);
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'code_block:']);
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:```']);
  await alice.page.keyboard.press('Backspace');
  await alice.type('`let a = 1;', 15);
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'code_block:let a = 1;']);

  // Between two items: the list goes on after the code block.
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Delete');
  await alice.type('1. one');
  await alice.page.keyboard.press('Enter');
  await alice.type('three');
  await alice.page.keyboard.press('Home');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('ArrowUp');
  await alice.type('```', 15);
  await alice.type('code');
  await expect.poll(() => blocks(alice)).toEqual(['ordered_list>list_item>paragraph:one', 'code_block:code', 'ordered_list>list_item>paragraph:three']);
  expect(alice.errors).toEqual([]);
});

test('the code block button in a list item makes it a code block out of the list, the list going on after it; Ctrl+Z brings the item back', async ({ server, person }) => {
  const alice = await alone(server, person, 'code-button-in-list');
  await alice.type('- one');
  await alice.page.keyboard.press('Enter');
  await alice.type('let a = 1;');
  await alice.page.keyboard.press('Enter');
  await alice.type('three');
  await alice.page.keyboard.press('ArrowUp');
  await expect(alice.page.locator('.toolbar [data-command="codeBlock"]')).toBeEnabled();
  await alice.toolbar('codeBlock');
  await expect
    .poll(() => blocks(alice))
    .toEqual(['bullet_list>list_item>paragraph:one', 'code_block:let a = 1;', 'bullet_list>list_item>paragraph:three']);
  await expect(alice.page.locator('.toolbar [data-command="codeBlock"]')).toHaveAttribute('aria-pressed', 'true');
  await alice.page.keyboard.press('Control+z');
  await expect
    .poll(() => blocks(alice))
    .toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:let a = 1;', 'bullet_list>list_item>paragraph:three']);
  expect(alice.errors).toEqual([]);
});

test('"## " typed at the start of a numbered item, or the H1 button in one, makes it a heading out of the list, the list numbering on after it', async ({ server, person }) => {
  const alice = await alone(server, person, 'heading-in-list');
  await alice.type('1. one');
  await alice.page.keyboard.press('Enter');
  await alice.type('Plan');
  await alice.page.keyboard.press('Enter');
  await alice.type('three');
  await alice.page.keyboard.press('ArrowUp');
  await alice.page.keyboard.press('Home');
  await alice.type('## ');
  await expect
    .poll(() => blocks(alice))
    .toEqual(['ordered_list>list_item>paragraph:one', 'heading2:Plan', 'ordered_list>list_item>paragraph:three']);
  await expect(alice.editor.locator('h2')).toHaveText('Plan');
  // "three" is numbered 2: the list goes on as one list around the heading.
  await expect(alice.editor.locator('ol').nth(1)).toHaveAttribute('start', '2');
  await alice.page.keyboard.press('Control+z');
  await expect
    .poll(() => blocks(alice))
    .toEqual(['ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:## Plan', 'ordered_list>list_item>paragraph:three']);
  await alice.page.keyboard.press('ArrowDown');
  await alice.toolbar('h1');
  await expect
    .poll(() => blocks(alice))
    .toEqual(['ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:## Plan', 'heading1:three']);
  await expect(alice.editor.locator('h1')).toHaveText('three');
  expect(alice.errors).toEqual([]);
});

test('"> " typed at the start of a list item, or the quote button in one, makes it a quote out of the list', async ({ server, person }) => {
  const alice = await alone(server, person, 'quote-in-list');
  await alice.type('- one');
  await alice.page.keyboard.press('Enter');
  await alice.type('two');
  await alice.page.keyboard.press('Enter');
  await alice.type('three');
  await alice.page.keyboard.press('ArrowUp');
  await alice.page.keyboard.press('Home');
  await alice.type('> ');
  await expect
    .poll(() => blocks(alice))
    .toEqual(['bullet_list>list_item>paragraph:one', 'blockquote>paragraph:two', 'bullet_list>list_item>paragraph:three']);
  await alice.page.keyboard.press('ArrowDown');
  await alice.page.keyboard.press('Control+Shift+Period');
  await expect
    .poll(() => blocks(alice))
    .toEqual(['bullet_list>list_item>paragraph:one', 'blockquote>paragraph:two', 'blockquote>paragraph:three']);
  expect(alice.errors).toEqual([]);
});

test('Enter twice at the end of a code block leaves it for a paragraph', async ({ server, person }) => {
  const alice = await alone(server, person, 'code-exit');
  await alice.type('```');
  await alice.type('one');
  await alice.page.keyboard.press('Enter');
  await alice.type('two');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Enter');
  await alice.type('after');
  await expect.poll(() => structure(alice)).toBe('pre,p');
  await expect.poll(() => alice.texts(':scope > *')).toEqual(['one\ntwo', 'after']);
});

test('ArrowDown at the end of a code block that ends the document leaves it for a new paragraph', async ({ server, person }) => {
  const alice = await alone(server, person, 'code-arrow');
  await alice.type('```');
  await alice.type('code');
  await alice.page.keyboard.press('ArrowDown');
  await alice.type('after');
  await expect.poll(() => structure(alice)).toBe('pre,p');
  await expect.poll(() => alice.texts(':scope > *')).toEqual(['code', 'after']);
});

test('an H3 button and Ctrl+Shift+3; H1, H2 and H3 toggle back to a paragraph', async ({ server, person }) => {
  const alice = await alone(server, person, 'headings');
  await alice.type('Title');
  const button = (c: string) => alice.page.locator(`.toolbar [data-command="${c}"]`);
  await expect(button('h3')).toHaveAccessibleName('H3 heading');
  for (const level of [1, 2, 3]) {
    await alice.toolbar(`h${level}`);
    await expect.poll(() => structure(alice)).toBe(`h${level}`);
    await expect(button(`h${level}`)).toHaveAttribute('aria-pressed', 'true');
    await alice.toolbar(`h${level}`);
    await expect.poll(() => structure(alice)).toBe('p');
    await expect(button(`h${level}`)).toHaveAttribute('aria-pressed', 'false');
  }
  await alice.page.keyboard.press('Control+Shift+3');
  await expect.poll(() => structure(alice)).toBe('h3');
  await alice.page.keyboard.press('Control+Shift+3');
  await expect.poll(() => structure(alice)).toBe('p');
});
