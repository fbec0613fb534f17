// Smoke runs of the typing, engines and editor keystroke benchmarks, so their code cannot rot
// (bench-smoke.test.ts has the rest). No timing thresholds here: the figures live in bench/results and the README.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVERS } from '../../bench/peers/servers.js';
import { ensureChromium } from '../support/ensure-chromium.js';
import { root, run, scratchDir, SMOKE_TIMEOUT_MS } from './bench-smoke-support.js';

describe('benchmark smoke runs: typing', () => {
  const scratch = scratchDir();

  it('typing: runs a round end to end against the floors, Tandem in each mode and both peers, and reports latency samples for each', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'typing.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/typing.ts', '--rounds', '1', '--clients', '6', '--observers', '2', '--seconds', '1', '--out', file], { cwd: root });
    const { results, summary, targets } = JSON.parse(await readFile(file, 'utf8'));
    expect(results.map((r: { server: string }) => r.server)).toEqual(SERVERS.map((p) => p.name));
    for (const r of results) {
      expect(r.updatesSent, r.server).toBeGreaterThan(0);
      expect(r.samples, r.server).toBeGreaterThan(0);
      expect(r.latencyMs.p50, r.server).toBeGreaterThan(0);
      expect(r.diskFlush.samples, r.server).toBeGreaterThan(0);
    }
    // The relays forward every update to the observers, which connected first.
    for (const floor of results.filter((r: { kind: string }) => r.kind === 'floor')) expect([floor.server, floor.samples]).toEqual([floor.server, floor.updatesSent * 2]);
    expect(summary.map((s: { server: string; p50Ms: { rounds: number[] } }) => [s.server, s.p50Ms.rounds.length])).toEqual(SERVERS.map((p) => [p.name, 1]));
    expect(targets.map((t: { goal: string }) => t.goal)).toHaveLength(6);
  });

  it('typing: times updates sent from the typists\' worker thread at observers on the main thread', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'typing-worker.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/typing.ts', '--clients', '5', '--observers', '1', '--seconds', '1', '--servers', 'tandem', '--out', file], { cwd: root });
    const [r] = JSON.parse(await readFile(file, 'utf8')).results;
    // Sends from the worker were joined with arrivals at the one observer; each is a sample or missing.
    expect(r.updatesSent).toBeGreaterThan(0);
    expect(r.samples).toBeGreaterThan(0);
    expect(r.samples + r.missing).toBe(r.updatesSent);
    expect(r.generator.workerUtilization).toBeGreaterThan(0);
    expect(Number.isFinite(r.generator.clockOffsetMs)).toBe(true);
  });

  it('engines: runs typing and capacity on Tandem on SQLite and on PostgreSQL, and prints both engines with figures and their ratio', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'engines.json');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/engines.ts', '--rounds', '1', '--clients', '4', '--observers', '2', '--seconds', '1', '--steps', '4,8', '--step-seconds', '0.5', '--settle', '0.2', '--out', file],
      { cwd: root, maxBuffer: 64 * 2 ** 20 },
    );
    const summary = stdout.slice(stdout.indexOf('engines, summary'));
    const number = String.raw`\d+(\.\d+)? \[\d+(\.\d+)?–\d+(\.\d+)?\]`;
    for (const figure of ['typing p50 ms', 'typing p99 ms']) expect(summary).toMatch(new RegExp(`${figure} +${number} +${number} +\\d+\\.\\d+×`));
    expect(summary).toMatch(new RegExp(`capacity clients +${number}.* +${number}`));
    expect(summary).toMatch(/ tandem +disk fdatasync p50 \d+\.\d+.*pg commit p50 \d+\.\d+/);
    expect(summary).toMatch(/ tandem-postgres +disk fdatasync p50 \d+\.\d+.*pg commit p50 \d+\.\d+/);
    const { summary: engines, rounds } = JSON.parse(await readFile(file, 'utf8'));
    expect(engines.map((s: { engine: string; server: string }) => [s.engine, s.server])).toEqual([
      ['sqlite', 'tandem'],
      ['postgres', 'tandem-postgres'],
    ]);
    expect(rounds.map((r: { server: string }) => r.server)).toEqual(['tandem', 'tandem-postgres']);
    for (const r of rounds) {
      expect(r.typingP50Ms, r.server).toBeGreaterThan(0);
      expect(r.typingPgCommit.samples, r.server).toBeGreaterThan(0);
      expect(r.typingDisk.samples, r.server).toBeGreaterThan(0);
      expect(Number.isInteger(r.capacity), r.server).toBe(true);
    }
  });

  it('editor keystroke: opens seeded documents in Chromium and times dispatched and typed keys in each', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    ensureChromium(); // this file may run before the browser tests that install it
    const file = path.join(scratch.path, 'editor-keystroke.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/editor-keystroke.ts', '--sizes', '0,50', '--rounds', '1', '--keys', '3', '--out', file], { cwd: root });
    const { results, targets } = JSON.parse(await readFile(file, 'utf8'));
    expect(results.map((r: { paragraphs: number }) => r.paragraphs)).toEqual([0, 50]);
    for (const r of results) {
      expect(r.dispatchMs.rounds, String(r.paragraphs)).toHaveLength(1);
      expect(r.dispatchMs.median, String(r.paragraphs)).toBeGreaterThan(0);
      expect(r.keyTaskMs.median, String(r.paragraphs)).toBeGreaterThan(0);
    }
    expect(targets).toEqual([]); // neither 2 000 nor 10 000 paragraphs ran
  });
});
