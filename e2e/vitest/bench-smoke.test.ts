// The benchmarks' helpers and floors, and a seconds-long run of each benchmark not in
// bench-smoke-typing/-load.test.ts, so the benchmark code cannot rot. No timing thresholds here: the figures
// live in bench/results and the README.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import pg from 'pg';
import { DiskSampler } from '../../bench/load/disk-sampler.js';
import { PgCommitSampler } from '../../bench/load/pg-commit-sampler.js';
import { roundOrder, spread } from '../../bench/load/rounds.js';
import { SendOnlySocket } from '../../bench/load/send-only-socket.js';
import { histogramQuantile, formatStages, parseStages, stageDelta } from '../../bench/load/stage-timings.js';
import { benchDatabaseUrl, benchSchema } from '../../bench/peers/bench-database.js';
import { FLOORS, PEERS, selectServers } from '../../bench/peers/servers.js';
import { root, run, scratchDir, SMOKE_TIMEOUT_MS } from './bench-smoke-support.js';

describe("the typists' send-only WebSocket", () => {
  it('keeps reading between drains, answers pings, and sends frames a ws server decodes', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    const { port } = wss.address() as { port: number };
    const server = new Promise<import('ws').WebSocket>((resolve) => wss.once('connection', resolve));
    const socket = await SendOnlySocket.open(`ws://127.0.0.1:${port}/doc`, Buffer.alloc(64 * 1024));
    const peer = await server;
    const received: Buffer[] = [];
    peer.on('message', (data: Buffer) => received.push(data));
    try {
      // Three batches of frames, each read only after a drain: a socket that stopped reading for good
      // after its first batch would never reach the total.
      for (let batch = 0; batch < 3; batch++) {
        for (let i = 0; i < 10; i++) peer.send(Buffer.alloc(1000 + i));
        const target = (batch + 1) * (10 * 1000 + 45 + 10 * 4);
        await expect.poll(() => (socket.drain(), socket.bytesReceived), { interval: 10 }).toBe(target);
      }
      const pong = new Promise<Buffer>((resolve) => peer.once('pong', resolve));
      peer.ping(Buffer.from('are you there'));
      await expect.poll(() => (socket.drain(), pong.then(String)), { interval: 10 }).toBe('are you there');
      socket.send(Uint8Array.of(1, 2, 3));
      socket.send(new Uint8Array(70_000).fill(7));
      await expect.poll(() => received.map((m) => m.byteLength)).toEqual([3, 70_000]);
      expect([...received[0]!]).toEqual([1, 2, 3]);
    } finally {
      socket.destroy();
      wss.close();
    }
  });
});

