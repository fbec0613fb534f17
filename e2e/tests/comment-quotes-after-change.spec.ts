// The comments panel quotes each thread's text from where the highlights placed it. It draws itself again
// when it learns who wrote a comment (the server's answer comes whenever it comes); drawn with places found
// before the document last changed, it read past the end of a document that had shrunk meanwhile and threw
// ("Cannot read properties of undefined (reading 'nodeSize')": seen in a browser test run, Ctrl+Z of the
// commented sentence landing just before the answer). Here the answer is held until the document changes,
// then let through in the same task as the change, before the highlights are placed again.

import { expect, test } from '../fixtures/tandem.js';
import { highlighted, threads } from '../fixtures/comments.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test("a comment's author learned just after the commented text went: the panel says so, no error", async ({ pair }) => {
  const { alice, bob } = await pair('comment-quote-after-change');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Notes. Hello brave new world');
  await expect.poll(() => bob.blocks()).toEqual(['Notes. Hello brave new world']);
  // Alice's page asks the server who wrote the comments it shows; the answer waits for `letAnswersThrough`.
  await alice.page.evaluate(() => {
    const w = window as unknown as { letAnswersThrough?: () => void; heldAnswers: number };
    const fetchFirst = window.fetch.bind(window);
    const gates: Array<() => void> = [];
    w.heldAnswers = 0;
    w.letAnswersThrough = () => gates.splice(0).forEach((open) => open());
    window.fetch = async (input, init) => {
      const response = await fetchFirst(input, init);
      if (!String(input instanceof Request ? input.url : input).includes('/comments')) return response;
      w.heldAnswers++;
      const body = await response.text();
      await new Promise<void>((open) => gates.push(open));
      // The answer as the page reads it, in microtasks (a Response's body is read in a task of its own).
      return { ok: response.ok, status: response.status, json: async () => JSON.parse(body) as unknown } as Response;
    };
  });
  await bob.select('brave new');
  await bob.toolbar('comment');
  await bob.page.getByRole('textbox', { name: 'New comment' }).fill('Why brave?');
  await bob.page.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect.poll(() => highlighted(alice.page)).toEqual(['brave new']);
  await expect.poll(() => alice.page.evaluate(() => (window as unknown as { heldAnswers: number }).heldAnswers)).toBeGreaterThan(0);

  // The commented words and what follows go, and the answer comes in the same task.
  await alice.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: { state: { doc: { content: { size: number } }; tr: { delete(a: number, b: number): unknown } }; dispatch(tr: unknown): void } } }).tandem;
    view.dispatch(view.state.tr.delete(7, view.state.doc.content.size - 1));
    (window as unknown as { letAnswersThrough: () => void }).letAnswersThrough();
  });
  for (const person of [alice, bob]) {
    await expect.poll(() => person.blocks()).toEqual(['Notes.']);
    await expect(threads(person.page).first()).toHaveAttribute('data-orphaned', 'true');
  }
  await alice.page.waitForTimeout(500); // any late redraw of the panel
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
