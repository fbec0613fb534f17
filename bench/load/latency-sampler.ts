// A latency sampler in a process of its own, beside a benchmark: the child does one small durable
// write at a fixed interval and prints one line per write, "<start, ms since the epoch> <latency ms>";
// a window reports the writes that started in it, so every measured step shows what the disk (or
// the database) did meanwhile. See ./disk-sampler.ts and ./pg-commit-sampler.ts.

import { type ChildProcess, spawn } from 'node:child_process';
import { percentile } from './ledger.js';

export interface FlushStats {
  /** Writes that started in the window. */
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

export class LatencySampler {
  private readonly starts: number[] = [];
  private readonly latencies: number[] = [];
  private partial = '';

  private constructor(
    private readonly proc: ChildProcess,
    private readonly cleanup: () => Promise<void>,
  ) {
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (chunk: string) => {
      const text = this.partial + chunk;
      const lines = text.split('\n');
      this.partial = lines.pop()!;
      for (const line of lines) {
        const [start, latency] = line.split(' ').map(Number);
        if (Number.isFinite(start) && Number.isFinite(latency)) {
          this.starts.push(start!);
          this.latencies.push(latency!);
        }
      }
    });
  }

  /**
   * Starts `script` (plain JavaScript, under bare node) with `env`; resolves once it printed its first
   * line (`ready`). `cleanup` runs after it stopped.
   */
  static async spawn(what: string, script: string, env: Record<string, string>, cleanup: () => Promise<void> = async () => {}): Promise<LatencySampler> {
    const proc = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    process.once('exit', () => proc.kill('SIGKILL'));
    try {
      await new Promise<void>((resolve, reject) => {
        proc.stdout!.once('data', () => resolve());
        proc.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it started`)));
      });
    } catch (error) {
      await cleanup().catch(() => {}); // the failure to start says more than the failure to clean up
      throw error;
    }
    return new LatencySampler(proc, cleanup);
  }

  /** The writes that started in [from, to) (wallNow ms). */
  window(from: number, to: number): FlushStats {
    const inWindow: number[] = [];
    for (let i = 0; i < this.starts.length; i++) if (this.starts[i]! >= from && this.starts[i]! < to) inWindow.push(this.latencies[i]!);
    inWindow.sort((a, b) => a - b);
    return {
      samples: inWindow.length,
      p50Ms: percentile(inWindow, 0.5),
      p99Ms: percentile(inWindow, 0.99),
      p999Ms: percentile(inWindow, 0.999),
      maxMs: inWindow.at(-1) ?? NaN,
    };
  }

  /** Waits until the writes started before `to` have been reported (the child reports every 200 ms). */
  async caughtUp(to: number, maxMs = 2000): Promise<void> {
    const deadline = performance.now() + maxMs;
    while ((this.starts.at(-1) ?? -Infinity) < to && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      await exited;
    }
    await this.cleanup();
  }
}

/** "p50/p99/p99.9/max" in ms, for a table cell. */
export function formatFlush(s: FlushStats | undefined): string {
  if (s === undefined || s.samples === 0) return 'n/a';
  const f = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(0));
  return `${f(s.p50Ms)}/${f(s.p99Ms)}/${f(s.p999Ms)}/${f(s.maxMs)}`;
}
