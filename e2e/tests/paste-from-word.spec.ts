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
  // Said, not left out in silence: what was left out, why, and how to add it.
  const notice = alice.page.getByTestId('picture-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('role', 'status');
  await expect(notice).toContainText('1 picture was left out');
  await expect(notice).toContainText('Image in the toolbar');
  // Dismissed from the keyboard, it goes, and typing goes on in the text.
  await notice.getByRole('button', { name: 'Dismiss' }).focus();
  await alice.page.keyboard.press('Enter');
  await expect(notice).toBeHidden();
  await alice.page.keyboard.type(' Thanks.');
  await expect.poll(() => alice.blocks()).toEqual(['The plan:', 'Questions welcome. Thanks.']);
  expect(alice.errors).toEqual([]);
});

test('a screenshot pasted (a picture file, nothing else) is said to be not added, with how to add it; text pasted after says nothing', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'pasted-screenshot');
  await alice.focusEnd();
  await alice.type('Before');
  await alice.selectionRead();
  await alice.editor.evaluate((el) => {
    const clipboardData = new DataTransfer();
    clipboardData.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'screenshot.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
  });
  const notice = alice.page.getByTestId('picture-notice');
  await expect(notice).toContainText('The picture was not added');
  await expect.poll(() => alice.blocks()).toEqual(['Before']);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toBeHidden();
  // Two picture files dropped on the text: the same.
  await alice.editor.evaluate((el) => {
    const dataTransfer = new DataTransfer();
    for (const name of ['a.png', 'b.jpg']) dataTransfer.items.add(new File([new Uint8Array([1, 2, 3])], name, { type: name.endsWith('png') ? 'image/png' : 'image/jpeg' }));
    const box = el.querySelector('p')!.getBoundingClientRect();
    el.dispatchEvent(new DragEvent('drop', { dataTransfer, bubbles: true, cancelable: true, clientX: box.left + 5, clientY: box.top + box.height / 2 }));
  });
  await expect(notice).toContainText('2 pictures were not added');
  await expect.poll(() => alice.blocks()).toEqual(['Before']);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  // A paste that leaves nothing out brings no notice; nor does a picture from a web address.
  await alice.focusEnd();
  await alice.paste({ 'text/html': '<p>after <img src="https://example.com/a.png" alt="a"></p>', 'text/plain': 'after' });
  await expect(alice.editor.locator('img[src="https://example.com/a.png"]')).toHaveCount(1);
  await expect(notice).toBeHidden();
  // (The address leads nowhere here: the browser's failure to load it is the only error.)
  expect(alice.errors.filter((e) => !e.includes('ERR_NAME_NOT_RESOLVED'))).toEqual([]);
});
