// Who wrote what survives a reconnect: each browser presents its own stable id, so a reload (a new
// connection) goes on as the same author, and two people are two authors.

import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/tandem.js';

/** The author ids of a document's history, as the server stores them. */
async function historyAuthors(baseUrl: string, doc: string): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/docs/${encodeURIComponent(doc)}/history?limit=500`);
  const body = (await res.json()) as { sessions: Array<{ author?: string; authors?: Array<{ id: string }> }> };
  const ids = body.sessions.flatMap((s) => [...(s.author === undefined ? [] : [s.author]), ...(s.authors ?? []).map((a) => a.id)]);
  return [...new Set(ids)].sort();
}

const browserId = (page: Page) => page.evaluate(() => (JSON.parse(localStorage.getItem('tandem:user') ?? '{}') as { id?: string }).id);

test('a reload goes on as the same author, and two people are two authors', async ({ server, pair }) => {
  test.setTimeout(120_000); // two browsers and a reload, on a loaded machine
  const doc = 'authors/reconnect';
  const { alice, bob } = await pair(doc);
  const [aliceId, bobId] = [await browserId(alice.page), await browserId(bob.page)];
  expect(aliceId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(bobId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(bobId).not.toBe(aliceId);

  await alice.focusEnd();
  await alice.type('Before the reload.');
  await alice.expectSaved();
  await alice.page.reload();
  await alice.expectConnected();
  expect(await browserId(alice.page)).toBe(aliceId);
  await alice.focusEnd();
  await alice.type(' After it.');
  await alice.expectSaved();
  await expect.poll(() => historyAuthors(server.url, doc)).toEqual([`guest:${aliceId}`]);

  await bob.focusEnd();
  await bob.type(' Bob too.');
  await bob.expectSaved();
  await expect.poll(() => historyAuthors(server.url, doc)).toEqual([`guest:${aliceId}`, `guest:${bobId}`].sort());
  // The id stays in each browser: the others' presence shows names and colours only.
  const presence = await bob.page.evaluate(() => document.body.innerHTML);
  expect(presence).not.toContain(aliceId!);
  expect(alice.errors).toEqual([]);
});
