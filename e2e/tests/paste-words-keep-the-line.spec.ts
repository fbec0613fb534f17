// Words copied from inside one line, pasted at the start of another: the words go into that line, which
// keeps its kind, as in Google Docs. ProseMirror keeps a "defining" block (heading, code block) and the
// list item or quote around it when the pasted words begin a textblock: a word copied from a heading and
// pasted at the start of a paragraph (or into an empty one) made the whole paragraph a heading, a word from
// a list item made it a list item, while the same word pasted one character further on went in as words.

import { blocks } from '../fixtures/blocks.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test('a word copied from a heading, a code block, a quote or a list item and pasted at the start of a paragraph goes in as words', async ({ pair }) => {
  const { alice, bob } = await pair('paste-words/start');
  await alice.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await alice.focusEnd();
  await alice.paste({
    'text/html': '<h2>Plan ahead</h2><pre><code>let code = 1;</code></pre><blockquote><p>quoted words</p></blockquote><ul><li><p>item words</p></li></ul><p>text</p><p></p>',
    'text/plain': 'Plan ahead\nlet code = 1;\nquoted words\nitem words\ntext\n',
  });
  const before = ['heading2:Plan ahead', 'code_block:let code = 1;', 'blockquote>paragraph:quoted words', 'bullet_list>list_item>paragraph:item words'];
  await expect.poll(() => blocks(bob)).toEqual([...before, 'paragraph:text', 'paragraph:']);

  // Each word is copied with Ctrl+C from inside its line, and pasted with Ctrl+V at the start of "text".
  for (const word of ['Plan', 'code', 'quoted', 'item']) {
    await alice.select(word);
    await alice.page.keyboard.press('Control+c');
    await alice.caretAt(4, 0);
    await alice.page.keyboard.press('Control+v');
  }
  // And one more into the empty paragraph at the end.
  await alice.select('ahead');
  await alice.page.keyboard.press('Control+c');
  await alice.caretAt(5, 0);
  await alice.page.keyboard.press('Control+v');

  const after = [...before, 'paragraph:itemquotedcodePlantext', 'paragraph:ahead'];
  await expect.poll(() => blocks(alice)).toEqual(after);
  await expect.poll(() => blocks(bob)).toEqual(after);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('a whole heading copied with its line end still pastes as a heading', async ({ pair }) => {
  const { alice, bob } = await pair('paste-words/whole');
  await alice.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await alice.focusEnd();
  await alice.paste({ 'text/html': '<h2>Plan ahead</h2><p>text</p>', 'text/plain': 'Plan ahead\ntext' });
  await expect.poll(() => blocks(bob)).toEqual(['heading2:Plan ahead', 'paragraph:text']);
  // From the start of the heading to the start of the paragraph: the heading with its line end.
  await alice.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: any } }).tandem; // eslint-disable-line @typescript-eslint/no-explicit-any
    view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.create(view.state.doc, 1, 13)));
    view.focus();
  });
  await alice.selectionRead();
  await alice.page.keyboard.press('Control+c');
  await alice.caretAt(1, 'text'.length);
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Control+v');
  await expect.poll(() => blocks(bob)).toEqual(['heading2:Plan ahead', 'paragraph:text', 'heading2:Plan ahead', 'paragraph:']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('a heading copied whole from a web page still pastes as a heading', async ({ pair }) => {
  const { alice, bob } = await pair('paste-words/web');
  await alice.focusEnd();
  await alice.paste({ 'text/html': '<meta charset="utf-8"><h2 style="color: #111">Release notes</h2>', 'text/plain': 'Release notes' });
  await expect.poll(() => blocks(bob)).toEqual(['heading2:Release notes']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
