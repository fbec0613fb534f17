// Benchmark: cold load. A document written by 20 000 updates, the server restarted (so nothing is in
// memory), then a new client connects: time until it holds the complete content. Tandem and the peers.
//   npm run bench:cold [-- --updates 20000 --runs 5 --settle-ms 10000 --servers tandem,hocuspocus]

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { type Framing, PEERS, type Peer } from './peers/servers.js';

const { values } = parseArgs({
  options: {
    updates: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '5' },
    'settle-ms': { type: 'string', default: '10000' },
    servers: { type: 'string', default: PEERS.map((p) => p.name).join(',') },
    out: { type: 'string' },
  },
});
const UPDATES = Number(values.updates);
const RUNS = Number(values.runs);
const DOC = 'bench/cold';

const frame = (syncType: number, payload: Uint8Array) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, syncType);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
};

/** Connects a client that syncs and applies everything; resolves once its text has `length` characters. */
function readUntil(url: string, framing: Framing, length: number, timeoutMs = 30_000): { done: Promise<number>; ws: WebSocket } {
  const started = performance.now();
  const ws = new WebSocket(framing.url(url, DOC));
  const doc = new Y.Doc();
  const done = new Promise<number>((resolve, reject) => {
    ws.on('open', () => {
      for (const m of framing.hello(DOC)) ws.send(m);
      ws.send(framing.wrap(DOC, frame(0, Y.encodeStateVector(doc))));
    });
    ws.on('message', (data: Buffer) => {
      const inner = framing.unwrap(new Uint8Array(data));
      if (inner === undefined) return;
      const d = decoding.createDecoder(inner);
      if (decoding.readVarUint(d) !== 0) return;
      const syncType = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (syncType === 0) ws.send(framing.wrap(DOC, frame(1, Y.encodeStateAsUpdate(doc, payload))));
      else Y.applyUpdate(doc, payload);
      if (doc.getText('t').length >= length) resolve(performance.now() - started);
    });
    ws.on('error', reject);
    // A server that never delivers everything is reported, not waited for forever.
    setTimeout(() => reject(new Error(`only ${doc.getText('t').length} of ${length} characters after ${timeoutMs} ms`)), timeoutMs).unref();
  });
  return { done, ws };
}

async function measure(peer: Peer) {
  const dataDir = await mkdtemp(path.join(tmpdir(), `bench-cold-${peer.name}-`));
  let server = await peer.start(dataDir);
  // Write the history: one client, UPDATES single-character updates.
  const writer = new WebSocket(peer.framing.url(server.url, DOC));
  await new Promise((r) => writer.once('open', r));
  for (const m of peer.framing.hello(DOC)) writer.send(m);
  writer.on('message', () => undefined);
  const source = new Y.Doc();
  source.on('update', (u: Uint8Array) => writer.send(peer.framing.wrap(DOC, frame(2, u))));
  const text = source.getText('t');
  for (let i = 0; i < UPDATES; i++) {
    text.insert(i % 97 === 96 ? Math.floor(text.length / 2) : text.length, String.fromCharCode(97 + (i % 26)));
    if (i % 500 === 499) await new Promise((r) => setImmediate(r));
  }
  const check = readUntil(server.url, peer.framing, UPDATES, 120_000);
  try {
    await check.done; // the server has everything
  } catch (error) {
    check.ws.terminate();
    writer.terminate();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    return { server: peer.name, updates: UPDATES, runs: 0, medianMs: NaN, minMs: NaN, maxMs: NaN, error: `while writing: ${(error as Error).message}` };
  }
  check.ws.terminate();
  writer.close();
  // Servers that write after broadcasting (debounced or queued stores) get time to finish before the
  // restart; with 3 s, the reference server came back with only 14 610 of 20 000 characters.
  await new Promise((r) => setTimeout(r, Number(values['settle-ms'])));
  await server.stop();

  const times: number[] = [];
  let error: string | undefined;
  for (let run = 0; run < RUNS && error === undefined; run++) {
    server = await peer.start(dataDir);
    const reader = readUntil(server.url, peer.framing, UPDATES);
    try {
      times.push(await reader.done);
    } catch (e) {
      error = `after restart: ${(e as Error).message}`;
    }
    reader.ws.terminate();
    await server.stop();
  }
  await rm(dataDir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  return {
    server: peer.name,
    updates: UPDATES,
    runs: times.length,
    medianMs: times[Math.floor(times.length / 2)] ?? NaN,
    minMs: times[0] ?? NaN,
    maxMs: times.at(-1) ?? NaN,
    ...(error === undefined ? {} : { error }),
  };
}

const results = [];
for (const peer of PEERS.filter((p) => values.servers.split(',').includes(p.name))) results.push(await measure(peer));
const hocuspocus = results.find((r) => r.server === 'hocuspocus');
console.log(`cold load: a document written by ${UPDATES} updates, server restarted, new client until content complete (${RUNS} runs)`);
for (const r of results) {
  const ratio = r.server === 'tandem' && hocuspocus !== undefined ? ` (${(r.medianMs / hocuspocus.medianMs).toFixed(2)}× Hocuspocus)` : '';
  console.log(`${r.server.padEnd(20)} median ${r.medianMs.toFixed(1).padStart(7)} ms${ratio}   min ${r.minMs.toFixed(1)}   max ${r.maxMs.toFixed(1)}${'error' in r ? `   FAILED ${r.error}` : ''}`);
}
const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'cold-start.json');
await writeFile(file, JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n');
console.log(`results: ${path.relative(process.cwd(), file)}`);
