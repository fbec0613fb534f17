// a name renamed away and taken back by a new document through another instance,
// unheard. The server now closes the old room's clients with 4430 and no new name ("the client asks the
// store"). The editor page, told 4430 without a name, asks the server what the document is called now
// (GET /api/docs/<old name>): the name holds the NEW document, so the answer is the same name, and the page
// "moves" there carrying its copy of the renamed document (sessionStorage), which its first sync then
// sends into the new, unrelated document: exactly what the change meant to prevent.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

test('a page of a renamed document whose name was taken back elsewhere does not write into the new document', async ({ page }) => {
  test.setTimeout(60_000);
  const db = testSchema('rvtb');
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const dir = await mkdtemp(path.join(tmpdir(), 'tandem-review-tb-'));
      dirs.push(dir);
      // No Redis reachable: B hears nothing of what A does until its head check reads the store.
      servers.push(await startServerProcess(dir, { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: 'redis://127.0.0.1:1', FANOUT_HEAD_CHECK_MS: '300' }));
    }
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const put = (server: ServerProcess, doc: string, markdown: string) =>
      fetch(`${server.url}/api/docs/${doc}`, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: markdown });
    expect((await put(a, 'plan', 'SECRET PLAN')).status).toBe(201);

    // Someone has "plan" open on B.
    await page.goto(`${b.url}/d/plan`);
    await expect(page.locator('.ProseMirror')).toContainText('SECRET PLAN');

    // Through A: "plan" becomes "plan-archived", and a new, unrelated document takes the name back.
    const renamed = await fetch(`${a.url}/api/docs/plan/rename`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'plan-archived' }) });
    expect(renamed.status).toBe(201);
    expect((await put(a, 'plan', 'new doc')).status).toBe(201);

    // B's head check finds another document at the name and closes the page's connection (4430); give the
    // page time to do what it does then.
    await page.waitForTimeout(4000);
    const content = await (await fetch(`${a.url}/api/docs/plan/content?format=text`)).text();
    expect(content).toContain('new doc');
    // The renamed document's content must not have gone into the new document.
    expect(content).not.toContain('SECRET PLAN');
  } finally {
    for (const s of servers) await s.stop('SIGTERM');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    await db.drop();
  }
});
