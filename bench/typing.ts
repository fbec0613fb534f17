// Benchmark: typing latency on one document, for Tandem and the peer servers in the same run.
//   npm run bench:typing [-- --clients 50 --observers 3 --seconds 15 --cps 5 --servers tandem,hocuspocus]
// Starts each server as a child process with a fresh data directory and its on-disk persistence
// (Tandem: fsync on every commit, durable before broadcast),
// connects `clients` y-websocket protocol clients, each with its own Y.Doc and socket. Typists send
// real Yjs updates at `cps` characters per second without applying what they receive (so the
// generator is not the bottleneck); observers apply everything and time each update from its send
// to its arrival and application. Prints p50/p99/max, server CPU and memory (from /proc), and the
// generator's own CPU and event-loop lag.

import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { type Framing, PEERS, type Peer } from './peers/servers.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    clients: { type: 'string', default: '50' },
    observers: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '15' },
    cps: { type: 'string', default: '5' },
    servers: { type: 'string', default: PEERS.map((p) => p.name).join(',') },
  },
});
const CLIENTS = Number(values.clients);
const OBSERVERS = Math.min(Number(values.observers), CLIENTS);
const SECONDS = Number(values.seconds);
const CPS = Number(values.cps);
const DOC = 'bench/typing';

const frame = (syncType: number, payload: Uint8Array) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, syncType);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
};

interface Run {
  readonly sentAt: Map<string, number>; // `${client}:${clock}` → send time
  readonly latencies: number[];
}

function open(url: string, framing: Framing): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(framing.url(url, DOC));
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => {
      for (const m of framing.hello(DOC)) ws.send(m);
      resolve(ws);
    });
    ws.once('error', reject);
  });
}

async function observer(url: string, framing: Framing, run: Run): Promise<WebSocket> {
  const ws = await open(url, framing);
  const doc = new Y.Doc();
  ws.on('message', (data: Buffer) => {
    const inner = framing.unwrap(new Uint8Array(data));
    if (inner === undefined) return;
    const d = decoding.createDecoder(inner);
    if (decoding.readVarUint(d) !== 0) return;
    const syncType = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (syncType === 0) {
      ws.send(framing.wrap(DOC, frame(1, Y.encodeStateAsUpdate(doc, payload))));
      return;
    }
    Y.applyUpdate(doc, payload);
    if (syncType !== 2) return;
    const now = performance.now();
    for (const struct of Y.decodeUpdate(payload).structs) {
      const t = run.sentAt.get(`${struct.id.client}:${struct.id.clock}`);
      if (t !== undefined) run.latencies.push(now - t);
    }
  });
  ws.send(framing.wrap(DOC, frame(0, Y.encodeStateVector(doc))));
  return ws;
}

async function typist(url: string, framing: Framing, run: Run, until: number): Promise<WebSocket> {
  const ws = await open(url, framing);
  ws.on('message', () => undefined); // typists don't apply what they receive
  const doc = new Y.Doc();
  const text = doc.getText('t');
  doc.on('update', (u: Uint8Array) => {
    run.sentAt.set(`${doc.clientID}:${Y.getState(doc.store, doc.clientID) - 1}`, performance.now());
    ws.send(framing.wrap(DOC, frame(2, u)));
  });
  const interval = 1000 / CPS;
  // Spread the typists' keystrokes over the interval.
  setTimeout(() => {
    const timer = setInterval(() => {
      if (performance.now() >= until) {
        clearInterval(timer);
        return;
      }
      text.insert(text.length, 'x');
    }, interval);
  }, Math.random() * interval);
  return ws;
}

function procStats(pid: number): { cpuSeconds: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime (fields 14, 15)
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, rssMiB: rssKiB / 1024 };
}

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

