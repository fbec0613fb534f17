// Underline, strikethrough, horizontal rules, images by address, the empty document's placeholder and
// the word count: by keyboard and toolbar, seen by a second person where it matters.

import { fileURLToPath } from 'node:url';
import type { BrowserContext } from '@playwright/test';
import { axeViolations } from '../fixtures/axe.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

async function alone(server: { url: string }, person: (n: string, c: string) => Promise<EditorPage>, doc: string): Promise<EditorPage> {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, doc);
  await alice.focusEnd();
  return alice;
}

/** Pastes `html` (with its text) into the editor, as copying from a web page does. */
const pasteHtml = (person: EditorPage, html: string, text: string) => person.paste({ 'text/html': html, 'text/plain': text });

// An image host on another origin: Playwright answers for it (the browser still applies the page's CSP first).
const CAT = 'https://images.example/cat.svg';
const CAT_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90" viewBox="0 0 160 90"><rect width="160" height="90" rx="8" fill="#eef2ff"/>' +
  '<circle cx="80" cy="50" r="26" fill="#4f46e5"/><path d="M58 34 64 12 76 28ZM102 34 96 12 84 28Z" fill="#4f46e5"/></svg>';
const serveImages = (context: BrowserContext) =>
  context.route('https://images.example/**', (route) => route.fulfill({ contentType: 'image/svg+xml', body: CAT_SVG }));

/** Images in the document (ProseMirror draws an empty one, its `separator`, after an inline node that ends a line). */
const images = (person: EditorPage) => person.editor.locator('img:not(.ProseMirror-separator)');
const button = (person: EditorPage, command: string) => person.page.locator(`.toolbar [data-command="${command}"]`);
const loaded = (person: EditorPage, src: string) =>
  person.editor.locator(`img[src="${src}"]`).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);

test('underline (Ctrl+U) and strikethrough (Ctrl+Shift+X) by keys and by toolbar; the other person sees them', async ({ pair }) => {
  test.setTimeout(180_000);
  const { alice, bob } = await pair('formats-marks');
  await alice.focusEnd();
  await alice.page.keyboard.press('Control+u');
  await expect(button(alice, 'underline')).toHaveAttribute('aria-pressed', 'true');
  await alice.type('under');
  await alice.page.keyboard.press('Control+u');
  await alice.type(' plain ');
  await alice.page.keyboard.press('Control+Shift+X');
  await alice.type('struck');
  await alice.page.keyboard.press('Control+Shift+X');
  await alice.type(' again');
  // texts(): without the other person's cursor label, which may sit inside the marked text.
  await expect.poll(() => alice.texts('u')).toEqual(['under']);
  await expect.poll(() => alice.texts('s')).toEqual(['struck']);

  // The toolbar's buttons toggle the marks on a selection and say whether they apply.
  await alice.select('again');
  await expect(button(alice, 'underline')).toHaveAttribute('aria-pressed', 'false');
  await alice.toolbar('underline');
  await alice.toolbar('strikethrough');
  await expect(button(alice, 'underline')).toHaveAttribute('aria-pressed', 'true');
  await expect(button(alice, 'strikethrough')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => alice.texts('u s')).toEqual(['again']);
  await expect(button(alice, 'underline')).toHaveAttribute('aria-keyshortcuts', 'Control+U');
  await expect(button(alice, 'strikethrough')).toHaveAttribute('aria-keyshortcuts', 'Control+Shift+X');

  await expect.poll(() => bob.texts('u')).toEqual(['under', 'again']);
  await expect.poll(() => bob.texts('s')).toEqual(['struck', 'again']);
  await expect.poll(() => bob.text()).toBe('under plain struck again');
  expect(alice.errors).toEqual([]);
});

test('the toolbar is one tab stop whose arrow keys reach the new buttons', async ({ server, person }) => {
  const alice = await alone(server, person, 'formats-toolbar-keys');
  await button(alice, 'bold').focus();
  await alice.page.keyboard.press('ArrowRight');
  await alice.page.keyboard.press('ArrowRight');
  await expect(button(alice, 'underline')).toBeFocused();
  await alice.page.keyboard.press('ArrowRight');
  await expect(button(alice, 'strikethrough')).toBeFocused();
  await expect(alice.page.locator('.toolbar button[tabindex="0"]')).toHaveCount(1);
  await button(alice, 'horizontalRule').focus();
  await alice.page.keyboard.press('ArrowRight');
  await expect(button(alice, 'image')).toBeFocused();
});

