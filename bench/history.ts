// Benchmark: the history API on a long document (default 250 000 one-character updates by four
// authors taking turns, every tenth a deletion, checkpoints every 500 as the server writes them),
// served by the compiled server in its own process. Each request is timed end to end while /healthz
// is polled every ~10 ms, and the worst /healthz answer during each kind of request is reported.
//   npm run bench:history [-- --updates 250000 --runs 5 --out FILE]

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openSqliteStore } from '@tandem/persistence';
import { writeLongHistory } from '../apps/sync-server/src/testing/long-history.js';
import { PEERS } from './peers/servers.js';

const { values } = parseArgs({
  options: {
    updates: { type: 'string', default: '250000' },
    runs: { type: 'string', default: '5' },
    authors: { type: 'string', default: '4' },
    turn: { type: 'string', default: '500' },
    out: { type: 'string' },
  },
});
const UPDATES = Number(values.updates);
const RUNS = Number(values.runs);
const AUTHORS = ['ana', 'bo', 'chen', 'dara', 'eli', 'fay'].slice(0, Number(values.authors));
const TURN = Number(values.turn);
const DOC = 'bench/long-history';
/** A short document every kind of request is sent for first, so that no timed request pays for compiling code. */
const WARM_UP = 'bench/warm-up';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s.at(-1)! };
};

/** Polls /healthz every ~10 ms until stopped; `take()` returns the worst latency since the last take. */
function healthPoller(url: string) {
  let worst = 0;
  let stopped = false;
  let polled = () => {};
  const loop = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`/healthz answered ${res.status}`);
      worst = Math.max(worst, performance.now() - t0);
      polled();
      await sleep(10);
    }
  })();
  return {
    /** The worst latency since the last take, waiting for one more answer so that a quick request has one. */
    take: async () => {
      await new Promise<void>((resolve) => (polled = resolve));
      const w = worst;
      worst = 0;
      return w;
    },
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-history-'));
  const store = openSqliteStore({ dataDir, synchronous: 'normal' });
  let t = performance.now();
  const written = await writeLongHistory(store, DOC, { updates: UPDATES, authors: AUTHORS, turn: TURN, checkpointEvery: 500 });
  await writeLongHistory(store, WARM_UP, { updates: Math.min(20_000, UPDATES), authors: AUTHORS, turn: TURN, checkpointEvery: 500 });
  await store.close();
  const head = written.lastSeq;
  console.log(`wrote ${head} updates by ${AUTHORS.length} authors in ${((performance.now() - t) / 1000).toFixed(1)} s; text ${written.text.length} chars`);

  const server = await PEERS.find((p) => p.name === 'tandem')!.start(dataDir);
  const get = async (p: string, doc = DOC) => {
    const res = await fetch(`${server.url}/api/docs/${encodeURIComponent(doc)}${p}`);
    const body = await res.arrayBuffer();
    if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${Buffer.from(body).toString()}`);
    return body;
  };
  // The history thread up and its code compiled, as in a server that has been running a while; what it
  // keeps of documents is kept per document, so the long one starts cold.
  for (let i = 0; i < 5; i++) {
    for (const p of ['/history', '/diff?from=0', `/diff?from=${1000 + i}&to=${1001 + i}`, `/versions/${1500 + i * 100}?format=json`, '/versions/1000?format=json']) await get(p, WARM_UP);
  }
  const poller = healthPoller(server.url);

  const mid = Math.floor(head / 2);
  const scenarios: Array<{ name: string; path: (run: number) => string; targetMs: number }> = [
    { name: 'timeline page (50 sessions)', path: () => '/history', targetMs: 100 },
    { name: 'timeline page in the middle', path: () => `/history?after=${mid}`, targetMs: 100 },
    { name: 'diff from 0 to head', path: () => '/diff?from=0', targetMs: 1000 },
    { name: 'diff of neighbours (N-1..N)', path: (run) => `/diff?from=${mid + run - 1}&to=${mid + run}`, targetMs: 100 },
    { name: 'version in the middle (json)', path: (run) => `/versions/${mid + run * 37}?format=json`, targetMs: 100 },
    { name: 'version at head (json)', path: () => `/versions/${head}?format=json`, targetMs: 100 },
  ];
  const HEALTH_TARGET_MS = 100;
  const rows = [];
  for (const s of scenarios) {
    await poller.take();
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      t = performance.now();
      await get(s.path(run));
      times.push(performance.now() - t);
    }
    const worstHealthMs = await poller.take();
    // The first run is reported on its own too: the history thread keeps what it read for the next one.
    rows.push({ name: s.name, firstMs: times[0]!, ...summary(times), worstHealthMs, targetMs: s.targetMs, met: summary(times).max < s.targetMs && worstHealthMs < HEALTH_TARGET_MS });
  }
  await poller.stop();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });

  const fmt = (n: number) => n.toFixed(1).padStart(8);
  console.log(`\n${head} updates, ${RUNS} runs each, times in ms; targets: the request (every run) and /healthz < ${HEALTH_TARGET_MS} ms meanwhile`);
  console.log(`${'request'.padEnd(30)} ${'first'.padStart(8)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)} ${'healthz'.padStart(8)} ${'target'.padStart(8)}  met`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(30)} ${fmt(r.firstMs)} ${fmt(r.median)} ${fmt(r.min)} ${fmt(r.max)} ${fmt(r.worstHealthMs)} ${fmt(r.targetMs)}  ${r.met ? 'yes' : 'NO'}`);
  }
  console.log(`(first: the first run, before the history thread kept anything of this document; healthz: worst /healthz answer meanwhile)`);
  const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'history.json');
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), updates: head, authors: AUTHORS.length, turn: TURN, runs: RUNS, healthTargetMs: HEALTH_TARGET_MS, results: rows }, null, 2) + '\n');
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
}

await main();
