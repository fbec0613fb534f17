// History on a long document must not stall the server, and has a time budget, a queue and a size bound.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '@tandem/persistence';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectKeptAnswering, healthWhile } from '../testing/health-while.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { type LongHistory, writeLongHistory } from '../testing/long-history.js';

const DOC = 'long/typing';

describe('history on a long document', () => {
  let dataDir: string;
  let history: LongHistory;
  let server: TestServer | undefined;
  const start = async (env: Record<string, string> = {}) => (server = await startTestServer(env, dataDir));
  const api = (p: string) => fetch(`${server!.url}/api/docs/${encodeURIComponent(DOC)}${p}`);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-long-history-'));
    const store = openSqliteStore({ dataDir, synchronous: 'normal' });
    history = await writeLongHistory(store, DOC, { updates: 120_000, authors: ['ann', 'ben', 'cat'], turn: 1_000, checkpointEvery: 500 });
    await store.close();
  }, 120_000);
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps /healthz answering while a diff from the empty document runs, and the diff is the whole text', { timeout: 120_000 }, async () => {
    await start();
    const health = await healthWhile(
      server!.url,
      api(`/diff?from=0`).then(async (res) => ({ status: res.status, body: await res.json() })),
    );
    const { status, body } = health.result;
    expect(status).toBe(200);
    expect(body.to).toBe(history.lastSeq);
    expect(body.segments.map((s: { text: string }) => s.text).join('')).toBe(history.text);
    expect(new Set(body.segments.map((s: { type: string }) => s.type))).toEqual(new Set(['insert']));
    expect(body.totals.map((a: { author: string }) => a.author)).toEqual(['ann', 'ben', 'cat']);
    expect(Object.keys(body.authors).sort()).toEqual(['ann', 'ben', 'cat']);
    expectKeptAnswering(health);
  });

  it('cancels work past HISTORY_TIMEOUT_MS with 503 history-timeout and Retry-After, and serves the next request', { timeout: 60_000 }, async () => {
    await start({ HISTORY_TIMEOUT_MS: '50' });
    const res = await api('/diff?from=0');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await res.json()).error.code).toBe('history-timeout');
    expect(await (await fetch(`${server!.url}/metrics`)).text()).toContain('tandem_limits_hit_total{kind="history-timeout"} 1');
    // The cancelled thread was replaced: once the new one is up, small work fits the budget again (a few
    // tries, as a busy machine can take a new thread's first 50 ms). Small: a short document's timeline (a
    // page of the long one read without the thread's cache starts from the checkpoint before it).
    const small = await fetch(`${server!.url}/api/docs/short`, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: 'A short note.' });
    expect(small.status).toBe(201);
    const statuses = [];
    for (let attempt = 0; attempt < 5 && statuses.at(-1) !== 200; attempt++) {
      await server!.history.ready();
      statuses.push((await fetch(`${server!.url}/api/docs/short/history?limit=1`)).status);
    }
    expect(statuses.at(-1)).toBe(200);
  });

  it('refuses history work beyond the queue with 503 history-busy instead of piling it up', { timeout: 60_000 }, async () => {
    await start({ HISTORY_WORKERS: '1', HISTORY_QUEUE: '1' });
    const statuses = await Promise.all(
      Array.from({ length: 4 }, () => api('/diff?from=0').then(async (r) => [r.status, r.headers.get('retry-after'), (await r.json()).error?.code])),
    );
    // One runs, one waits, the other two are refused at once.
    expect(statuses.filter(([status]) => status === 200)).toHaveLength(2);
    expect(statuses.filter(([status]) => status === 503)).toEqual([
      [503, '1', 'history-busy'],
      [503, '1', 'history-busy'],
    ]);
  });

  it('refuses a diff larger than HISTORY_MAX_DIFF_CHARS with 413, and serves a smaller one', { timeout: 60_000 }, async () => {
    await start({ HISTORY_MAX_DIFF_CHARS: '50000' });
    const res = await api('/diff?from=0');
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('too-large');
    expect((await api('/diff?from=0&to=20000')).status).toBe(200);
  });

  it('answers a timeline page of a long log, and refuses limit=0 with 400', { timeout: 60_000 }, async () => {
    await start();
    const page = await (await api('/history?limit=2')).json();
    expect(page.sessions.map((s: { authors: Array<{ id: string }>; fromSeq: number }) => [s.authors.map((a) => a.id), s.fromSeq])).toEqual([
      [['ann'], 1],
      [['ben'], page.sessions[0].toSeq + 1],
    ]);
    expect(Object.keys(page.authors).sort()).toEqual(['ann', 'ben']);
    expect(page.nextAfter).toBe(page.sessions[1].toSeq);
    expect((await api('/history?limit=0')).status).toBe(400);
  });
});
