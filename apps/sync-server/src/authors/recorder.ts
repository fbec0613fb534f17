// Writes author sightings to the store in the background: collected per author id (the latest name,
// the earliest and latest times) and written together at most once per interval. Nothing waits for it:
// a connection or an update never does. A failed write (the database away) is said once per outage,
// counted, and its sightings are kept for the next attempt.

import type { AuthorSighting, DocumentStore } from '@tandem/persistence';
import type { Logger } from 'pino';

export interface AuthorEvents {
  /** Sightings written (one per author id per write). */
  authorsRecorded(count: number): void;
  /** A write of sightings failed; they wait for the next one. */
  authorsRecordFailed(): void;
}

export interface AuthorRecorderOptions {
  readonly store: Pick<DocumentStore, 'recordAuthors'>;
  readonly logger: Logger;
  readonly events: AuthorEvents;
  /** Time between writes at most once per this many ms. Default 1000. */
  readonly intervalMs?: number;
  /** Authors held while the store is away; past it the oldest sightings are dropped. Default 10 000. */
  readonly maxPending?: number;
}

/** `AuthorRecorder.written`, as a route is given it: a reader about to describe these authors waits for their records. */
export type AuthorsWritten = (ids: readonly string[]) => Promise<void>;

export interface AuthorRecorder {
  /** Queues a sighting; it is written within about one interval. */
  seen(sighting: AuthorSighting): void;
  /** Writes what is queued now (also what waits after a failure); resolves once that write ended. */
  flush(): Promise<void>;
  /**
   * Writes at once if a sighting of one of `ids` is still queued or being written (a reader is about to
   * describe these authors: the store's record, with its colour, is the answer, not the id); else nothing.
   */
  written(ids: readonly string[]): Promise<void>;
  /** Writes what is queued, then stops. */
  close(): Promise<void>;
}

export function createAuthorRecorder(options: AuthorRecorderOptions): AuthorRecorder {
  const { store, logger, events } = options;
  const intervalMs = options.intervalMs ?? 1_000;
  const maxPending = options.maxPending ?? 10_000;
  // Folded per id as they come, so that a flood of renames costs one entry.
  let pending = new Map<string, { first: AuthorSighting; last: AuthorSighting }>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  /** The ids of the write in progress. */
  let inFlight: ReadonlyMap<string, unknown> = new Map();
  let failing = false;
  let closed = false;

  const schedule = () => {
    if (timer !== undefined || closed || pending.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void write();
    }, intervalMs);
    timer.unref();
  };

  const write = async (): Promise<void> => {
    if (writing !== undefined) return writing; // the next write is scheduled when this one ends
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    inFlight = batch;
    const sightings = [...batch.values()].flatMap(({ first, last }) => (first === last ? [last] : [first, last]));
    writing = (async () => {
      try {
        await store.recordAuthors(sightings);
        events.authorsRecorded(batch.size);
        if (failing) logger.info({ event: 'authors-recorded-again' }, 'author records are written again');
        failing = false;
      } catch (err) {
        events.authorsRecordFailed();
        if (!failing) logger.warn({ event: 'authors-record-failed', err, authors: batch.size }, 'could not write author records; retrying with the next batch');
        failing = true;
        // Put back under what came meanwhile, so that the newer sighting of an id stays the last.
        for (const [id, held] of batch) {
          const newer = pending.get(id);
          pending.set(id, newer === undefined ? held : { first: held.first, last: newer.last });
        }
        trim();
      } finally {
        writing = undefined;
        inFlight = new Map();
      }
      schedule();
    })();
    return writing;
  };

  const trim = () => {
    for (const id of pending.keys()) {
      if (pending.size <= maxPending) break;
      pending.delete(id);
    }
  };

  return {
    seen(sighting) {
      if (closed) return;
      const held = pending.get(sighting.id);
      // Re-inserted, so that the map's order is by last sighting (trim drops the stalest).
      pending.delete(sighting.id);
      pending.set(sighting.id, { first: held?.first ?? sighting, last: sighting });
      trim();
      schedule();
    },
    async flush() {
      clearTimeout(timer);
      timer = undefined;
      await writing;
      await write();
    },
    async written(ids) {
      if (ids.some((id) => pending.has(id) || inFlight.has(id))) await this.flush();
    },
    async close() {
      await this.flush();
      closed = true;
      clearTimeout(timer);
    },
  };
}
