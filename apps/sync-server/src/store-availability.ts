// Whether the database answers, as the server last saw it: a PostgreSQL outage is logged once when it
// begins and once when it ends (not once per failed commit), and shown as a gauge. While it lasts, the
// store is probed until it answers again, so the end is noticed even when nobody writes.

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
}

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
    this.deps.logger.error(
      { event: 'database-unavailable', where: this.deps.where, reason: error instanceof Error ? error.message : String(error) },
      'the database is unavailable: writes are refused (WebSocket 4503) and /readyz answers 503 until it is back; ' +
        'nothing needs restarting, clients resend what was not stored',
    );
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
    this.deps.logger.info({ event: 'database-recovered', where: this.deps.where, downMs }, `the database is back after ${downMs} ms`);
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