interface Result {
  server: string;
  updatesSent: number;
  samples: number;
  latencyMs: { p50: number; p99: number; max: number };
  server_: { cpuPercent: number; rssMiB: number };
  /** Bytes in the server's data directory after it stopped, per update sent. */
  diskBytesPerUpdate: number;
  generator: { cpuPercent: number; eventLoopLagP99Ms: number };
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function measure(peer: Peer): Promise<Result> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `bench-typing-${peer.name}-`));
  const server = await peer.start(dataDir);
  const run: Run = { sentAt: new Map(), latencies: [] };
  const sockets: WebSocket[] = [];
  for (let i = 0; i < OBSERVERS; i++) sockets.push(await observer(server.url, peer.framing, run));
  await new Promise((r) => setTimeout(r, 300)); // observers synced
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpuBefore = process.cpuUsage();
  const serverBefore = procStats(server.pid);
  const started = performance.now();
  const until = started + SECONDS * 1000;
  for (let i = 0; i < CLIENTS - OBSERVERS; i++) sockets.push(await typist(server.url, peer.framing, run, until));
  await new Promise((r) => setTimeout(r, until - performance.now() + 500));
  const elapsed = (performance.now() - started) / 1000;
  const serverAfter = procStats(server.pid);
  const cpu = process.cpuUsage(cpuBefore);
  lag.disable();
  for (const ws of sockets) ws.terminate();
  await server.stop();
  const diskBytes = await dirBytes(dataDir);
  await rm(dataDir, { recursive: true, force: true });
  const sorted = [...run.latencies].sort((a, b) => a - b);
  return {
    server: peer.name,
    updatesSent: run.sentAt.size,
    samples: sorted.length,
    latencyMs: { p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), max: sorted.at(-1) ?? NaN },
    diskBytesPerUpdate: diskBytes / Math.max(1, run.sentAt.size),
    server_: { cpuPercent: ((serverAfter.cpuSeconds - serverBefore.cpuSeconds) / elapsed) * 100, rssMiB: serverAfter.rssMiB },
    generator: { cpuPercent: ((cpu.user + cpu.system) / 1e6 / elapsed) * 100, eventLoopLagP99Ms: lag.percentile(99) / 1e6 },
  };
}

async function main() {
  const wanted = values.servers.split(',');
  const peers = PEERS.filter((p) => wanted.includes(p.name));
  const results: Result[] = [];
  for (const peer of peers) results.push(await measure(peer));

  console.log(`typing: ${CLIENTS} clients (${OBSERVERS} observers apply everything), ${CPS} chars/s each, ${SECONDS} s, one document`);
  const ours = results.find((r) => r.server === 'tandem');
  const others = results.filter((r) => r.server !== 'tandem');
  // Disk is compared with the reference server, which also keeps updates; Hocuspocus keeps one merged state.
  const reference = results.find((r) => r.server === 'y-websocket-server');
  const best = (key: 'p50' | 'p99') => Math.min(...others.map((r) => r.latencyMs[key]));
  const ratio = (v: number, b: number) => (others.length === 0 || !Number.isFinite(b) ? '' : ` (${(v / b).toFixed(2)}×)`);
  console.log(['server'.padEnd(20), 'sent'.padStart(6), 'samples'.padStart(8), 'p50 ms'.padStart(14), 'p99 ms'.padStart(14), 'max ms'.padStart(8), 'srv cpu'.padStart(8), 'srv MiB'.padStart(8), 'gen cpu'.padStart(8), 'gen lag'.padStart(8), 'disk B/upd'.padStart(14)].join(' '));
  for (const r of results) {
    const isOurs = r === ours;
    console.log(
      [
        r.server.padEnd(20),
        String(r.updatesSent).padStart(6),
        String(r.samples).padStart(8),
        (r.latencyMs.p50.toFixed(2) + (isOurs ? ratio(r.latencyMs.p50, best('p50')) : '')).padStart(14),
        (r.latencyMs.p99.toFixed(2) + (isOurs ? ratio(r.latencyMs.p99, best('p99')) : '')).padStart(14),
        r.latencyMs.max.toFixed(1).padStart(8),
        `${r.server_.cpuPercent.toFixed(0)}%`.padStart(8),
        r.server_.rssMiB.toFixed(0).padStart(8),
        `${r.generator.cpuPercent.toFixed(0)}%`.padStart(8),
        r.generator.eventLoopLagP99Ms.toFixed(1).padStart(8),
        (r.diskBytesPerUpdate.toFixed(0) + (isOurs && reference !== undefined ? ` (${(r.diskBytesPerUpdate / reference.diskBytesPerUpdate).toFixed(2)}×)` : '')).padStart(14),
      ].join(' '),
    );
    if (r.generator.eventLoopLagP99Ms > 20) console.log(`  warning: the generator lagged during ${r.server}; its latencies include that delay`);
  }
  if (ours !== undefined && others.length > 0) console.log('(ratios: Tandem ÷ best peer, disk: ÷ y-websocket-server; lower is better)');
  const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'typing.json');
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), clients: CLIENTS, observers: OBSERVERS, seconds: SECONDS, cps: CPS, results }, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

await main();
