// Inline code typed between backticks keeps what was typed: the typographic replacements ("--" to "—",
// straight to curly quotes, "..." to "…") fired while the code was still being typed, before the closing
// backtick made it code, so a command copied back out no longer worked (found by a review). Outside code
// they work as before.
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

const codeText = (p: { editor: import('@playwright/test').Locator }) => p.editor.locator('code').allTextContents();

test('inline code typed with backticks keeps dashes, quotes and dots as typed; prose around it gets the typography', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'inline-code-backticks');
  await alice.focusEnd();
  await alice.type("Run `npm install --save-dev tandem` then `echo 'ok' ...` -- it's \"done\"...");
  expect(await codeText(alice)).toEqual(['npm install --save-dev tandem', "echo 'ok' ..."]);
  await expect.poll(() => alice.text()).toBe('Run npm install --save-dev tandem then echo \'ok\' ... \u2014 it\u2019s \u201Cdone\u201D\u2026');
});

test('inline code turned on with Ctrl+` keeps what was typed', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'inline-code-shortcut');
  await alice.focusEnd();
  await alice.type('Run ');
  await alice.page.keyboard.press('Control+`');
  await alice.type('git log --oneline "a b"...');
  expect(await codeText(alice)).toEqual(['git log --oneline "a b"...']);
});
