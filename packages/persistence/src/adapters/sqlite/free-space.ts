// The free-disk floor: how much space is left on the data directory's filesystem, read with statfs
// on a timer (never per write) and kept, so a write can be refused before the disk is full.

import { statfsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';

/** How often free space is read again. */
export const FREE_SPACE_CHECK_MS = 5_000;

export class FreeSpace {
  private free = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  /** Reads free space once now (synchronously), then every `intervalMs` until `stop()`. */
  constructor(
    private readonly dir: string,
    /** Bytes that must stay free; 0 turns the floor off. */
    readonly floor: number,
    intervalMs = FREE_SPACE_CHECK_MS,
  ) {
    if (floor <= 0) return;
    this.free = available(statfsSync(dir));
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  /** Bytes free to an unprivileged writer at the last reading. */
  get bytesFree(): number {
    return this.free;
  }

  /** A sentence naming the shortfall, or undefined while there is room. */
  get shortfall(): string | undefined {
    if (this.free >= this.floor) return undefined;
    return `only ${mib(this.free)} free on the disk of ${this.dir}, below the floor of ${mib(this.floor)} (MIN_FREE_DISK_BYTES)`;
  }

  /** Reads free space again now (after a write failed for want of it, say). */
  check(): Promise<void> {
    if (this.floor <= 0) return Promise.resolve();
    this.checking ??= statfs(this.dir)
      .then(
        (stats) => {
          this.free = available(stats);
        },
        () => {}, // keep the last reading; the next tick tries again
      )
      .finally(() => (this.checking = undefined));
    return this.checking;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const available = (stats: { bavail: number; bsize: number }): number => stats.bavail * stats.bsize;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
