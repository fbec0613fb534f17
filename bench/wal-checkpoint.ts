// Benchmark: what WAL checkpoints cost the thread that commits. The same sustained appends (concurrent
// writers calling the store's `append` directly, one 300-byte update each) against a store whose WAL is
// checkpointed inline by SQLite (inside the commit that crosses 1000 pages, the old way) and one whose
// checkpoints run on their own thread (the default), interleaved round by round. Printed per mode: the
// synchronous part of `append` (the commit on this thread), the event loop's worst delay, the append's
// latency to durable, and the WAL's largest size. A third mode, `none`, never checkpoints during the run
// (the WAL just grows): the floor, i.e. what this machine and disk cost a commit without any checkpoint.
//   npm run build && tsx bench/wal-checkpoint.ts [-- --seconds 3 --rounds 3 --sync full --writers 20 --out FILE]

import { statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openSqliteStore, sqliteStorePath, type WalCheckpointReport } from '@tandem/persistence';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    sync: { type: 'string', default: 'full' },
    writers: { type: 'string', default: '20' },
    bytes: { type: 'string', default: '300' },
    out: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const SYNC = values.sync === 'normal' ? 'normal' : 'full';
const WRITERS = Number(values.writers);
const BYTES = Number(values.bytes);
const MODES = ['none', 'inline', 'worker'] as const;
type Mode = (typeof MODES)[number];

interface RunResult {
  mode: Mode;
  round: number;
  appends: number;
  commitMs: { p50: number; p99: number; p999: number; max: number };
  eventLoopMaxMs: number;
  appendMs: { p50: number; p99: number; max: number };
  walMaxMiB: number;
  checkpoints: number;
  checkpointMaxMs: number;
  held: number;
  failed: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

async function run(mode: Mode, round: number): Promise<RunResult> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-ckpt-'));
  const reports: WalCheckpointReport[] = [];
  const walCheckpoints = mode === 'none' ? { pages: 2 ** 31 - 1 } : { mode, onReport: (r: WalCheckpointReport) => reports.push(r) };
  const store = openSqliteStore({ dataDir, synchronous: SYNC, walCheckpoints });
  const wal = `${sqliteStorePath({ dataDir })}-wal`;
  // Let the checkpointer thread start, as it has long before a server takes its first write.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const commits: number[] = [];
  const appends: number[] = [];
  let walMax = 0;
  const sampler = setInterval(() => (walMax = Math.max(walMax, statSync(wal, { throwIfNoEntry: false })?.size ?? 0)), 50);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      while (performance.now() < end) {
        const i = n++;
        const started = performance.now();
        const durable = store.append([{ doc: `doc-${w % 10}`, entries: [{ update: new Uint8Array(BYTES).fill(i & 0xff), author: `w${w}`, receivedAt: i }] }]);
        commits.push(performance.now() - started);
        await durable;
        appends.push(performance.now() - started);
        // A server reads its sockets between commits: without this, `synchronous normal` (appends that
        // resolve at once) would commit back to back and never let the event loop turn.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }),
  );
  loop.disable();
  clearInterval(sampler);
  walMax = Math.max(walMax, statSync(wal, { throwIfNoEntry: false })?.size ?? 0);
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
  commits.sort((a, b) => a - b);
  appends.sort((a, b) => a - b);
  const done = reports.filter((r) => r.ok);
  return {
    mode,
    round,
    appends: appends.length,
    commitMs: { p50: round3(quantile(commits, 0.5)), p99: round3(quantile(commits, 0.99)), p999: round3(quantile(commits, 0.999)), max: round3(commits.at(-1) ?? 0) },
    eventLoopMaxMs: round3(loop.max / 1e6),
    appendMs: { p50: round3(quantile(appends, 0.5)), p99: round3(quantile(appends, 0.99)), max: round3(appends.at(-1) ?? 0) },
    walMaxMiB: Math.round((walMax / 2 ** 20) * 10) / 10,
    checkpoints: done.filter((r) => r.copiedPages > 0).length,
    checkpointMaxMs: round3(Math.max(0, ...done.map((r) => r.durationMs))),
    held: done.filter((r) => r.held).length,
    failed: reports.length - done.length,
  };
}

const results: RunResult[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  // Interleaved, the order rotated every round: a noisy neighbour hits every mode alike.
  for (let m = 0; m < MODES.length; m++) {
    const mode = MODES[(m + round) % MODES.length]!;
    const r = await run(mode, round);
    results.push(r);
    console.log(
      `round ${round} ${mode.padEnd(6)} appends ${String(r.appends).padStart(6)}  commit on the event loop p50 ${r.commitMs.p50} p99 ${r.commitMs.p99} p99.9 ${r.commitMs.p999} max ${r.commitMs.max} ms` +
        `  event-loop delay max ${r.eventLoopMaxMs} ms  append→durable p50 ${r.appendMs.p50} p99 ${r.appendMs.p99} max ${r.appendMs.max} ms` +
        `  WAL max ${r.walMaxMiB} MiB` +
        (mode === 'worker' ? `  checkpoints ${r.checkpoints} (longest ${r.checkpointMaxMs} ms, ${r.held} holding commits, ${r.failed} failed)` : ''),
    );
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`\nmedian of ${ROUNDS} rounds (synchronous ${SYNC}, ${WRITERS} writers, ${BYTES}-byte updates, ${SECONDS} s each):`);
for (const mode of MODES) {
  const rs = results.filter((r) => r.mode === mode);
  const m = (f: (r: RunResult) => number) => `${median(rs.map(f))} [${Math.min(...rs.map(f))}–${Math.max(...rs.map(f))}]`;
  console.log(`  ${mode.padEnd(6)} longest commit ${m((r) => r.commitMs.max)} ms, commit p99.9 ${m((r) => r.commitMs.p999)} ms, event-loop delay max ${m((r) => r.eventLoopMaxMs)} ms, append p99 ${m((r) => r.appendMs.p99)} ms, appends/s ${m((r) => Math.round(r.appends / SECONDS))}, WAL max ${m((r) => r.walMaxMiB)} MiB`);
}
if (values.out !== undefined) await writeFile(values.out, `${JSON.stringify({ sync: SYNC, writers: WRITERS, bytes: BYTES, seconds: SECONDS, results }, null, 2)}\n`);
