// A restore (POST /api/docs/<doc>/restore) reached through an instance that has not yet applied the
// latest edits another instance committed (Redis away: it learns them at its next head check). The
// restore is built from that instance's live document: edits committed before the request, which a
// single instance would have taken back, must be taken back here too, not kept as if made meanwhile.

import { testSchema } from '@tandem/persistence/testing/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { metricTotal, startTestServer, type TestServer } from '../testing/in-process.js';
import { paragraphWriter, type ParagraphWriter } from '../testing/paragraph-writer.js';
import { startTestRedis, type TestRedis } from '../testing/redis-server.js';

describe('a restore through an instance behind the log', () => {
  const servers: TestServer[] = [];
  const writers: ParagraphWriter[] = [];
  let redis: TestRedis | undefined;
  let db = testSchema('rlg');

  afterEach(async () => {
    for (const w of writers.splice(0)) w.destroy();
    for (const s of servers.splice(0)) await s.destroy();
    await redis?.stop();
    redis = undefined;
    await db.drop();
    db = testSchema('rlg');
  });

  it('takes back every edit committed before it, whichever instance it reaches', async () => {
    redis = await startTestRedis();
    for (let i = 0; i < 2; i++) {
      servers.push(await startTestServer({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: redis.url, FANOUT_HEAD_CHECK_MS: '3000' }));
    }
    const [a, b] = servers as [TestServer, TestServer];
    const ann = paragraphWriter(a.url, 'report');
    const ben = paragraphWriter(b.url, 'report');
    writers.push(ann, ben);
    await Promise.all([ann.synced(), ben.synced()]);
    ann.block('Version one.');
    await expect.poll(() => ben.text(), { timeout: 5000 }).toBe('Version one.');
    const version = b.rooms.loaded('report')!.lastSeq;

    await redis.stop();
    for (const s of servers) await expect.poll(() => metricTotal(s, 'redis_connected'), { timeout: 5000 }).toBe(0);
    // Ann adds a paragraph; it is stored (A applied it: it is in the log) before the restore is asked for.
    ann.block('Junk.');
    await expect.poll(() => a.rooms.loaded('report')!.lastSeq, { timeout: 5000 }).toBe(version + 1);

    // Restore "Version one." through B (a round-robin balancer may send the request anywhere).
    const res = await fetch(`${b.url}/api/docs/report/restore`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: version }) });
    expect(res.status).toBe(201);
    // As on one instance: the document is the version again, everywhere.
    await expect.poll(() => ann.text(), { timeout: 8000 }).toBe('Version one.');
    await expect.poll(() => ben.text(), { timeout: 8000 }).toBe('Version one.');
  }, 30_000);
});
