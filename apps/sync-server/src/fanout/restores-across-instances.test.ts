// Restores (and their undos) asked through different instances at the same time. On one instance they
// take turns (Room.exclusive): each is built on the document the other left. Across instances each was
// built from the same live state, and both were stored: the version's text twice.

import { testSchema } from '@tandem/persistence/testing/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { paragraphWriter, type ParagraphWriter } from '../testing/paragraph-writer.js';
import { startTestRedis, type TestRedis } from '../testing/redis-server.js';

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('restores through two instances at once', () => {
  const servers: TestServer[] = [];
  const writers: ParagraphWriter[] = [];
  let redis: TestRedis | undefined;
  let db = testSchema('rai');

  afterEach(async () => {
    for (const w of writers.splice(0)) w.destroy();
    for (const s of servers.splice(0)) await s.destroy();
    await redis?.stop();
    redis = undefined;
    await db.drop();
    db = testSchema('rai');
  });

  async function twoInstances() {
    redis = await startTestRedis();
    for (let i = 0; i < 2; i++) {
      servers.push(await startTestServer({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: redis.url, FANOUT_HEAD_CHECK_MS: '300' }));
    }
    const [a, b] = servers as [TestServer, TestServer];
    const ann = paragraphWriter(a.url, 'report');
    const ben = paragraphWriter(b.url, 'report');
    writers.push(ann, ben);
    await Promise.all([ann.synced(), ben.synced()]);
    return { a, b, ann, ben };
  }

  it('take turns: a version restored through both is there once, not twice', async () => {
    const { a, b, ann, ben } = await twoInstances();
    ann.block('Version one.');
    ann.block('Version two.');
    await expect.poll(() => ben.text(), { timeout: 5000 }).toBe('Version one.\nVersion two.');
    await expect.poll(() => a.rooms.loaded('report')!.lastSeq, { timeout: 5000 }).toBeGreaterThan(0);
    const two = a.rooms.loaded('report')!.lastSeq;
    ben.cut(1);
    await expect.poll(() => ann.text(), { timeout: 5000 }).toBe('Version one.');
    await expect.poll(() => a.rooms.loaded('report')!.lastSeq, { timeout: 5000 }).toBe(two + 1);
    await expect.poll(() => b.rooms.loaded('report')!.lastSeq, { timeout: 5000 }).toBe(two + 1);

    // Two people restore the same version at once, their requests reaching different instances.
    const answers = await Promise.all([post(a.url, '/api/docs/report/restore', { seq: two }), post(b.url, '/api/docs/report/restore', { seq: two })]);
    // They take turns: the second finds the version there already, and stores nothing.
    expect(answers.map((r) => r.status).sort()).toEqual([200, 201]);
    await expect.poll(() => a.rooms.loaded('report')!.lastSeq, { timeout: 5000 }).toBe(b.rooms.loaded('report')!.lastSeq);
    await expect.poll(() => ann.text(), { timeout: 8000 }).toBe('Version one.\nVersion two.');
    await expect.poll(() => ben.text(), { timeout: 8000 }).toBe('Version one.\nVersion two.');
  }, 30_000);

  it('a copy made at one name through both is made once', async () => {
    const { a, b, ann, ben } = await twoInstances();
    ann.block('Original.');
    await expect.poll(() => ben.text(), { timeout: 5000 }).toBe('Original.');
    await expect.poll(() => a.rooms.loaded('report')!.lastSeq, { timeout: 5000 }).toBe(b.rooms.loaded('report')!.lastSeq);
    const answers = await Promise.all([a, b].map((s) => post(s.url, '/api/docs/report/duplicate', { to: 'copy' })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const copy = paragraphWriter(a.url, 'copy');
    writers.push(copy);
    await copy.synced();
    await expect.poll(() => copy.text(), { timeout: 5000 }).toBe('Original.');
  }, 30_000);

  it('an "Undo restore" through one while a later restore is made through the other does not put the text back twice', async () => {
    const { a, b, ann, ben } = await twoInstances();
    ann.block('Draft one.');
    await expect.poll(() => a.rooms.loaded('report')!.lastSeq, { timeout: 5000 }).toBeGreaterThan(0);
    const one = a.rooms.loaded('report')!.lastSeq;
    ann.block('Draft two.');
    await expect.poll(() => ben.text(), { timeout: 5000 }).toBe('Draft one.\nDraft two.');
    const two = a.rooms.loaded('report')!.lastSeq;
    const first = await post(a.url, '/api/docs/report/restore', { seq: one });
    expect(first.status).toBe(201);
    const restoreSeq = ((await first.json()) as { seq: number }).seq;
    await expect.poll(() => ben.text(), { timeout: 5000 }).toBe('Draft one.');
    await expect.poll(() => b.rooms.loaded('report')!.lastSeq, { timeout: 5000 }).toBe(restoreSeq);

    // Both bring "Draft two." back: the undo by taking the restore back, the later restore by restoring it.
    const answers = await Promise.all([post(a.url, '/api/docs/report/restore', { seq: two }), post(b.url, '/api/docs/report/restore/undo', { seq: restoreSeq })]);
    // In turn: the restore first refuses the undo (a later restore), the undo first leaves the restore nothing to change.
    expect(answers.map((r) => r.status).sort()).toSatisfy((s: number[]) => JSON.stringify(s) === '[201,409]' || JSON.stringify(s) === '[200,201]');
    await expect.poll(() => a.rooms.loaded('report')!.lastSeq, { timeout: 5000 }).toBe(b.rooms.loaded('report')!.lastSeq);
    await expect.poll(() => ann.text(), { timeout: 8000 }).toBe('Draft one.\nDraft two.');
    await expect.poll(() => ben.text(), { timeout: 8000 }).toBe('Draft one.\nDraft two.');
  }, 30_000);
});