test('"---" on an empty line makes a horizontal rule, "--" in text stays an em dash, and the toolbar inserts one', async ({ server, person }) => {
  const alice = await alone(server, person, 'formats-rule');
  await alice.type('Wait -- what');
  await alice.page.keyboard.press('Enter');
  await alice.type('---');
  await expect(alice.editor.locator('hr')).toHaveCount(1);
  await alice.type('after');
  await expect.poll(() => alice.texts(':scope > *')).toEqual(['Wait — what', '', 'after']);
  await expect(alice.editor.locator(':scope > *')).toHaveCount(3);
  await expect(alice.editor.locator(':scope > :nth-child(2)')).toHaveJSProperty('tagName', 'HR');

  // "---" after text on the same line is text.
  await alice.page.keyboard.press('Enter');
  await alice.type('x---');
  await expect(alice.editor.locator('hr')).toHaveCount(1);
  await expect.poll(() => alice.texts('p')).toEqual(['Wait — what', 'after', 'x—-']);

  await alice.toolbar('horizontalRule');
  await expect(alice.editor.locator('hr')).toHaveCount(2);
  await alice.type('below');
  await expect.poll(() => alice.texts('p')).toEqual(['Wait — what', 'after', 'x—-', 'below']);
  expect(alice.errors).toEqual([]);
});

test('Backspace or Ctrl+Z right after "---" made a line brings back "---" as typed; "--" at the start of a line still becomes a dash', async ({ server, person }) => {
  // It brought back "—-": the em dash rule had turned the first two hyphens into a dash (an exploratory run).
  const alice = await alone(server, person, 'formats-rule-back');
  for (const key of ['Backspace', 'Control+z']) {
    await alice.page.keyboard.press('Control+a');
    await alice.page.keyboard.press('Delete');
    await alice.type('---');
    await expect(alice.editor.locator('hr')).toHaveCount(1);
    await alice.page.keyboard.press(key);
    await expect(alice.editor.locator('hr')).toHaveCount(0);
    await expect.poll(() => alice.texts('p')).toEqual(['---']);
  }
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Delete');
  await alice.type('-- so it goes');
  await expect.poll(() => alice.texts('p')).toEqual(['\u2014 so it goes']);
  expect(alice.errors).toEqual([]);
});

