// Whether the store takes writes, as the server last saw it: a PostgreSQL outage, a SQLite data
// directory whose disk is (nearly) full, or a PostgreSQL whose own disk is, is logged once when it begins and once when it ends (not once
// per failed commit), and shown as a gauge. While it lasts, the store is probed until it answers again,
// so the end is noticed even when nobody writes. Neither needs a restart (a failed disk flush does, and
// is reported by the server itself).

import type { DocumentStore } from '@tandem/persistence';
import type { Logger } from 'pino';

export interface AvailabilityEvents {
  /** The store became unavailable (false) or available again (true). */
  storeAvailability(available: boolean): void;
}

export interface StoreAvailabilityDeps {
  readonly store: DocumentStore;
  readonly logger: Logger;
  /** Where the store is, for the log: the database URL without its password. */
  readonly where: string;
  readonly events: AvailabilityEvents;
  /** How often the store is probed while it is unavailable. Default 1000. */
  readonly probeEveryMs?: number;
  /**
   * What refuses the writes, for the log: the database (default), the data directory's disk space, or the
   * database's disk (PostgreSQL answering that it cannot grow a table).
   */
  readonly cause?: OutageCause;
  /**
   * Whether the store is probed while it is unavailable (default true). A database whose disk is full
   * answers every probe: its end is the next write that succeeds (succeeded()).
   */
  readonly probe?: boolean;
}

export type OutageCause = 'database' | 'disk-space' | 'database-disk';

/** The log's events and sentences, per cause. */
const SAID = {
  database: {
    down: 'database-unavailable',
    downMessage:
      'the database is unavailable: writes are refused (WebSocket 4503) and /readyz answers 503 until it is back; ' +
      'nothing needs restarting, clients resend what was not stored',
    up: 'database-recovered',
    upMessage: (ms: number) => `the database is back after ${ms} ms`,
  },
  'disk-space': {
    down: 'disk-space-low',
    downMessage:
      "the data directory's disk is (nearly) full: writes are refused (WebSocket 4507, HTTP 507) and /readyz answers 503 " +
      'until space is freed; nothing needs restarting, clients resend what was not stored',
    up: 'disk-space-recovered',
    upMessage: (ms: number) => `writes are taken again after ${ms} ms: there is room on the disk`,
  },
  'database-disk': {
    down: 'database-disk-full',
    downMessage:
      "the database's disk is full: writes are refused (WebSocket 4507, HTTP 507) until it has room again; reads are " +
      'served, nothing needs restarting, clients resend what was not stored',
    up: 'database-disk-recovered',
    upMessage: (ms: number) => `the database takes writes again after ${ms} ms`,
  },
} as const;

export class StoreAvailability {
  private downSince: number | undefined;
  private probe: NodeJS.Timeout | undefined;
  private probing = false;
  private stopped = false;

  constructor(private readonly deps: StoreAvailabilityDeps) {}

  get available(): boolean {
    return this.downSince === undefined;
  }

  /** Something the store was asked failed in a way that may mean the database is away. */
  failed(error: unknown): void {
    if (this.downSince !== undefined || this.stopped) return;
    this.downSince = Date.now();
    this.deps.events.storeAvailability(false);
    const said = SAID[this.deps.cause ?? 'database'];
    this.deps.logger.error({ event: said.down, where: this.deps.where, reason: error instanceof Error ? error.message : String(error) }, said.downMessage);
    if (this.deps.probe === false) return;
    this.probe = setInterval(() => void this.check(), this.deps.probeEveryMs ?? 1_000);
    this.probe.unref();
  }

  /** The store answered. */
  succeeded(): void {
    if (this.downSince === undefined) return;
    const downMs = Date.now() - this.downSince;
    this.downSince = undefined;
    clearInterval(this.probe);
    this.probe = undefined;
    this.deps.events.storeAvailability(true);
    const said = SAID[this.deps.cause ?? 'database'];
    this.deps.logger.info({ event: said.up, where: this.deps.where, downMs }, said.upMessage(downMs));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.probe);
    this.probe = undefined;
  }

  private async check(): Promise<void> {
    if (this.probing) return; // the last probe is still waiting (a database that hangs)
    this.probing = true;
    try {
      await this.deps.store.checkHealth();
      if (!this.stopped) this.succeeded();
    } catch {
      // Still away; logged once already.
    } finally {
      this.probing = false;
    }
  }
}
