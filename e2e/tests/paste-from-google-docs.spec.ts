// Pasting from Google Docs: its clipboard HTML writes each empty line between paragraphs as a bare <br>
// between the <p> elements. They arrived as paragraphs holding a line break (a line twice as tall, whose
// text typed into it went after a break); Google Docs pastes them as empty lines. Its links come with an
// underline drawn on a span inside the <a>, which became an underline of its own that outlived the link.

import { blocks } from '../fixtures/blocks.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

const span = (text: string) => `<span style="font-size:11pt;font-family:Arial;color:#000000;font-weight:400;white-space:pre-wrap;">${text}</span>`;
const para = (text: string) => `<p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;">${span(text)}</p>`;
// As Google Docs puts "First", an empty line, "Second", two empty lines and "Third" on the clipboard.
const DOCS_HTML =
  `<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-7f3a1c2e-7fff-0d4b-9c1a-5e2b3c4d5e6f">` +
  `${para('First')}<br>${para('Second')}<br><br>${para('Third')}</b><br class="Apple-interchange-newline">`;

/** The inline nodes that are not text, by type (a hard_break is a Shift+Enter line break). */
const breaks = (page: import('@playwright/test').Page) =>
  page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: any } }).tandem; // eslint-disable-line @typescript-eslint/no-explicit-any
    let count = 0;
    view.state.doc.descendants((n: any) => void (n.type.name === 'hard_break' && count++)); // eslint-disable-line @typescript-eslint/no-explicit-any
    return count;
  });

test('empty lines copied from Google Docs are pasted as empty lines, not line breaks', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'from-google-docs');
  await alice.focusEnd();
  await alice.paste({ 'text/html': DOCS_HTML, 'text/plain': 'First\n\nSecond\n\n\nThird\n' });
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:First', 'paragraph:', 'paragraph:Second', 'paragraph:', 'paragraph:', 'paragraph:Third']);
  expect(await breaks(alice.page)).toBe(0);

  // Typed into the empty line, the words are that line's text alone.
  await alice.caretAt(1, 0);
  await alice.type('between');
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:First', 'paragraph:between', 'paragraph:Second', 'paragraph:', 'paragraph:', 'paragraph:Third']);
  expect(await breaks(alice.page)).toBe(0);
  expect(alice.errors).toEqual([]);
});

test('a line break inside a pasted paragraph stays a line break', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'from-web-page-breaks');
  await alice.focusEnd();
  await alice.paste({ 'text/html': '<p>12 Main Street<br>Springfield</p><p>Next</p>', 'text/plain': '12 Main Street\nSpringfield\n\nNext' });
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:12 Main StreetSpringfield', 'paragraph:Next']);
  expect(await breaks(alice.page)).toBe(1);
  expect(alice.errors).toEqual([]);
});

// As Google Docs puts a linked word on the clipboard: the <a> says no underline, the span in it draws one.
const DOCS_LINK_HTML =
  `<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-0b1c2d3e-7fff-4a5b-8c9d-0e1f2a3b4c5d">` +
  `<p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;">${span('Read ')}` +
  `<a href="https://example.com/guide" style="text-decoration:none;"><span style="font-size:11pt;font-family:Arial;color:#1155cc;font-weight:400;text-decoration:underline;-webkit-text-decoration-skip:none;text-decoration-skip-ink:none;white-space:pre-wrap;">the guide</span></a>` +
  `${span(' and ')}<span style="font-size:11pt;font-weight:400;text-decoration:underline;white-space:pre-wrap;">this</span></p></b>`;

/** Each text run of the first paragraph as `text:mark,mark`. */
const runs = (page: import('@playwright/test').Page) =>
  page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: any } }).tandem; // eslint-disable-line @typescript-eslint/no-explicit-any
    const out: string[] = [];
    view.state.doc.firstChild.forEach((n: any) => out.push(`${n.text}:${n.marks.map((m: any) => m.type.name).join(',')}`)); // eslint-disable-line @typescript-eslint/no-explicit-any
    return out;
  });

test('a link copied from Google Docs is pasted as a link, not also underlined: removing the link leaves plain text', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'from-google-docs-link');
  await alice.focusEnd();
  await alice.paste({ 'text/html': DOCS_LINK_HTML, 'text/plain': 'Read the guide and this' });
  // Text underlined in Google Docs (not a link) stays underlined.
  await expect.poll(() => runs(alice.page)).toEqual(['Read :', 'the guide:link', ' and :', 'this:underline']);
  await alice.caretAt(0, 7);
  await alice.page.getByTestId('link-popover').getByRole('button', { name: 'Remove' }).click();
  await expect.poll(() => runs(alice.page)).toEqual(['Read the guide and :', 'this:underline']);
  expect(alice.errors).toEqual([]);
});
