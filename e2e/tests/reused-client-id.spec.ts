// A page takes back the Yjs client id of an earlier page of the document in this browser when that one
// closed with everything saved (apps/editor/src/collab/reused-client.ts): a document no longer gains a
// client id at every page load, which made every keystroke cost more on every page and on the server.
// Never two open pages on one id, never another person's, never one closed with changes unsaved.

import * as Y from 'yjs';
import { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });


/** The client ids the server's copy of `doc` holds writing under. */
async function storedClients(baseUrl: string, doc: string): Promise<number[]> {
  const res = await fetch(`${baseUrl}/api/docs/${encodeURIComponent(doc)}/content?format=yjs`);
  expect(res.status).toBe(200);
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, new Uint8Array(await res.arrayBuffer()));
  return [...ydoc.store.clients.keys()].sort();
}

/** Another tab of `p`'s browser on the document. */
async function newTab(p: EditorPage, baseUrl: string, doc: string): Promise<EditorPage> {
  const tab = new EditorPage(await p.context.newPage(), p.context, p.name, p.color);
  await tab.open(baseUrl, doc);
  return tab;
}

test('a page reloaded after everything was saved writes on under the id it had: one client id, the text, presence and cursors as before', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  const bob = await person('Bob', '#2563eb');
  await alice.open(server.url, 'reused-id');
  await alice.focusEnd();
  await alice.type('Hello');
  await alice.expectSaved();
  const first = await alice.clientId();
  await bob.open(server.url, 'reused-id');
  await expect.poll(() => bob.text()).toBe('Hello');

  for (const more of [' world', '!']) {
    await alice.page.reload();
    await alice.expectConnected();
    expect(await alice.clientId()).toBe(first);
    await alice.focusEnd();
    await alice.type(more);
    await alice.expectSaved();
  }
  await expect.poll(() => bob.text()).toBe('Hello world!');
  expect(await storedClients(server.url, 'reused-id')).toEqual([first]);
  // The ids this browser remembers for the document: that one alone (a page's own new id, unused, is not
  // kept, else every load would push one out of the list and, after 32 loads, the one to take back).
  expect(await alice.page.evaluate(() => JSON.parse(localStorage.getItem('tandem:clients:reused-id') ?? '[]'))).toEqual([first]);
  // Bob sees Alice after her reloads, her cursor too, and she sees him and what he types.
  await expect.poll(() => bob.presence()).toContain('Alice');
  await expect.poll(() => bob.cursorLabels()).toContain('Alice');
  await expect.poll(() => alice.presence()).toContain('Bob');
  await bob.focusEnd();
  await bob.type(' Hi');
  await expect.poll(() => alice.text()).toBe('Hello world! Hi');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('two tabs open at once write under ids of their own; once closed, the next pages take theirs back', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'two-tabs-ids');
  await alice.focusEnd();
  await alice.type('one');
  await alice.expectSaved();
  const second = await newTab(alice, server.url, 'two-tabs-ids');
  await second.focusEnd();
  await second.type(' two');
  await second.expectSaved();
  const ids = [await alice.clientId(), await second.clientId()];
  expect(ids[0]).not.toBe(ids[1]);
  await alice.page.close();
  await second.page.close();

  const third = await newTab(alice, server.url, 'two-tabs-ids');
  const fourth = await newTab(alice, server.url, 'two-tabs-ids');
  const again = [await third.clientId(), await fourth.clientId()];
  expect(again.sort()).toEqual([...ids].sort());
  await third.focusEnd();
  await third.type(' three');
  await fourth.focusEnd();
  await fourth.type(' four');
  await third.expectSaved();
  await fourth.expectSaved();
  await expect.poll(() => third.text()).toBe('one two three four');
  await expect.poll(() => fourth.text()).toBe('one two three four');
  expect(await storedClients(server.url, 'two-tabs-ids')).toEqual([...ids].sort());
  expect([...third.errors, ...fourth.errors]).toEqual([]);
});

test('a page closed with a change not saved (offline) keeps its id to itself: the next page writes under a new one, and the change arrives', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'unsaved-id');
  await alice.focusEnd();
  await alice.type('Saved');
  await alice.expectSaved();
  const first = await alice.clientId();
  await alice.goOffline();
  await alice.type(' offline');
  await expect(alice.status).toHaveAttribute('data-saved', 'false');
  const tab = await alice.context.newPage();
  await alice.page.close();
  await alice.context.setOffline(false);
  const next = new EditorPage(tab, alice.context, alice.name, alice.color);
  await next.open(server.url, 'unsaved-id');
  expect(await next.clientId()).not.toBe(first);
  await next.expectSaved();
  await expect.poll(() => next.text()).toBe('Saved offline');
  // What the offline page typed reached the server too (sent by the next page, under its first id).
  await expect.poll(() => storedClients(server.url, 'unsaved-id')).toEqual([first]);
  expect(next.errors).toEqual([]);
});

test("another person in the same browser does not take the id of the one before: each writes under their own", async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'shared-browser');
  await alice.focusEnd();
  await alice.type('Alice was here');
  await alice.expectSaved();
  const first = await alice.clientId();
  // Carol takes over this browser: a guest identity of her own.
  await alice.page.evaluate(() => localStorage.setItem('tandem:user', JSON.stringify({ name: 'Carol', color: '#16a34a' })));
  await alice.page.reload();
  await alice.expectConnected();
  expect(await alice.clientId()).not.toBe(first);
  await alice.focusEnd();
  await alice.type('. Carol too');
  await alice.expectSaved();
  expect((await storedClients(server.url, 'shared-browser')).length).toBe(2);
  expect(alice.errors).toEqual([]);
});
