// How far apart a busy document's broadcasts are spaced. Every send costs the server a few
// microseconds per recipient (a system call, and on a loopback or a busy host the kernel's delivery
// too): on the 2-core benchmark machine, 77 000 sends a second filled a core with 400 people typing
// into one document. A document therefore broadcasts at most once per `perClientMs` × its clients,
// merging what was committed meanwhile into one message; this paces by how busy the event loop is:
// 10 µs per client while it has room (a quiet document's updates go out at once), rising to 40 µs per
// client as it nears saturation, so that sends leave time for everything else instead of queueing it.

import { performance } from 'node:perf_hooks';

/** Spacing per client while the event loop has room, and the most it rises to under load. */
export const SPACING_PER_CLIENT_MS = { idle: 0.01, busy: 0.04 } as const;
/** Event-loop utilisation below which spacing stays at `idle`, and above which it is at `busy`. */
const UTILISATION = { from: 0.5, to: 0.9 } as const;

/** Spacing per client for an event loop busy `utilisation` (0–1) of the time. */
export function spacingPerClientMs(utilisation: number): number {
  const share = Math.min(1, Math.max(0, (utilisation - UTILISATION.from) / (UTILISATION.to - UTILISATION.from)));
  return SPACING_PER_CLIENT_MS.idle + share * (SPACING_PER_CLIENT_MS.busy - SPACING_PER_CLIENT_MS.idle);
}

export interface Pacing {
  /** Milliseconds between a document's broadcasts, per client connected to it. */
  readonly perClientMs: number;
}

/** Samples the event loop's utilisation every `intervalMs` and paces every room by it. */
export class SendPacing implements Pacing {
  private current: number = SPACING_PER_CLIENT_MS.idle;
  private last = performance.eventLoopUtilization();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 250) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  get perClientMs(): number {
    return this.current;
  }

  private sample(): void {
    const now = performance.eventLoopUtilization();
    this.current = spacingPerClientMs(performance.eventLoopUtilization(now, this.last).utilization);
    this.last = now;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
