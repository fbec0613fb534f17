// Group commit: updates appended during one event-loop turn are written in a single store transaction.
// Each caller gets a promise for its update's sequence number that resolves only once the
// transaction is durable; promises for one document resolve in the order the updates were appended.

import type { AppendEntry, DocumentAppend, DocumentStore } from '../types.js';

export interface FlushReport {
  readonly updates: number;
  readonly documents: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly error?: unknown;
}

export interface GroupCommitOptions {
  readonly store: DocumentStore;
  /** Called after every flush, successful or not (for metrics and logs). */
  readonly onFlush?: (report: FlushReport) => void;
}

export interface UpdateLog {
  /** Queues one update; resolves with its sequence number once it is durable. */
  append(doc: string, entry: AppendEntry): Promise<number>;
  /** Resolves once everything appended so far has been written (or has failed). */
  drain(): Promise<void>;
  /** Updates queued or being written. */
  readonly pending: number;
}

interface Waiter {
  resolve(seq: number): void;
  reject(error: unknown): void;
}

interface QueuedDoc {
  entries: AppendEntry[];
  waiters: Waiter[];
}

export function createGroupCommit({ store, onFlush }: GroupCommitOptions): UpdateLog {
  let queue = new Map<string, QueuedDoc>();
  let queued = 0;
  let inFlight = 0;
  let scheduled = false;
  let writing: Promise<void> | undefined;
  let drainWaiters: Array<() => void> = [];

  const schedule = (): void => {
    if (scheduled || writing !== undefined || queued === 0) return;
    scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn, so every WebSocket message read
    // in the same turn joins the same transaction.
    setImmediate(() => {
      scheduled = false;
      writing = flush().finally(() => {
        writing = undefined;
        if (queued > 0) schedule();
        else settleDrains();
      });
    });
  };

  const settleDrains = (): void => {
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const done of waiters) done();
  };

  const flush = async (): Promise<void> => {
    const batchQueue = queue;
    queue = new Map();
    inFlight = queued;
    queued = 0;
    const batch: DocumentAppend[] = [];
    let bytes = 0;
    for (const [doc, { entries }] of batchQueue) {
      batch.push({ doc, entries });
      for (const e of entries) bytes += e.update.byteLength;
    }
    const started = performance.now();
    try {
      const results = await store.append(batch);
      const durationMs = performance.now() - started;
      inFlight = 0;
      results.forEach((result, i) => {
        const waiters = batchQueue.get(batch[i]!.doc)!.waiters;
        waiters.forEach((w, j) => w.resolve(result.firstSeq + j));
      });
      report({ updates: batch.reduce((n, b) => n + b.entries.length, 0), documents: batch.length, bytes, durationMs });
    } catch (error) {
      const durationMs = performance.now() - started;
      inFlight = 0;
      for (const { waiters } of batchQueue.values()) for (const w of waiters) w.reject(error);
      report({ updates: 0, documents: batch.length, bytes, durationMs, error });
    }
  };

  // Waiters are settled before the report, and a throwing observer cannot leave them hanging.
  const report = (flushReport: FlushReport): void => {
    try {
      onFlush?.(flushReport);
    } catch (error) {
      process.emitWarning(`onFlush threw: ${error instanceof Error ? error.message : String(error)}`, 'TandemGroupCommitWarning');
    }
  };

  return {
    append(doc, entry) {
      return new Promise<number>((resolve, reject) => {
        let item = queue.get(doc);
        if (item === undefined) {
          item = { entries: [], waiters: [] };
          queue.set(doc, item);
        }
        item.entries.push(entry);
        item.waiters.push({ resolve, reject });
        queued += 1;
        schedule();
      });
    },
    drain() {
      if (queued === 0 && writing === undefined && !scheduled) return Promise.resolve();
      return new Promise<void>((resolve) => drainWaiters.push(resolve));
    },
    get pending() {
      return queued + inFlight;
    },
  };
}
