// The history view while someone else keeps typing. It read the document's timeline once, when opened:
// the other person's edits since never reached its slider or its list of edit sessions, so the newest
// version it could show, compare or restore was the one from when it was opened, until it was closed and
// opened again.

import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test('the history view takes in the versions the other person makes while it is open', async ({ pair }) => {
  const { alice, bob } = await pair('history-live/typing');
  const page = alice.page;
  await alice.focusEnd();
  await alice.type('First line.');
  await alice.expectSaved();
  await page.getByRole('button', { name: 'History' }).click();
  const opened = await alice.headSeq('history-live/typing');
  await expect(page.getByTestId('history-document')).toHaveAttribute('data-seq', String(opened));

  await bob.focusEnd();
  await bob.type(' Bob adds more.');
  await bob.expectSaved();
  const head = await bob.headSeq('history-live/typing');
  expect(head).toBeGreaterThan(opened);

  // The slider reaches Bob's newest version, and his session is listed.
  const slider = page.getByTestId('history-slider');
  await expect(slider).toHaveAttribute('max', String(head), { timeout: 20_000 });
  await expect(page.locator('.sessions')).toContainText('Bob');
  // What Alice was looking at stays on screen until she moves.
  await expect(page.getByTestId('history-document')).toHaveAttribute('data-seq', String(opened));
  await slider.focus();
  await page.keyboard.press('End');
  await expect(page.getByTestId('history-document')).toHaveAttribute('data-seq', String(head));
  await expect(page.getByTestId('history-document')).toContainText('First line. Bob adds more.');
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('a history view opened on a document nobody has typed in yet shows the first version when the other person types', async ({ pair }) => {
  const { alice, bob } = await pair('history-live/empty');
  const page = alice.page;
  await page.getByRole('button', { name: 'History' }).click();
  await expect(page.getByTestId('history-version')).toHaveText('No edits yet');

  await bob.focusEnd();
  await bob.type('Hello from Bob.');
  await bob.expectSaved();
  const head = await bob.headSeq('history-live/empty');
  await expect(page.getByTestId('history-document')).toHaveAttribute('data-seq', String(head), { timeout: 20_000 });
  await expect(page.getByTestId('history-document')).toContainText('Hello from Bob.');
  await expect(page.getByTestId('history-slider')).toBeEnabled();
  // The history of a document not stored yet is a 404, which the browser logs: the view reads it as no edits.
  expect([...alice.errors, ...bob.errors].filter((e) => !e.includes('status of 404'))).toEqual([]);
});

test('the history view takes in the other person\'s versions while they keep typing without a pause', async ({ pair }) => {
  const { alice, bob } = await pair('history-live/steady');
  const page = alice.page;
  await alice.focusEnd();
  await alice.type('First line.');
  await alice.expectSaved();
  await page.getByRole('button', { name: 'History' }).click();
  const opened = await alice.headSeq('history-live/steady');
  const slider = page.getByTestId('history-slider');
  await expect(slider).toHaveAttribute('max', String(opened));

  // Bob types a key every 300 ms for 9 s: never a second's pause.
  await bob.focusEnd();
  let typing = true;
  const typed = (async () => {
    while (typing) {
      await bob.page.keyboard.insertText('x');
      await bob.page.waitForTimeout(300);
    }
  })();
  try {
    // While he is still typing, the slider has moved on from where it was opened.
    await expect.poll(async () => Number(await slider.getAttribute('max')), { timeout: 8_000 }).toBeGreaterThan(opened);
  } finally {
    typing = false;
    await typed;
  }
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test("the list of edit sessions keeps the keyboard's place and a press as it takes in the other person's versions", async ({ pair }) => {
  // Each refresh replaced every session's button: the one a keyboard user was on went, and the focus with it
  // (to the page), every few seconds while someone typed; a click pressed before a refresh and released after
  // it was lost.
  const { alice, bob } = await pair('history-live/focus');
  const page = alice.page;
  await alice.focusEnd();
  await alice.type('First line.');
  await alice.expectSaved();
  await page.getByRole('button', { name: 'History' }).click();
  const opened = await alice.headSeq('history-live/focus');
  const slider = page.getByTestId('history-slider');
  await expect(slider).toHaveAttribute('max', String(opened));
  const session = page.locator('.sessions > li > button').first();
  await session.focus();

  await bob.focusEnd();
  await bob.type(' Bob adds more.');
  await bob.expectSaved();
  const head = await bob.headSeq('history-live/focus');
  await expect(slider).toHaveAttribute('max', String(head), { timeout: 20_000 });
  await expect(page.locator('.sessions')).toContainText('Bob');
  expect(await session.evaluate((button) => button === document.activeElement)).toBe(true);

  // Pressed on the oldest point, released after Bob's next words arrived: it goes to the session's end.
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('history-document')).toHaveAttribute('data-seq', '0');
  const box = (await session.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await bob.type(' And more.');
  await bob.expectSaved();
  const last = await bob.headSeq('history-live/focus');
  await expect(slider).toHaveAttribute('max', String(last), { timeout: 20_000 });
  await page.mouse.up();
  await expect(page.getByTestId('history-document')).toHaveAttribute('data-seq', String(last));
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