describe('the durable relay', () => {
  it('relays an update to the other client of the room only after appending it to its log, and answers sync step 1', { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-relay-'));
    const relay = await FLOORS.find((p) => p.name === 'durable-relay')!.start(dir);
    const open = async (room: string) => {
      const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/${room}`);
      const messages: Buffer[] = [];
      ws.on('message', (data: Buffer) => messages.push(data));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      return { ws, messages };
    };
    try {
      const [a, b, other] = [await open('doc'), await open('doc'), await open('elsewhere')];
      a.ws.send(Uint8Array.of(0, 0, 1, 0)); // sync step 1 with an empty state vector
      await expect.poll(() => a.messages.map((m) => [...m])).toEqual([[0, 1, 2, 0, 0]]);
      const update = Uint8Array.of(0, 2, 3, 9, 9, 9);
      a.ws.send(update);
      await expect.poll(() => b.messages.map((m) => [...m])).toEqual([[...update]]);
      // By the time it was relayed, it was in the log.
      expect([...(await readFile(path.join(dir, 'relay.log')))]).toEqual([...update]);
      a.ws.send(Uint8Array.of(1, 1, 7)); // awareness
      await expect.poll(() => b.messages.length).toBe(2);
      expect(a.messages).toHaveLength(1);
      expect(other.messages).toHaveLength(0);
      for (const c of [a, b, other]) c.ws.close();
    } finally {
      await relay.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('benchmark helpers', () => {
  it('reads stage timings from a Prometheus histogram, as deltas between two scrapes', () => {
    const scrape = (checked: [string, number][], sum: number) =>
      [
        '# HELP tandem_update_stage_seconds Time per stage',
        '# TYPE tandem_update_stage_seconds histogram',
        ...checked.map(([le, n]) => `tandem_update_stage_seconds_bucket{le="${le}",stage="checked"} ${n}`),
        `tandem_update_stage_seconds_sum{stage="checked"} ${sum}`,
        `tandem_update_stage_seconds_count{stage="checked"} ${checked.at(-1)![1]}`,
        'tandem_other_total 3',
      ].join('\n');
    const before = parseStages(scrape([['0.001', 10], ['0.01', 10], ['+Inf', 10]], 0.005));
    const after = parseStages(scrape([['0.001', 10], ['0.01', 110], ['+Inf', 110]], 0.505));
    const delta = stageDelta(before, after)!;
    expect(Object.keys(delta)).toEqual(['checked']);
    expect(delta.checked!.count).toBe(100);
    expect(delta.checked!.meanMs).toBeCloseTo(5);
    // All 100 new observations fell in (1 ms, 10 ms]: the median is interpolated halfway.
    expect(delta.checked!.p50Ms).toBeCloseTo(5.5);
    expect(histogramQuantile([[0.001, 1], [Infinity, 2]], 0.99)).toBe(0.001);
    expect(parseStages('tandem_other_total 3\n').size).toBe(0);
    expect(stageDelta(undefined, after)).toBeUndefined();
    expect(stageDelta(before, parseStages('tandem_other_total 3\n'))).toBeUndefined();
  });

  it("reads prom-client's own exposition of the stage histogram", async () => {
    const registry = new Registry();
    const stages = new Histogram({ name: 'tandem_update_stage_seconds', help: 'stages', labelNames: ['stage'], buckets: [0.0001, 0.001, 0.01], registers: [registry] });
    const before = parseStages(await registry.metrics());
    for (let i = 0; i < 99; i++) stages.observe({ stage: 'flushed' }, 0.0005);
    stages.observe({ stage: 'flushed' }, 0.5);
    stages.observe({ stage: 'checked' }, 0.00005);
    expect(before.size).toBe(0); // nothing observed yet: no series, yet the delta from it is whole
    const delta = stageDelta(before, parseStages(await registry.metrics()))!;
    expect(Object.keys(delta)).toEqual(['checked', 'flushed']);
    expect(delta.flushed!.count).toBe(100);
    expect(delta.flushed!.p50Ms).toBeGreaterThan(0.1);
    expect(delta.flushed!.p50Ms).toBeLessThanOrEqual(1);
    expect(delta.flushed!.meanMs).toBeCloseTo((99 * 0.5 + 500) / 100);
  });

  it('reads the stalls beside the stages: GC pauses by kind and checkpoints, labelled or not', async () => {
    const registry = new Registry();
    const gc = new Histogram({ name: 'tandem_process_nodejs_gc_duration_seconds', help: 'gc', labelNames: ['kind'], buckets: [0.001, 0.01], registers: [registry] });
    const wal = new Histogram({ name: 'tandem_wal_checkpoint_duration_seconds', help: 'wal', buckets: [0.001, 0.01], registers: [registry] });
    const before = parseStages(await registry.metrics());
    gc.observe({ kind: 'minor' }, 0.002);
    gc.observe({ kind: 'minor' }, 0.004);
    wal.observe(0.02);
    const delta = stageDelta(before, parseStages(await registry.metrics()))!;
    expect(Object.keys(delta).sort()).toEqual(['gc.minor', 'wal-checkpoint']);
    expect(delta['gc.minor']!.count).toBe(2);
    expect(delta['gc.minor']!.meanMs).toBeCloseTo(3);
    expect(delta['wal-checkpoint']!.count).toBe(1);
    expect(formatStages(delta)).toContain('gc.minor ×2');
  });

  it('rotates the order of the servers per round and spreads figures as median, min and max', () => {
    expect([0, 1, 2, 3].map((r) => roundOrder(['a', 'b', 'c'], r).join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
    expect(spread([5, 1, 3])).toMatchObject({ median: 3, min: 1, max: 5, rounds: [5, 1, 3] });
    expect(spread([4, 1, 3, 2]).median).toBe(2.5);
  });

  it("samples the disk's own flush latency beside a window", { timeout: 30_000 }, async () => {
    const sampler = await DiskSampler.start(5);
    try {
      const from = performance.timeOrigin + performance.now();
      await expect.poll(() => sampler.window(from, Infinity).samples, { timeout: 10_000 }).toBeGreaterThan(3);
      const w = sampler.window(from, Infinity);
      expect(w.p50Ms).toBeGreaterThan(0);
      expect(w.maxMs).toBeGreaterThanOrEqual(w.p99Ms);
      expect(sampler.window(0, from - 60_000).samples).toBe(0);
    } finally {
      await sampler.stop();
    }
  });
});

/** Whether a schema of that name exists in the benchmarks' database. */
async function schemaExists(schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: benchDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('Tandem on PostgreSQL in the benchmarks', () => {
  it('runs tandem-postgres in a schema the server creates, and drops it at stop after noting its size', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-pg-'));
    const [peer] = selectServers('tandem-postgres');
    const server = await peer!.start(dir);
    try {
      const schema = server.database!.schema;
      expect(await schemaExists(schema)).toBe(true);
      const health = await fetch(`${server.url}/healthz`);
      expect(health.ok).toBe(true);
      await server.stop();
      expect(server.databaseBytes).toBeGreaterThan(0);
      expect(await schemaExists(schema)).toBe(false);
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps the default tandem on SQLite in its data directory whatever the bench's own DATABASE_URL says", { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-sqlite-'));
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://nobody@127.0.0.1:1/nowhere';
    try {
      const server = await PEERS.find((p) => p.name === 'tandem')!.start(dir);
      await server.stop();
      expect(server.database).toBeUndefined();
      expect((await readdir(dir)).some((f) => f.endsWith('.sqlite') || f.endsWith('.db'))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("samples PostgreSQL's own commit latency beside a window, and drops its scratch schema at stop", { timeout: 30_000 }, async () => {
    const schema = benchSchema('sampler_test');
    const sampler = await PgCommitSampler.start(5, benchDatabaseUrl(), schema);
    try {
      const from = performance.timeOrigin + performance.now();
      await expect.poll(() => sampler.window(from, Infinity).samples, { timeout: 10_000 }).toBeGreaterThan(3);
      const w = sampler.window(from, Infinity);
      expect(w.p50Ms).toBeGreaterThan(0);
      expect(w.maxMs).toBeGreaterThanOrEqual(w.p99Ms);
      expect(sampler.window(0, from - 60_000).samples).toBe(0);
      expect(await schemaExists(schema)).toBe(true);
    } finally {
      await sampler.stop();
    }
    expect(await schemaExists(schema)).toBe(false);
  });
});

describe('benchmark smoke runs', () => {
  const scratch = scratchDir();

  it('burst: ramps the offered update rate on every server and counts what observers receive', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'burst.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/burst.ts', '--rates', '200,400', '--senders', '4', '--seconds', '0.5', '--drain-ms', '500', '--out', file], { cwd: root });
    const { results } = JSON.parse(await readFile(file, 'utf8'));
    expect(results.map((r: { server: string }) => r.server)).toEqual(['tandem', 'y-websocket-server', 'hocuspocus']);
    for (const r of results) {
      expect(r.steps[0].offeredPerSecond, r.server).toBe(200);
      expect(r.steps[0].sentPerSecond, r.server).toBeGreaterThan(0);
      expect(r.steps[0].deliveredPerSecond, r.server).toBeGreaterThan(0);
    }
  });

  it("many docs: types on several documents at once and times each update at its document's reader", { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'many-docs.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/many-docs.ts', '--docs', '5', '--typists', '2', '--readers', '1', '--rounds', '1', '--seconds', '0.5', '--settle', '0.2', '--drain-ms', '500', '--servers', 'tandem,y-websocket-server', '--out', file], { cwd: root });
    const { summaries, results } = JSON.parse(await readFile(file, 'utf8'));
    expect(results.map((r: { server: string }) => r.server)).toEqual(['tandem', 'y-websocket-server']);
    for (const r of results) {
      expect(r.failure, r.server).toBeUndefined();
      expect(r.sent, r.server).toBeGreaterThan(0);
      // One reader per document: each update sent is delivered to it once, or counted lost.
      expect(r.delivered + r.lost, r.server).toBe(r.sent);
      expect(r.delivered, r.server).toBeGreaterThan(0);
      expect(r.latencyMs.p50, r.server).toBeGreaterThan(0);
      expect(r.cpuUsPerUpdate, r.server).toBeGreaterThan(0);
    }
    expect(summaries.find((s: { server: string }) => s.server === 'tandem').ratios.cpuVsBestPeer).toBeGreaterThan(0);
  });

  it('cold start: writes, restarts and reloads a document on every server', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    // 2 s before the restart: the reference server writes after broadcasting, and on a busy machine half a
    // second was not always enough for 300 updates (it came back with fewer, a failed run).
    const file = path.join(scratch.path, 'cold-start.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/cold-start.ts', '--updates', '300', '--runs', '1', '--settle-ms', '2000', '--out', file], { cwd: root });
    const { results } = JSON.parse(await readFile(file, 'utf8'));
    for (const r of results) expect([r.server, r.runs, r.error]).toEqual([r.server, 1, undefined]);
    expect(results).toHaveLength(3);
  });

  it('history: times every history request on a long document with /healthz polled meanwhile', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'history.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/history.ts', '--updates', '2000', '--runs', '2', '--out', file], { cwd: root });
    const result = JSON.parse(await readFile(file, 'utf8'));
    expect(result.updates).toBe(2000);
    expect(result.results.map((r: { name: string }) => r.name)).toContain('diff from 0 to head');
    for (const r of result.results) {
      expect(r.median, r.name).toBeGreaterThan(0);
      expect(r.worstHealthMs, r.name).toBeGreaterThan(0);
    }
  });

  it('export: times import, Markdown (against the serializer it matches) and HTML at each size', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'export.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/export.ts', '--runs', '1', '--sizes', '100,400', '--out', file], { cwd: root });
    const result = JSON.parse(await readFile(file, 'utf8'));
    expect(result.rows.map((r: { blocks: number }) => r.blocks)).toEqual([100, 400]);
    for (const r of result.rows) for (const k of ['import', 'markdown', 'reference', 'html']) expect(r[k].median, `${r.blocks} ${k}`).toBeGreaterThan(0);
  });

  it('compaction: compacts a long history with authorship tables and finds every author kept', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'compaction.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/compaction.ts', '--updates', '3000', '--runs', '1', '--out', file], { cwd: root });
    const result = JSON.parse(await readFile(file, 'utf8'));
    expect(result.same).toBe(true);
    expect(result.updatesAfter).toBeLessThan(3000);
    expect(result.figures.compact.median).toBeGreaterThan(0);
  });

  it('cold load: runs end to end and loads the written history', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'cold-load.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/cold-load.ts', '--updates', '2000', '--runs', '2', '--every', '500', '--out', file], { cwd: root });
    const result = JSON.parse(await readFile(file, 'utf8'));
    expect(result.updates).toBe(2000);
    expect(Object.keys(result.results)).toHaveLength(4);
  });

  it('server start: starts the built server and runs tandem token, and records each run', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'server-start.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/server-start.ts', '--runs', '2', '--out', file], { cwd: root });
    const result = JSON.parse(await readFile(file, 'utf8'));
    expect(result.serverStartMs.rounds).toHaveLength(2);
    expect(result.tokenMs.rounds).toHaveLength(2);
    for (const ms of [...result.serverStartMs.rounds, ...result.tokenMs.rounds]) expect(ms).toBeGreaterThan(0);
  });

  it('WAL checkpoints: appends with no, inline and threaded checkpoints and reports the commits of each', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'wal-checkpoint.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/wal-checkpoint.ts', '--seconds', '0.5', '--rounds', '1', '--writers', '4', '--out', file], { cwd: root });
    const result = JSON.parse(await readFile(file, 'utf8'));
    expect(result.results.map((r: { mode: string }) => r.mode).sort()).toEqual(['inline', 'none', 'worker']);
    for (const r of result.results) expect(r.appends, r.mode).toBeGreaterThan(0);
  });

  it('log write: times writes to the plain-file floors and to the store in each form, and the Yjs work per update', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'log-write.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/log-write.ts', '--seconds', '0.3', '--rounds', '1', '--keys', '4', '--out', file], { cwd: root });
    const result = JSON.parse(await readFile(file, 'utf8'));
    expect(result.results.map((r: { target: string }) => r.target).sort()).toEqual(['committed', 'floor', 'floor-over', 'store']);
    for (const r of result.results) {
      expect(r.writes, r.target).toBeGreaterThan(0);
      expect(r.durable.p50, r.target).toBeGreaterThanOrEqual(r.written.p50);
    }
    expect(result.yjs.trialP50).toBeGreaterThan(0);
  });

  it("past clients: delivers every keystroke on a document of many clients' writing, on each server", { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'past-clients.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/past-clients.ts', '--counts', '5,50', '--rounds', '1', '--keys', '10', '--servers', 'tandem,y-websocket-server', '--out', file], { cwd: root });
    const result = JSON.parse(await readFile(file, 'utf8'));
    expect(result.results.map((r: { server: string; count: number }) => `${r.server} ${r.count}`).sort()).toEqual(['tandem 5', 'tandem 50', 'y-websocket-server 5', 'y-websocket-server 50']);
    for (const r of result.results) expect(r.p50Ms, r.server).toBeGreaterThan(0);
    expect(result.emptyTransactionUs['50']).toBeGreaterThan(0);
  });
});