test('an image by address through the dialog, which the other person sees; a javascript: address is refused; pasted images keep only http(s) sources', async ({ pair }) => {
  test.setTimeout(180_000);
  const { alice, bob } = await pair('formats-image');
  await serveImages(alice.context);
  await serveImages(bob.context);
  await alice.focusEnd();
  await alice.type('A cat: ');

  await alice.toolbar('image');
  const dialog = alice.page.getByRole('dialog', { name: 'Insert an image' });
  await expect(dialog).toBeVisible();
  const address = dialog.getByRole('textbox', { name: 'Image address' });
  await expect(address).toBeFocused();

  // Refused, with the reason next to the field; nothing is inserted.
  await address.fill('javascript:alert(1)');
  await dialog.getByRole('button', { name: 'Insert image' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/Only images from web addresses starting with http:\/\/ or https:\/\//);
  await expect(address).toHaveAttribute('aria-invalid', 'true');
  await expect(address).toBeFocused();
  await expect(images(alice)).toHaveCount(0);
  expect(await axeViolations(alice.page)).toEqual([]);

  await address.fill(CAT);
  await expect(address).not.toHaveAttribute('aria-invalid');
  await dialog.getByRole('textbox', { name: 'Description (alt text)' }).fill('A drawing of a cat');
  await dialog.getByRole('button', { name: 'Insert image' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(alice.editor).toBeFocused();
  await alice.type(' indeed.');
  await expect(alice.editor.getByRole('img', { name: 'A drawing of a cat' })).toHaveAttribute('src', CAT);
  await expect.poll(() => loaded(alice, CAT)).toBe(true);
  await expect(bob.editor.getByRole('img', { name: 'A drawing of a cat' })).toHaveAttribute('src', CAT);
  await expect.poll(() => loaded(bob, CAT)).toBe(true);
  await expect.poll(() => bob.text()).toBe('A cat:  indeed.');

  // Esc closes the dialog without inserting anything, back in the text.
  await alice.toolbar('image');
  await expect(dialog).toBeVisible();
  await alice.page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(alice.editor).toBeFocused();

  // Pasted from a web page: the https image stays, the data: and javascript: ones never enter the document.
  await alice.page.keyboard.press('Enter');
  await pasteHtml(
    alice,
    `<p>Pasted <img src="https://images.example/dog.svg" alt="dog"><img src="data:image/svg+xml,%3Csvg%3E%3C/svg%3E" alt="data"><img src="javascript:alert(1)" alt="js"> end</p>`,
    'Pasted end',
  );
  await expect(images(bob)).toHaveCount(2);
  await expect(images(bob).nth(1)).toHaveAttribute('src', 'https://images.example/dog.svg');
  const srcs = await images(alice).evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')));
  expect(srcs).toEqual([CAT, 'https://images.example/dog.svg']);
  expect(alice.errors).toEqual([]);
});

test('an empty document shows "Start writing…", which is not its text and goes with the first letter', async ({ server, person }) => {
  const alice = await alone(server, person, 'formats-placeholder');
  const placeholder = alice.editor.locator('p.placeholder');
  await expect(placeholder).toHaveAttribute('data-placeholder', 'Start writing…');
  await expect(alice.editor).toHaveAttribute('aria-placeholder', 'Start writing…');
  // Drawn by CSS, with an empty alternative for assistive technology; nothing in the document.
  const drawn = await placeholder.evaluate((p) => getComputedStyle(p, '::before').content);
  expect(drawn).toBe('"Start writing…" / ""');
  expect(await alice.text()).toBe('');
  expect(await alice.editor.ariaSnapshot()).not.toContain('Start writing');

  await alice.type('H');
  await expect(placeholder).toHaveCount(0);
  await expect(alice.editor).not.toHaveAttribute('aria-placeholder');
  await alice.page.keyboard.press('Backspace');
  await expect(placeholder).toHaveCount(1);
  expect(await alice.text()).toBe('');
});

test('the word count shows the document and the selection, and never speaks up while typing', async ({ server, person }) => {
  const alice = await alone(server, person, 'formats-word-count');
  const count = alice.page.getByTestId('word-count');
  await expect(count).toHaveText('0 words · 0 characters');
  await alice.type('One two three.');
  await alice.page.keyboard.press('Enter');
  await alice.type('Four');
  await expect(count).toHaveText('4 words · 18 characters');
  await alice.select('two three');
  await expect(count).toHaveText('2 of 4 words · 9 of 18 characters');
  await alice.focusEnd();
  await expect(count).toHaveText('4 words · 18 characters');
  // Not a live region, nor inside one: read when someone goes to it, not announced per keystroke.
  expect(await count.evaluate((el) => el.closest('[aria-live], [role=status], [role=alert], [role=log]') === null)).toBe(true);
  await expect(alice.page.getByTestId('status-announcer')).not.toContainText('word');
});

test('the toolbar with the new formats, for the README; the history view shows them too', async ({ server, person }, testInfo) => {
  const alice = await alone(server, person, 'Formats');
  await serveImages(alice.context);
  await alice.type('Plans for the ');
  await alice.page.keyboard.press('Control+u');
  await alice.type('spring');
  await alice.page.keyboard.press('Control+u');
  await alice.type(' launch: ');
  await alice.page.keyboard.press('Control+Shift+X');
  await alice.type('March');
  await alice.page.keyboard.press('Control+Shift+X');
  await alice.type(' April.');
  await alice.page.keyboard.press('Enter');
  await alice.type('---');
  await alice.page.evaluate((src) => {
    type View = { state: { schema: { nodes: { image: { create(a: unknown): unknown } } }; tr: { replaceSelectionWith(n: unknown): unknown } }; dispatch(tr: unknown): void };
    const view = (window as unknown as { tandem: { view: View } }).tandem.view;
    view.dispatch(view.state.tr.replaceSelectionWith(view.state.schema.nodes.image.create({ src, alt: 'A drawing of a cat' })));
  }, CAT);
  await expect.poll(() => loaded(alice, CAT)).toBe(true);
  await alice.select('launch');
  await expect(alice.page.getByTestId('word-count')).toHaveText('1 of 7 words · 6 of 41 characters');
  const shot = testInfo.outputPath('toolbar.png');
  await alice.page.locator('.doc-main').screenshot({ path: shot });
  // `TANDEM_DOCS_SCREENSHOTS=1` refreshes the README's picture from this run.
  if (process.env.TANDEM_DOCS_SCREENSHOTS === '1') {
    await alice.page.locator('.doc-main').screenshot({ path: fileURLToPath(new URL('../../docs/toolbar.png', import.meta.url)) });
  }

  // The history view shows the same formats (it renders versions with the shared schema).
  await alice.expectSaved();
  await alice.page.getByRole('button', { name: 'History' }).click();
  const version = alice.page.getByTestId('history-document');
  await expect(version.locator('u')).toHaveText('spring');
  await expect(version.locator('s')).toHaveText('March');
  await expect(version.locator('hr')).toHaveCount(1);
  await expect(version.getByRole('img', { name: 'A drawing of a cat' })).toHaveAttribute('src', CAT);
});

test('Ctrl+B, Ctrl+I, Ctrl+U and Ctrl+Shift+X over a partly formatted selection format all of it, as in Google Docs; a second press takes it off', async ({ server, person }) => {
  const alice = await alone(server, person, 'formats-mixed-selection');
  await alice.type('one two three');
  /** The marks of each text run of the paragraph, as `text:mark,mark`. */
  const runs = () =>
    alice.page.evaluate(() => {
      const { view } = (window as unknown as { tandem: { view: any } }).tandem; // eslint-disable-line @typescript-eslint/no-explicit-any
      const out: string[] = [];
      view.state.doc.firstChild.forEach((n: any) => out.push(`${n.text}:${n.marks.map((m: any) => m.type.name).join(',')}`)); // eslint-disable-line @typescript-eslint/no-explicit-any
      return out;
    });
  /** Selects the whole line, across its differently formatted runs. */
  const selectLine = () =>
    alice.page.evaluate(() => {
      const { view } = (window as unknown as { tandem: { view: any } }).tandem; // eslint-disable-line @typescript-eslint/no-explicit-any
      view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.create(view.state.doc, 1, 1 + view.state.doc.firstChild.content.size)));
    });
  for (const [key, mark, command] of [
    ['Control+b', 'strong', 'bold'],
    ['Control+i', 'em', 'italic'],
    ['Control+u', 'underline', 'underline'],
    ['Control+Shift+x', 'strikethrough', 'strikethrough'],
  ] as const) {
    await alice.select('two');
    await alice.page.keyboard.press(key);
    await expect.poll(runs).toEqual(['one :', `two:${mark}`, ' three:']);
    // Google Docs shows the button unpressed over a selection only partly formatted, and the key formats all of it.
    await selectLine();
    await expect(button(alice, command)).toHaveAttribute('aria-pressed', 'false');
    await alice.page.keyboard.press(key);
    await expect.poll(runs).toEqual([`one two three:${mark}`]);
    await expect(button(alice, command)).toHaveAttribute('aria-pressed', 'true');
    await alice.page.keyboard.press(key);
    await expect.poll(runs).toEqual(['one two three:']);
  }
  expect(alice.errors).toEqual([]);
});

test("Google Docs' keys on Windows and Linux: Alt+Shift+5 strikes through, Ctrl+\\ clears the text's formatting but keeps its links", async ({ server, person }) => {
  const alice = await alone(server, person, 'formats-docs-keys');
  await alice.type('plain words and a link');
  const marksOf = () =>
    alice.page.evaluate(() => {
      const { view } = (window as unknown as { tandem: { view: any } }).tandem; // eslint-disable-line @typescript-eslint/no-explicit-any
      const out: string[] = [];
      view.state.doc.firstChild.forEach((n: any) => out.push(`${n.text}:${n.marks.map((m: any) => m.type.name).join(',')}`)); // eslint-disable-line @typescript-eslint/no-explicit-any
      return out;
    });
  await alice.select('words');
  await alice.page.keyboard.press('Alt+Shift+5');
  await expect.poll(marksOf).toEqual(['plain :', 'words:strikethrough', ' and a link:']);
  await alice.page.keyboard.press('Alt+Shift+5');
  await expect.poll(marksOf).toEqual(['plain words and a link:']);

  await alice.select('link');
  await alice.page.keyboard.press('Control+k');
  await alice.page.getByRole('textbox', { name: 'Link address' }).fill('example.com');
  await alice.page.getByRole('textbox', { name: 'Link address' }).press('Enter');
  await alice.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: any } }).tandem; // eslint-disable-line @typescript-eslint/no-explicit-any
    view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.create(view.state.doc, 1, 1 + view.state.doc.firstChild.content.size)));
  });
  for (const key of ['Control+b', 'Control+i', 'Control+u', 'Control+Shift+x']) await alice.page.keyboard.press(key);
  await expect.poll(marksOf).toEqual(['plain words and a :em,strong,underline,strikethrough', 'link:link,em,strong,underline,strikethrough']);
  await alice.page.keyboard.press('Control+\\');
  await expect.poll(marksOf).toEqual(['plain words and a :', 'link:link']);
  // One Ctrl+Z puts the formatting back.
  await alice.page.keyboard.press('Control+z');
  await expect.poll(marksOf).toEqual(['plain words and a :em,strong,underline,strikethrough', 'link:link,em,strong,underline,strikethrough']);
  // At a caret, what is typed next is plain.
  await alice.focusEnd();
  await alice.page.keyboard.press('Control+\\');
  await alice.type('!');
  await expect.poll(marksOf).toEqual(['plain words and a :em,strong,underline,strikethrough', 'link:link,em,strong,underline,strikethrough', '!:']);
  expect(alice.errors).toEqual([]);
});
