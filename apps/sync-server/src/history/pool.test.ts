import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '@tandem/persistence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { writeLongHistory } from '../testing/long-history.js';
import { createHistoryPool } from './pool.js';

describe('history pool', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-history-pool-'));
    const store = openSqliteStore({ dataDir, synchronous: 'normal' });
    await writeLongHistory(store, 'doc', { updates: 2_000, authors: ['ann', 'ben'], turn: 500, checkpointEvery: 500 });
    await store.close();
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('drops a waiting job whose request was aborted, making room in the queue, and fails what is left on close', { timeout: 30_000 }, async () => {
    const limits: string[] = [];
    const pool = createHistoryPool({
      store: { engine: 'sqlite', sqlite: { dataDir } },
      workers: 1,
      timeoutMs: 20_000,
      maxQueue: 1,
      logger: createLogger('silent'),
      events: { limitHit: (kind) => limits.push(kind) },
    });
    try {
      const running = pool.run({ kind: 'diff', doc: 'doc', from: 0, to: 2_000, maxChars: 1e9 });
      const aborted = new AbortController();
      const waiting = pool.run({ kind: 'timeline', doc: 'doc', afterSeq: 0, limit: 1, gapMs: 60_000 }, aborted.signal);
      await expect(pool.run({ kind: 'version', doc: 'doc', seq: 1, format: 'text', at: null })).rejects.toMatchObject({ code: 'history-busy' });
      aborted.abort();
      await expect(waiting).rejects.toMatchObject({ code: 'bad-request' });
      // Its place in the queue is free again.
      const next = pool.run({ kind: 'timeline', doc: 'doc', afterSeq: 0, limit: 1, gapMs: 60_000 });
      expect(JSON.parse(Buffer.from((await running) as Uint8Array).toString()).to).toBe(2_000);
      expect((await next).sessions.map((s) => [s.authors.map((a) => a.id), s.fromSeq, s.toSeq])).toEqual([[['ann'], 1, 501]]); // the first paragraph, then 500 keystrokes
      expect(limits).toEqual(['history-busy']);

      const late = expect(pool.run({ kind: 'diff', doc: 'doc', from: 0, to: 2_000, maxChars: 1e9 })).rejects.toMatchObject({ code: 'shutting-down' });
      await pool.close();
      await late;
      await expect(pool.run({ kind: 'version', doc: 'doc', seq: 1, format: 'text', at: null })).rejects.toMatchObject({ code: 'shutting-down' });
    } finally {
      await pool.close();
    }
  });
});
