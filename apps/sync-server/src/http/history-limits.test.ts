// History on a long document must not stall the server, and has a time budget, a queue and a size bound.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '@tandem/persistence';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
    let worst = 0;
    let done = false;
    const diff = api(`/diff?from=0`).then(async (res) => {
      done = true;
      return { status: res.status, body: await res.json() };
    });
    while (!done) {
      const t0 = performance.now();
      expect((await fetch(`${server!.url}/healthz`)).status).toBe(200);
      worst = Math.max(worst, performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const { status, body } = await diff;
    expect(status).toBe(200);
    expect(body.to).toBe(history.lastSeq);
    expect(body.segments.map((s: { text: string }) => s.text).join('')).toBe(history.text);
    expect(new Set(body.segments.map((s: { type: string }) => s.type))).toEqual(new Set(['insert']));
    expect(body.authors.map((a: { author: string }) => a.author)).toEqual(['ann', 'ben', 'cat']);
    expect(worst).toBeLessThan(500);
  });
});
