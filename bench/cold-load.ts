// Benchmark: loading a document with a long history (default 100 000 updates).
//   npm run bench:load [-- --updates 100000 --runs 15]
// Measures loadDocument (checkpoint + tail) against a full replay of the log, and a stock
// y-websocket client's cold connect (document not in memory) until its content is complete.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDocument, materialize, openSqliteStore, type DocumentStore } from '@tandem/persistence';
import * as Y from 'yjs';
import { loadConfig } from '../apps/sync-server/src/config.js';
import { createLogger } from '../apps/sync-server/src/logger.js';
import { startServer } from '../apps/sync-server/src/server.js';
import { connectClient } from '../apps/sync-server/src/testing/clients.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' }, updates: { type: 'string', default: '100000' }, runs: { type: 'string', default: '15' }, every: { type: 'string', default: '500' } },
});
const UPDATES = Number(values.updates);
const RUNS = Number(values.runs);
const EVERY = Number(values.every);
const DOC = 'bench/long-history';

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p95: at(0.95), max: s.at(-1)! };
};
const fmt = (n: number) => n.toFixed(1).padStart(8);

/** Writes UPDATES typing updates the way the server does: group-committed batches, checkpoints every EVERY. */
async function writeHistory(store: DocumentStore): Promise<string> {
  const doc = new Y.Doc();
  const text = doc.getText('t');
  let batch: Uint8Array[] = [];
  let seq = 0;
  doc.on('update', (u: Uint8Array) => batch.push(u));
  while (seq < UPDATES) {
    const pos = text.length;
    if (seq % 10 === 9 && pos > 0) text.delete(Math.floor(pos / 2), 1);
    else text.insert(seq % 50 === 0 ? Math.floor(pos / 3) : pos, String.fromCharCode(97 + (seq % 26)));
    seq += 1;
    if (batch.length === 50 || seq === UPDATES) {
      await store.append([{ doc: DOC, entries: batch.map((update) => ({ update, author: 'bench', receivedAt: Date.now() })) }]);
      batch = [];
    }
    if (seq % EVERY === 0) await store.writeCheckpoint(DOC, { seq, state: Y.encodeStateAsUpdate(doc), createdAt: Date.now() });
  }
  return text.toString();
}

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-load-'));
  const store = openSqliteStore({ dataDir, synchronous: 'normal' });
  let t = performance.now();
  const expected = await writeHistory(store);
  console.log(`wrote ${UPDATES} updates (checkpoint every ${EVERY}) in ${((performance.now() - t) / 1000).toFixed(1)} s; text ${expected.length} chars`);

  const loadMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const doc = new Y.Doc();
    t = performance.now();
    await loadDocument(store, DOC, doc, 'load');
    loadMs.push(performance.now() - t);
    if (doc.getText('t').toString() !== expected) throw new Error('loaded content differs');
  }

  // The same history without checkpoints: what loading would cost if it replayed the whole log.
  const all = await store.readUpdates(DOC);
  const replayMs: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const doc = new Y.Doc();
    t = performance.now();
    Y.transact(doc, () => {
      for (const u of all) Y.applyUpdate(doc, u.update);
    });
    replayMs.push(performance.now() - t);
  }
  // History: 100 random versions, each from its nearest checkpoint plus the log tail.
  const versionMs: number[] = [];
  for (let i = 0; i < 100; i++) {
    const seq = 1 + Math.floor(Math.random() * UPDATES);
    t = performance.now();
    const doc = await materialize(store, DOC, seq);
    doc.getText('t').toString();
    versionMs.push(performance.now() - t);
    doc.destroy();
  }
  await store.close();

  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DOC_UNLOAD_DELAY_MS: '0', CHECKPOINT_EVERY: String(EVERY) });
  const server = await startServer(config, createLogger('silent'));
  const connectMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    const client = connectClient(server.url, DOC);
    await client.synced();
    connectMs.push(performance.now() - t);
    if (client.text.toString() !== expected) throw new Error('client content differs');
    client.destroy();
    while (server.rooms.openRooms > 0) await new Promise((r) => setTimeout(r, 5));
  }
  await server.close();
  await rm(dataDir, { recursive: true, force: true });

  const rows = [
    ['loadDocument (checkpoint + tail)', stats(loadMs)],
    ['full log replay, no checkpoint', stats(replayMs)],
    ['materialize a random version (100 versions)', stats(versionMs)],
    ['cold connect until synced (y-websocket)', stats(connectMs)],
  ] as const;
  console.log(`\n${UPDATES} updates, ${RUNS} runs, times in ms`);
  console.log(`${'measure'.padEnd(42)}  ${'median'.padStart(8)}  ${'p95'.padStart(8)}  ${'max'.padStart(8)}`);
  for (const [name, s] of rows) console.log(`${name.padEnd(42)}  ${fmt(s.median)}  ${fmt(s.p95)}  ${fmt(s.max)}`);
  const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'cold-load.json');
  await writeFile(
    file,
    JSON.stringify({ date: new Date().toISOString(), updates: UPDATES, checkpointEvery: EVERY, runs: RUNS, results: Object.fromEntries(rows) }, null, 2) + '\n',
  );
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
}

await main();
