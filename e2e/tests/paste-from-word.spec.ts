// Pasting a list from Microsoft Word: Word puts no <ul> or <ol> on the clipboard, only paragraphs with
// their bullets and numbers as text. They arrive as the lists they were, nested as in Word, no "·" left.

import { readFileSync } from 'node:fs';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

const WORD_HTML = readFileSync(new URL('../../packages/schema/src/fixtures/word-lists.html', import.meta.url), 'utf8');

test("a list copied from Word is pasted as a list, nested and numbered as in Word, without Word's bullet characters", async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'from-word');
  await alice.focusEnd();
  const text = 'Agenda for Monday\n·       Budget review\no   Travel\no   Equipment\n·       Hiring\nThen, in order:\n1.     Open the meeting\na.     Apologies\n2.     Close it';
  await alice.paste({ 'text/html': WORD_HTML, 'text/plain': text });
  const outline = () =>
    alice.editor.evaluate((el) =>
      [...el.querySelectorAll('p')]
        .filter((p) => p.textContent !== '')
        .map((p) => {
          const lists = [];
          for (let node = p.parentElement; node !== null && node !== el; node = node.parentElement) {
            if (node.tagName === 'UL' || node.tagName === 'OL') lists.unshift(node.tagName === 'UL' ? '•' : '1.');
          }
          return `${lists.join(' ')} ${p.textContent}`.trim();
        }),
    );
  await expect
    .poll(outline)
    .toEqual(['Agenda for Monday', '• Budget review', '• • Travel', '• • Equipment', '• Hiring', 'Then, in order:', '1. Open the meeting', '1. 1. Apologies', '1. Close it']);
  // Stored as such: a second person opening the document sees the same lists.
  const bob = await person('Bob', '#2563eb');
  await bob.open(server.url, 'from-word');
  await expect(bob.editor.locator('ol ol li')).toHaveText(['Apologies']);
  expect(alice.errors).toEqual([]);
});

test('an empty line copied from Word (a paragraph holding only &nbsp;) is pasted as an empty line, not a space', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'from-word-empty-line');
  await alice.focusEnd();
  const html =
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><body lang=EN-US><!--StartFragment-->' +
    '<p class=MsoNormal>Dear team,<o:p></o:p></p>\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n<p class=MsoNormal>Thanks<o:p></o:p></p>' +
    '<!--EndFragment--></body></html>';
  await alice.paste({ 'text/html': html, 'text/plain': 'Dear team,\n\nThanks' });
  await expect.poll(() => alice.blocks()).toEqual(['Dear team,', '', 'Thanks']);
  // Typed into the empty line, the words are its whole text (no space left before or after them).
  await alice.caretAt(1, 0);
  await alice.type('PS');
  await expect.poll(() => alice.blocks()).toEqual(['Dear team,', 'PS', 'Thanks']);
  expect(alice.errors).toEqual([]);
});

test("a picture copied from Word (a file on the sender's computer, which no browser may load) leaves no empty line behind", async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'from-word-picture');
  await alice.focusEnd();
  const html =
    '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"><body lang=EN-US><!--StartFragment-->' +
    '<p class=MsoNormal>The plan:<o:p></o:p></p>\n' +
    "<p class=MsoNormal><span style='mso-no-proof:yes'><!--[if gte vml 1]><v:shape id=\"Picture_x0020_1\" type=\"#_x0000_t75\"><v:imagedata src=\"file:///C:/Users/alice/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png\" o:title=\"\"/></v:shape><![endif]--><![if !vml]><img width=320 height=200 src=\"file:///C:/Users/alice/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png\" v:shapes=\"Picture_x0020_1\"><![endif]></span><o:p></o:p></p>\n" +
    '<p class=MsoNormal>Questions welcome.<o:p></o:p></p>' +
    '<!--EndFragment--></body></html>';
  await alice.paste({ 'text/html': html, 'text/plain': 'The plan:\n\nQuestions welcome.' });
  await expect.poll(() => alice.blocks()).toEqual(['The plan:', 'Questions welcome.']);
  await expect(alice.editor.locator('img')).toHaveCount(0);
  expect(alice.errors).toEqual([]);
});
