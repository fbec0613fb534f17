// The history view tells who wrote what: people by the names they chose (the same person after a
// reload), sessions by time with everyone who took part, an empty document as empty, and on a phone
// the controls before the document.

import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test('names the author in the history view after a reload: one person, not two', async ({ server, person }) => {
  const ada = await person('Ada', '#7c3aed');
  await ada.open(server.url, 'ada-notes');
  await ada.focusEnd();
  await ada.type('Before the reload.');
  await ada.expectSaved();
  await ada.page.reload();
  await ada.expectConnected();
  await ada.focusEnd();
  await ada.type(' After it.');
  await ada.expectSaved();

  await ada.page.getByRole('button', { name: 'History' }).click();
  const sessions = ada.page.locator('.sessions > li');
  await expect(sessions).toHaveCount(1);
  await expect(sessions.locator('.session-authors > li')).toHaveCount(1);
  await expect(sessions.locator('.session-authors')).toContainText('Ada');
  await expect(ada.page.getByTestId('history-version')).toHaveText(/^Today .+ · Ada$/);
  await expect(ada.page.locator('.legend')).toHaveText('Ada');
  expect(ada.errors).toEqual([]);
});

test('two people typing in turns for a few seconds are one session with both names', async ({ pair }) => {
  const { alice, bob } = await pair('together');
  for (let i = 0; i < 4; i++) {
    await alice.focusEnd();
    await alice.type(`a${i} `);
    await alice.expectSaved();
    await expect.poll(() => bob.text()).toContain(`a${i}`);
    await bob.focusEnd();
    await bob.type(`b${i} `);
    await bob.expectSaved();
    await expect.poll(() => alice.text()).toContain(`b${i}`);
  }
  const page = alice.page;
  await page.getByRole('button', { name: 'History' }).click();
  const sessions = page.locator('.sessions > li');
  await expect(sessions).toHaveCount(1);
  const people = sessions.locator('.session-authors > li');
  await expect(people).toHaveCount(2);
  await expect(people.nth(0)).toContainText('Alice');
  await expect(people.nth(1)).toContainText('Bob');
  await expect(people.nth(0)).toContainText(/\+\d+ −0/);
  // The head point: when, and both names; the legend tells their colours apart.
  await expect(page.getByTestId('history-version')).toHaveText(/^Today .+ · Alice, Bob$/);
  const legend = page.locator('.legend > li');
  await expect(legend).toHaveText(['Alice', 'Bob']);
  const colours = await legend.locator('.person-dot').evaluateAll((dots) => dots.map((d) => getComputedStyle(d).backgroundColor));
  expect(new Set(colours).size).toBe(2);
  // Text is painted in its author's colour.
  const inserted = await page.locator('.version-view .diff-insert').evaluateAll((spans) => [...new Set(spans.map((s) => s.getAttribute('title')))]);
  expect(inserted.sort()).toEqual(['Added by Alice', 'Added by Bob']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('a document nobody has written in says "No edits yet", its buttons disabled', async ({ server, person }) => {
  const cy = await person('Cy', '#16a34a');
  await cy.open(server.url, 'blank-page');
  await cy.page.getByRole('button', { name: 'History' }).click();
  await expect(cy.page.getByTestId('history-version')).toHaveText('No edits yet');
  await expect(cy.page.getByTestId('history-document')).toContainText('No edits yet');
  await expect(cy.page.getByText(/Could not load/)).toHaveCount(0);
  for (const name of ['Name this version', 'Restore this version', 'Markdown', 'Play']) {
    await expect(cy.page.getByRole('button', { name })).toBeDisabled();
  }
  await expect(cy.page.getByTestId('history-slider')).toBeDisabled();
  // The server answers 404 for a document it has not stored (the browser logs that); the view reads it as "no edits".
  expect(cy.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
});

test('on a phone the history controls come before the document', async ({ server, person }) => {
  const dee = await person('Dee', '#d97706');
  await dee.page.setViewportSize({ width: 390, height: 800 });
  await dee.open(server.url, 'phone-history');
  await dee.focusEnd();
  await dee.type('Small screen.');
  await dee.expectSaved();
  await dee.page.getByRole('button', { name: 'History' }).click();
  const slider = dee.page.getByTestId('history-slider');
  await expect(slider).toBeEnabled();
  const document = dee.page.getByTestId('history-document');
  await expect(document).toContainText('Small screen.');
  const [controls, doc] = await Promise.all([slider.boundingBox(), document.boundingBox()]);
  expect(controls!.y).toBeLessThan(doc!.y);
});
