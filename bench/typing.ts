// Benchmark: typing latency on one document (our server only, for now).
//   npm run bench:typing [-- --clients 50 --observers 3 --seconds 15 --cps 5]
// Starts the built server as a child process with a fresh data directory (fsync on every commit),
// connects `clients` y-websocket protocol clients, each with its own Y.Doc and socket. Typists send
// real Yjs updates at `cps` characters per second without applying what they receive (so the
// generator is not the bottleneck); observers apply everything and time each update from its send
// to its arrival and application. Prints p50/p99/max, server CPU and memory (from /proc), and the
// generator's own CPU and event-loop lag.

import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { startServerProcess } from '../e2e/support/server-process.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    clients: { type: 'string', default: '50' },
    observers: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '15' },
    cps: { type: 'string', default: '5' },
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

const sentAt = new Map<string, number>(); // `${client}:${clock}` → send time
const latencies: number[] = [];

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/${encodeURIComponent(DOC)}`);
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function observer(url: string): Promise<WebSocket> {
  const ws = await open(url);
  const doc = new Y.Doc();
  ws.on('message', (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(d) !== 0) return;
    const syncType = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (syncType === 0) {
      ws.send(frame(1, Y.encodeStateAsUpdate(doc, payload)));
      return;
    }
    Y.applyUpdate(doc, payload);
    if (syncType !== 2) return;
    const now = performance.now();
    for (const struct of Y.decodeUpdate(payload).structs) {
      const t = sentAt.get(`${struct.id.client}:${struct.id.clock}`);
      if (t !== undefined) latencies.push(now - t);
    }
  });
  ws.send(frame(0, Y.encodeStateVector(doc)));
  return ws;
}

async function typist(url: string, until: number): Promise<WebSocket> {
  const ws = await open(url);
  ws.on('message', () => undefined); // typists don't apply what they receive
  const doc = new Y.Doc();
  const text = doc.getText('t');
  doc.on('update', (u: Uint8Array) => {
    sentAt.set(`${doc.clientID}:${Y.getState(doc.store, doc.clientID) - 1}`, performance.now());
    ws.send(frame(2, u));
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

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-typing-'));
  const server = await startServerProcess(dataDir);
  const pid = server.child.pid!;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < OBSERVERS; i++) sockets.push(await observer(server.url));
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpuBefore = process.cpuUsage();
  const serverBefore = procStats(pid);
  const started = performance.now();
  const until = started + SECONDS * 1000;
  for (let i = 0; i < CLIENTS - OBSERVERS; i++) sockets.push(await typist(server.url, until));
  await new Promise((r) => setTimeout(r, until - performance.now() + 500));
  const elapsed = (performance.now() - started) / 1000;
  const serverAfter = procStats(pid);
  const cpu = process.cpuUsage(cpuBefore);
  lag.disable();
  for (const ws of sockets) ws.close();
  await server.stop('SIGTERM');
  await rm(dataDir, { recursive: true, force: true });

  const sorted = [...latencies].sort((a, b) => a - b);
  const result = {
    date: new Date().toISOString(),
    clients: CLIENTS,
    observers: OBSERVERS,
    seconds: SECONDS,
    cps: CPS,
    updatesSent: sentAt.size,
    samples: sorted.length,
    latencyMs: { p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), max: sorted.at(-1) ?? NaN },
    server: {
      cpuPercent: ((serverAfter.cpuSeconds - serverBefore.cpuSeconds) / elapsed) * 100,
      rssMiB: serverAfter.rssMiB,
    },
    generator: {
      cpuPercent: ((cpu.user + cpu.system) / 1e6 / elapsed) * 100,
      eventLoopLagP99Ms: lag.percentile(99) / 1e6,
    },
  };
  console.log(`typing: ${CLIENTS} clients (${OBSERVERS} observers), ${CPS} chars/s each, ${SECONDS} s, fsync on every commit`);
  console.log(`updates sent ${result.updatesSent}, latency samples ${result.samples}`);
  console.log(`latency ms   p50 ${result.latencyMs.p50.toFixed(2)}   p99 ${result.latencyMs.p99.toFixed(2)}   max ${result.latencyMs.max.toFixed(2)}`);
  console.log(`server       cpu ${result.server.cpuPercent.toFixed(1)}%   rss ${result.server.rssMiB.toFixed(1)} MiB`);
  console.log(`generator    cpu ${result.generator.cpuPercent.toFixed(1)}%   event-loop lag p99 ${result.generator.eventLoopLagP99Ms.toFixed(2)} ms`);
  if (result.generator.eventLoopLagP99Ms > 20) console.log('warning: the generator itself is lagging; latencies include its delay');
  const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'typing.json');
  await writeFile(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

await main();
