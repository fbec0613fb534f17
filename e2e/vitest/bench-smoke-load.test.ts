// Smoke runs of the capacity, instances and idle benchmarks, so their code cannot rot
// (bench-smoke.test.ts has the rest). No timing thresholds here: the figures live in bench/results and the README.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVERS } from '../../bench/peers/servers.js';
import { root, run, scratchDir, SMOKE_TIMEOUT_MS } from './bench-smoke-support.js';

describe('benchmark smoke runs: load', () => {
  const scratch = scratchDir();

  it('capacity: ramps typing clients on every server, floors included, and records each step', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'capacity.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/capacity.ts', '--rounds', '1', '--steps', '4,8', '--seconds', '0.5', '--settle', '0.2', '--observers', '2', '--out', file], { cwd: root });
    const { results, summary, targets } = JSON.parse(await readFile(file, 'utf8'));
    expect(results.map((r: { server: string }) => r.server)).toEqual(SERVERS.map((p) => p.name));
    for (const r of results) {
      expect(r.steps.length, r.server).toBeGreaterThan(0);
      expect(r.steps[0].clients, r.server).toBe(4);
      expect(r.steps[0].sentPerSecond, r.server).toBeGreaterThan(0);
      expect(r.steps[0].latencyMs.p50, r.server).toBeGreaterThan(0);
      expect(r.steps[0].latencyMs.p95, r.server).toBeGreaterThanOrEqual(r.steps[0].latencyMs.p50);
      expect(r.steps[0].diskFlush.samples, r.server).toBeGreaterThan(0);
      expect(['server', 'generator', 'last step', 'crash'], r.server).toContain(r.limitedBy);
    }
    expect(summary.map((s: { server: string; capacity: { rounds: number[] } }) => [s.server, s.capacity.rounds.length])).toEqual(SERVERS.map((p) => [p.name, 1]));
    expect(targets).toHaveLength(2);
  });

  it('instances: runs Tandem alone, three Tandem instances over Redis and three Hocuspocus instances over Redis, and prints each with figures and the targets', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'instances.json');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/instances.ts', '--rounds', '1', '--clients', '9', '--observers', '3', '--seconds', '1', '--warmup', '0.5', '--out', file],
      { cwd: root, maxBuffer: 64 * 2 ** 20 },
    );
    const summary = stdout.slice(stdout.indexOf('instances, summary'));
    const number = String.raw`\d+(\.\d+)? \[\d+(\.\d+)?–\d+(\.\d+)?\]`;
    const signed = String.raw`-?\d+(\.\d+)? \[-?\d+(\.\d+)?–-?\d+(\.\d+)?\]`;
    expect(summary).toMatch(new RegExp(`tandem-pg-1 +${number} +${number} +${number} +n/a +n/a +${number}`));
    for (const setup of ['tandem-pg-3', 'hocuspocus-redis-3']) expect(summary).toMatch(new RegExp(`${setup} +${number} +${number} +${number} +${number} +${signed} +${number}`));
    expect(summary).toMatch(/CPU per update, tandem-pg-3 ÷ hocuspocus-redis-3: \d+\.\d+× \(target ≤ 0\.70×\)/);
    const { results, targets } = JSON.parse(await readFile(file, 'utf8'));
    expect(results.map((r: { setup: string }) => r.setup).sort()).toEqual(['hocuspocus-redis-3', 'tandem-pg-1', 'tandem-pg-3']);
    for (const r of results) {
      expect(r.updatesSent, r.setup).toBeGreaterThan(0);
      expect(r.updatesDelivered, r.setup).toBeGreaterThan(0);
      expect(r.latencyMs.p50, r.setup).toBeGreaterThan(0);
      expect(r.sameInstanceP50Ms, r.setup).toBeGreaterThan(0);
      expect(r.cpu.serversSeconds, r.setup).toBeGreaterThan(0);
      expect(r.cpuPerUpdateUs, r.setup).toBeGreaterThan(0);
      expect(r.instances, r.setup).toBe(r.setup === 'tandem-pg-1' ? 1 : 3);
      // Across instances only where there are several (NaN, written as null, with one).
      expect(r.healedUpdates, r.setup).toBeGreaterThanOrEqual(0);
      if (r.instances > 1) expect(r.crossInstanceP50Ms, r.setup).toBeGreaterThan(0);
      else expect(r.crossInstanceP50Ms, r.setup).toBeNull();
      // The PostgreSQL backends of the setup's own connections were found (Tandem keeps a pool per instance).
      if (r.setup.startsWith('tandem')) expect(r.cpu.ownBackends, r.setup).toBeGreaterThanOrEqual(r.instances);
      else expect([r.cpu.ownBackends, r.cpu.postgresCounted]).toEqual([0, false]);
    }
    expect(targets.map((t: { met: boolean | null }) => typeof t.met)).toEqual(['boolean', 'boolean']);
  });

  it('idle: connects to every server and measures memory per connection', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const file = path.join(scratch.path, 'idle.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/idle.ts', '--connections', '20', '--docs', '5', '--out', file], { cwd: root });
    const { results } = JSON.parse(await readFile(file, 'utf8'));
    expect(results.map((r: { server: string; answered: number }) => [r.server, r.answered])).toEqual([
      ['tandem', 20],
      ['y-websocket-server', 20],
      ['hocuspocus', 20],
    ]);
  });
});
