// The disk's own flush latency, sampled beside the benchmark: a child process appends ~300 bytes to a
// file in the temporary directory (the filesystem the servers' data directories are on) and
// fdatasyncs it every ~20 ms. A window reports the flushes that started in it, so every measured step
// shows what the disk itself did meanwhile: a server's stall next to a disk stall is the disk's.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './ledger.js';

export interface FlushStats {
  /** Flushes that started in the window. */
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

const child = fileURLToPath(new URL('./disk-sampler-child.mjs', import.meta.url));

export class DiskSampler {
  private readonly starts: number[] = [];
  private readonly latencies: number[] = [];
  private partial = '';

  private constructor(
    private readonly proc: ChildProcess,
    private readonly dir: string,
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

  /** Starts sampling every `intervalMs`; resolves once the sampler runs. */
  static async start(intervalMs = 20): Promise<DiskSampler> {
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-disk-sampler-'));
    const proc = spawn(process.execPath, [child], { env: { FILE: path.join(dir, 'flush.log'), INTERVAL_MS: String(intervalMs) }, stdio: ['ignore', 'pipe', 'inherit'] });
    process.once('exit', () => proc.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.once('data', () => resolve());
      proc.once('exit', (code) => reject(new Error(`disk sampler exited (${code}) before it started`)));
    });
    return new DiskSampler(proc, dir);
  }

  /** The flushes that started in [from, to) (wallNow ms). */
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

  /** Waits until the flushes started before `to` have been reported (the child reports every 200 ms). */
  async caughtUp(to: number, maxMs = 2000): Promise<void> {
    const deadline = performance.now() + maxMs;
    while ((this.starts.at(-1) ?? -Infinity) < to && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill('SIGTERM');
    await exited;
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** "p50/p99/p99.9/max" in ms, for a table cell. */
export function formatFlush(s: FlushStats | undefined): string {
  if (s === undefined || s.samples === 0) return 'n/a';
  const f = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(0));
  return `${f(s.p50Ms)}/${f(s.p99Ms)}/${f(s.p999Ms)}/${f(s.maxMs)}`;
}
