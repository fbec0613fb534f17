// A browser keeps its own copy of each document it opened (IndexedDB), and syncs it when the document is
// opened again. A document deleted for good whose name another document took since, or that nobody made
// again: the old copy merged the purged text into the new document, for everyone, or made the old document
// again (found by a review). The copy is of one document, the one the server held when it first synced.
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

const DOC = 'team/standup';
const purge = async (page: import('@playwright/test').Page, doc: string) => {
  const api = (method: string, path: string) => page.evaluate(async ([m, p]) => (await fetch(p!, { method: m })).status, [method, path]);
  expect(await api('DELETE', `/api/docs/${encodeURIComponent(doc)}`)).toBe(200);
  expect(await api('DELETE', `/api/trash/${encodeURIComponent(doc)}`)).toBe(200);
};

/**
 * Alice writes into `doc` and leaves it (`beforeLeaving` runs once it says "Saved"); it is purged; Carol starts a
 * new document under the freed name. Alice opens it again: she sees Carol's, and the purged text comes back nowhere.
 */
async function purgedThenTakenBack(serverUrl: string, person: (name: string, color: string) => Promise<EditorPage>, doc: string, beforeLeaving?: (alice: EditorPage) => Promise<void>) {
  const alice = await person('Alice', '#e11d48');
  await beforeLeaving?.(alice);
  await alice.open(serverUrl, doc);
  await alice.focusEnd();
  await alice.type('Old confidential notes.');
  await alice.expectSaved();
  await alice.page.unrouteAll();
  await alice.page.goto(serverUrl);
  await purge(alice.page, doc);

  // Later Carol starts a new document under the freed name.
  const carol = await person('Carol', '#16a34a');
  await carol.open(serverUrl, doc);
  await carol.focusEnd();
  await carol.type('Fresh agenda.');
  await carol.expectSaved();

  await alice.open(serverUrl, doc);
  await expect.poll(() => alice.text()).toBe('Fresh agenda.');
  await alice.expectSaved();
  await carol.page.waitForTimeout(1000);
  expect(await carol.text()).toBe('Fresh agenda.');
  expect(await (await fetch(`${serverUrl}/api/docs/${encodeURIComponent(doc)}/content?format=text`)).text()).not.toContain('confidential');
}

test("a purged document's text does not come back into a new document of its name from an old browser copy", async ({ server, person }) => {
  await purgedThenTakenBack(server.url, person, DOC);
});

test('an old browser copy of a purged document does not make it again when nobody else did', async ({ server, person }) => {
  const doc = 'notes/purged';
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, doc);
  await alice.focusEnd();
  await alice.type('Deleted for good.');
  await alice.expectSaved();
  await alice.page.goto(server.url);
  await purge(alice.page, doc);

  await alice.open(server.url, doc);
  await expect.poll(() => alice.text()).toBe('');
  await alice.page.waitForTimeout(1000);
  expect((await fetch(`${server.url}/api/docs/${encodeURIComponent(doc)}`)).status).toBe(404);
  // What she types now starts the new document.
  await alice.focusEnd();
  await alice.type('A new start.');
  await alice.expectSaved();
  expect(await (await fetch(`${server.url}/api/docs/${encodeURIComponent(doc)}/content?format=text`)).text()).toBe('A new start.');
});

test('a page left the moment it says "Saved" has its copy marked as of that document', async ({ server, person }) => {
  // The copy was marked by an HTTP request made after the first save: a page left before its answer
  // (here: it fails) kept an unmarked copy, which merged the purged text into the next document of
  // the name (a flaky run of the first test found it).
  await purgedThenTakenBack(server.url, person, 'notes/left-at-once', (alice) =>
    alice.page.route('**/api/docs/**', (route) => route.abort()), // what the page asks over HTTP fails (until it leaves)
  );
});
