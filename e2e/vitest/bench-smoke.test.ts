// A seconds-long run of each benchmark, so the benchmark code cannot rot. No timing thresholds here:
// the figures live in bench/results and the README.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { SendOnlySocket } from '../../bench/load/send-only-socket.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

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

describe('benchmark smoke runs', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'tandem-bench-smoke-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('typing: runs end to end against Tandem and both peers and reports latency samples for each', { timeout: 60_000 }, async () => {
    const file = path.join(out, 'typing.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/typing.ts', '--clients', '6', '--observers', '2', '--seconds', '1', '--out', file], { cwd: root });
    const { results } = JSON.parse(await readFile(file, 'utf8'));
    expect(results.map((r: { server: string }) => r.server)).toEqual(['tandem', 'y-websocket-server', 'hocuspocus']);
    for (const r of results) {
      expect(r.updatesSent, r.server).toBeGreaterThan(0);
      expect(r.samples, r.server).toBeGreaterThan(0);
      expect(r.latencyMs.p50, r.server).toBeGreaterThan(0);
    }
  });

  it('typing: times updates sent from the typists\' worker thread at observers on the main thread', { timeout: 60_000 }, async () => {
    const file = path.join(out, 'typing-worker.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/typing.ts', '--clients', '5', '--observers', '1', '--seconds', '1', '--servers', 'tandem', '--out', file], { cwd: root });
    const [r] = JSON.parse(await readFile(file, 'utf8')).results;
    // Sends from the worker were joined with arrivals at the one observer; each is a sample or missing.
    expect(r.updatesSent).toBeGreaterThan(0);
    expect(r.samples).toBeGreaterThan(0);
    expect(r.samples + r.missing).toBe(r.updatesSent);
    expect(r.generator.workerUtilization).toBeGreaterThan(0);
    expect(Number.isFinite(r.generator.clockOffsetMs)).toBe(true);
  });

  it('capacity: ramps typing clients on every server and records each step', { timeout: 90_000 }, async () => {
    const file = path.join(out, 'capacity.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/capacity.ts', '--steps', '4,8', '--seconds', '0.5', '--settle', '0.2', '--observers', '2', '--out', file], { cwd: root });
    const { results } = JSON.parse(await readFile(file, 'utf8'));
    expect(results.map((r: { server: string }) => r.server)).toEqual(['tandem', 'y-websocket-server', 'hocuspocus']);
    for (const r of results) {
      expect(r.steps.length, r.server).toBeGreaterThan(0);
      expect(r.steps[0].clients, r.server).toBe(4);
      expect(r.steps[0].sentPerSecond, r.server).toBeGreaterThan(0);
      expect(r.steps[0].latencyMs.p50, r.server).toBeGreaterThan(0);
      expect(['server', 'generator', 'last step', 'crash'], r.server).toContain(r.limitedBy);
    }
  });

  it('burst: ramps the offered update rate on every server and counts what observers receive', { timeout: 90_000 }, async () => {
    const file = path.join(out, 'burst.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/burst.ts', '--rates', '200,400', '--senders', '4', '--seconds', '0.5', '--drain-ms', '500', '--out', file], { cwd: root });
    const { results } = JSON.parse(await readFile(file, 'utf8'));
    expect(results.map((r: { server: string }) => r.server)).toEqual(['tandem', 'y-websocket-server', 'hocuspocus']);
    for (const r of results) {
      expect(r.steps[0].offeredPerSecond, r.server).toBe(200);
      expect(r.steps[0].sentPerSecond, r.server).toBeGreaterThan(0);
      expect(r.steps[0].deliveredPerSecond, r.server).toBeGreaterThan(0);
    }
  });

  it("many docs: types on several documents at once and times each update at its document's reader", { timeout: 60_000 }, async () => {
    const file = path.join(out, 'many-docs.json');
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

  it('idle: connects to every server and measures memory per connection', { timeout: 60_000 }, async () => {
    const file = path.join(out, 'idle.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/idle.ts', '--connections', '20', '--docs', '5', '--out', file], { cwd: root });
    const { results } = JSON.parse(await readFile(file, 'utf8'));
    expect(results.map((r: { server: string; answered: number }) => [r.server, r.answered])).toEqual([
      ['tandem', 20],
      ['y-websocket-server', 20],
      ['hocuspocus', 20],
    ]);
  });

  it('cold start: writes, restarts and reloads a document on every server', { timeout: 60_000 }, async () => {
    const file = path.join(out, 'cold-start.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/cold-start.ts', '--updates', '300', '--runs', '1', '--settle-ms', '500', '--out', file], { cwd: root });
    const { results } = JSON.parse(await readFile(file, 'utf8'));
    for (const r of results) expect([r.server, r.runs, r.error]).toEqual([r.server, 1, undefined]);
    expect(results).toHaveLength(3);
  });

  it('history: times every history request on a long document with /healthz polled meanwhile', { timeout: 60_000 }, async () => {
    const file = path.join(out, 'history.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/history.ts', '--updates', '2000', '--runs', '2', '--out', file], { cwd: root });
    const result = JSON.parse(await readFile(file, 'utf8'));
    expect(result.updates).toBe(2000);
    expect(result.results.map((r: { name: string }) => r.name)).toContain('diff from 0 to head');
    for (const r of result.results) {
      expect(r.median, r.name).toBeGreaterThan(0);
      expect(r.worstHealthMs, r.name).toBeGreaterThan(0);
    }
  });

  it('cold load: runs end to end and loads the written history', async () => {
    const file = path.join(out, 'cold-load.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/cold-load.ts', '--updates', '2000', '--runs', '2', '--every', '500', '--out', file], { cwd: root });
    const result = JSON.parse(await readFile(file, 'utf8'));
    expect(result.updates).toBe(2000);
    expect(Object.keys(result.results)).toHaveLength(4);
  });
});
