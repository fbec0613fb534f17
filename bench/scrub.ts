// Benchmark: scrubbing the history of a 10 000-update document, as the editor does on every slider move:
// one version (ProseMirror JSON) plus the diff from a base 250-500 updates earlier.
//   npm run bench:scrub
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { materialize, openSqliteStore } from '@tandem/persistence';
import { loadConfig } from '../apps/sync-server/src/config.js';
import { createLogger } from '../apps/sync-server/src/logger.js';
import { startServer } from '../apps/sync-server/src/server.js';
const dataDir = await mkdtemp(path.join(tmpdir(), 'scrub-'));
const store = openSqliteStore({ dataDir, synchronous: 'normal' });
const doc = new Y.Doc(); const frag = doc.getXmlFragment('prosemirror');
let batch: Uint8Array[] = []; doc.on('update', (u: Uint8Array) => batch.push(u));
const p = new Y.XmlElement('paragraph'); const t = new Y.XmlText(); p.insert(0, [t]); frag.insert(0, [p]);
let seq = 0; let clock = Date.now() - 10_000 * 100;
for (let i = 0; i < 10_000; i++) {
  if (i % 10 === 9) t.delete(Math.floor(t.length / 2), 1); else t.insert(t.length, 'abcdefghij'[i % 10]!);
  if (i % 200 === 199) { const np = new Y.XmlElement('paragraph'); const nt = new Y.XmlText(); np.insert(0,[nt]); frag.insert(frag.length, [np]); }
  clock += 100;
  await store.append([{ doc: 'big', entries: batch.map((update) => ({ update, author: i % 500 < 250 ? 'alice' : 'bob', receivedAt: clock })) }]);
  seq += batch.length;
  batch = [];
}
// checkpoints every 500 like the server
for (let s = 500; s <= seq; s += 500) {
  const d = await materialize(store, 'big', s);
  await store.writeCheckpoint('big', { seq: s, state: Y.encodeStateAsUpdate(d), createdAt: 0 });
}
await store.close();
const server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), createLogger('silent'));
const base = `${server.url}/api/docs/big`;
const times: number[] = [];
for (let i = 0; i < 40; i++) {
  const s = 1 + Math.floor(Math.random() * seq);
  const from = Math.max(0, s - 250 - Math.floor(Math.random() * 250));
  const t0 = performance.now();
  await Promise.all([fetch(`${base}/versions/${s}?format=json`).then((r) => r.text()), fetch(`${base}/diff?from=${from}&to=${s}`).then((r) => r.text())]);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const result = { date: new Date().toISOString(), updates: seq, steps: times.length, medianMs: times[20]!, p95Ms: times[38]!, maxMs: times[39]! };
console.log(`updates ${seq}: scrub step (version + diff) median ${result.medianMs.toFixed(1)} ms, p95 ${result.p95Ms.toFixed(1)} ms, max ${result.maxMs.toFixed(1)} ms`);
await server.close();
await rm(dataDir, { recursive: true, force: true });
await writeFile(path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'scrub.json'), JSON.stringify(result, null, 2) + '\n');
