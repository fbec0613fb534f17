// What a load run measures besides latency: the server's CPU and memory (from /proc), and the
// generator's own CPU, event-loop lag and utilization, each over a window that starts when the
// meter is made and ends when it is read.

import { readFileSync } from 'node:fs';
import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';

export function procStats(pid: number): { cpuSeconds: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime (fields 14, 15)
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, rssMiB: rssKiB / 1024 };
}

const LAG_RESOLUTION_MS = 5;

/**
 * Event-loop lag: how much later than asked a timer ran. Node's histogram records the whole time
 * between its samples, so an idle loop sampled every 10 ms reads 10 ms; the resolution is
 * subtracted here to leave only the delay.
 */
export class LagMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });

  constructor() {
    this.histogram.enable();
  }

  percentileMs(q: number): number {
    return Math.max(0, this.histogram.percentile(q) / 1e6 - LAG_RESOLUTION_MS);
  }

  get maxMs(): number {
    return Math.max(0, this.histogram.max / 1e6 - LAG_RESOLUTION_MS);
  }

  reset(): void {
    this.histogram.reset();
  }

  disable(): void {
    this.histogram.disable();
  }
}

export interface ServerReading {
  /** CPU of the server process (all its threads), in % of one core. */
  readonly cpuPercent: number;
  readonly rssMiB: number;
}

export class ServerMeter {
  private readonly started = performance.now();
  private readonly before: { cpuSeconds: number };

  constructor(private readonly pid: number) {
    this.before = procStats(pid);
  }

  /** Undefined when the process has gone (it crashed). */
  read(): ServerReading | undefined {
    try {
      const now = procStats(this.pid);
      const seconds = (performance.now() - this.started) / 1000;
      return { cpuPercent: ((now.cpuSeconds - this.before.cpuSeconds) / seconds) * 100, rssMiB: now.rssMiB };
    } catch {
      return undefined;
    }
  }
}

export interface GeneratorReading {
  /** CPU of this process, every thread (the typists' worker too), in % of one core. */
  readonly cpuPercent: number;
  readonly mainLagP99Ms: number;
  /** Share of the time the main thread (observers) was busy, 0–1. */
  readonly mainUtilization: number;
}

export class GeneratorMeter {
  private readonly started = performance.now();
  private readonly cpu = process.cpuUsage();
  private readonly elu = performance.eventLoopUtilization();
  private readonly lag = new LagMonitor();

  read(): GeneratorReading {
    const seconds = (performance.now() - this.started) / 1000;
    const cpu = process.cpuUsage(this.cpu);
    this.lag.disable();
    return {
      cpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
      mainLagP99Ms: this.lag.percentileMs(99),
      mainUtilization: performance.eventLoopUtilization(this.elu).utilization,
    };
  }
}
