// Benchmark: typing latency on one document, for Tandem and the peer servers in the same run.
//   npm run bench:typing [-- --clients 50 --observers 3 --seconds 15 --cps 5 --servers tandem,hocuspocus]
// Starts each server as a child process with a fresh data directory and its on-disk persistence
// (Tandem: fsync on every commit, durable before broadcast),
// connects `clients` y-websocket protocol clients, each with its own Y.Doc and socket. Typists send
// real Yjs updates at `cps` characters per second from a worker thread, without reading what they
// receive (so the generator is not the bottleneck); observers on the main thread apply everything and
// time each update from its send (in the worker) to its arrival. Prints p50/p99/max, server CPU and
// memory (from /proc), and the generator's own CPU and event-loop lag (main thread and worker).

import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { percentile, wallNow } from './load/ledger.js';
import { GeneratorMeter, ServerMeter } from './load/meters.js';
import { startSession } from './load/session.js';
import { PEERS, type Peer } from './peers/servers.js';

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
// After the typists stop, how long updates still in flight may take to arrive before they count as lost.
const DRAIN_MS = 1000;

interface Result {
  server: string;
  updatesSent: number;
  samples: number;
  /** (update, observer) pairs that never arrived. */
  missing: number;
  latencyMs: { p50: number; p99: number; max: number };
  server_: { cpuPercent: number; rssMiB: number };
  /** Bytes in the server's data directory after it stopped, per update sent. */
  diskBytesPerUpdate: number;
  generator: {
    cpuPercent: number;
    /** Main thread (observers). */
    eventLoopLagP99Ms: number;
    mainUtilization: number;
    workerLagP99Ms: number;
    workerUtilization: number;
    /** Typists' clock minus the observers' clock, from the fastest round trip. */
    clockOffsetMs: number;
  };
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function measure(peer: Peer): Promise<Result> {
  const session = await startSession(peer, { scenario: 'typing', doc: DOC, observers: OBSERVERS });
  const { server, ledger, typists } = session;
  await typists.add(CLIENTS - OBSERVERS);
  const clockOffsetMs = await typists.clockOffsetMs();
  await typists.stats(); // from here on
  const generatorMeter = new GeneratorMeter();
  const serverMeter = new ServerMeter(server.pid);
  const started = wallNow();
  await typists.setRate(CPS);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  await typists.setRate(0);
  const ended = wallNow();
  const serverReading = serverMeter.read() ?? { cpuPercent: NaN, rssMiB: NaN };
  const generator = generatorMeter.read();
  const worker = await typists.stats();
  await ledger.settled(started, ended, DRAIN_MS);
  const window = ledger.window(started, ended);
  await session.stop();
  const diskBytes = await dirBytes(session.dataDir);
  await session.dispose();
  const sorted = window.latencies.filter(Number.isFinite);
  return {
    server: peer.name,
    updatesSent: window.sent,
    samples: sorted.length,
    missing: window.expected - window.delivered,
    latencyMs: { p50: percentile(window.latencies, 0.5), p99: percentile(window.latencies, 0.99), max: window.latencies.at(-1) ?? NaN },
    diskBytesPerUpdate: diskBytes / Math.max(1, window.sent),
    server_: serverReading,
    generator: {
      cpuPercent: generator.cpuPercent,
      eventLoopLagP99Ms: generator.mainLagP99Ms,
      mainUtilization: generator.mainUtilization,
      workerLagP99Ms: worker.lagP99Ms,
      workerUtilization: worker.utilization,
      clockOffsetMs,
    },
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
  console.log(['server'.padEnd(20), 'sent'.padStart(6), 'samples'.padStart(8), 'p50 ms'.padStart(14), 'p99 ms'.padStart(14), 'max ms'.padStart(8), 'srv cpu'.padStart(8), 'srv MiB'.padStart(8), 'gen cpu'.padStart(8), 'gen lag'.padStart(8), 'wrk lag'.padStart(8), 'disk B/upd'.padStart(14)].join(' '));
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
        r.generator.workerLagP99Ms.toFixed(1).padStart(8),
        (r.diskBytesPerUpdate.toFixed(0) + (isOurs && reference !== undefined ? ` (${(r.diskBytesPerUpdate / reference.diskBytesPerUpdate).toFixed(2)}×)` : '')).padStart(14),
      ].join(' '),
    );
    if (r.generator.eventLoopLagP99Ms > 20) console.log(`  warning: the observers' thread lagged during ${r.server}; its latencies include that delay`);
    if (r.generator.workerLagP99Ms > 50) console.log(`  warning: the typists' thread lagged during ${r.server}; it typed less evenly than asked`);
    if (r.missing > 0) console.log(`  warning: ${r.missing} (update, observer) pairs never arrived at ${r.server}; counted as infinite latency`);
  }
  if (ours !== undefined && others.length > 0) console.log('(ratios: Tandem ÷ best peer, disk: ÷ y-websocket-server; lower is better)');
  const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'typing.json');
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), clients: CLIENTS, observers: OBSERVERS, seconds: SECONDS, cps: CPS, results }, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

await main();
