// Group commit: updates appended during one event-loop turn are written in a single store transaction,
// and flushes are pipelined behind commits: while one flush runs, the next turns' commits are written
// and the next flush covers them all. A slow flush therefore delays what waits for it by at most its
// own length, never by a queue of flushes, and never holds back the commits behind it.
//
// Each caller chooses what to wait for: `append` resolves once its update is durable (committed and
// flushed); `write` resolves once it is committed, with the flush as a promise of its own.

import { PersistenceError } from '../errors.js';
import type { AppendEntry, DocumentAppend, DocumentStore } from '../types.js';

export interface FlushReport {
  readonly updates: number;
  readonly documents: number;
  readonly bytes: number;
  /** From the start of the commit until the flush covering it finished (or either failed). */
  readonly durationMs: number;
  /** The commit alone (the part that runs on the caller's thread for an embedded store). */
  readonly commitMs: number;
  readonly error?: unknown;
  /** Which step failed, when one did. */
  readonly failedAt?: 'commit' | 'flush';
}

export interface GroupCommitOptions {
  readonly store: DocumentStore;
  /** Called once per batch after its flush, successful or not (for metrics and logs). */
  readonly onFlush?: (report: FlushReport) => void;
}

/** An update committed to the log: readable, kept by a killed process; `flushed` says when it is on disk. */
export interface Written {
  readonly seq: number;
  /** Settles once the update would survive a power cut; rejects if the flush failed. */
  readonly flushed: Promise<void>;
}

export interface UpdateLog {
  /** Queues one update; resolves with its sequence number once it is durable (committed and flushed). */
  append(doc: string, entry: AppendEntry): Promise<number>;
  /** Queues one update; resolves once it is committed, before its flush (see Written). */
  write(doc: string, entry: AppendEntry): Promise<Written>;
  /**
   * Runs `task` at the start of the next commit turn: whatever it appends joins that turn's commit.
   * Lets a caller check a turn's worth of input and store it without waiting one more turn.
   */
  beforeNextCommit(task: () => void): void;
  /** Resolves once everything appended so far has been committed and flushed (or has failed). */
  drain(): Promise<void>;
  /** Updates queued, being committed, or committed and waiting for their flush. */
  readonly pending: number;
}

type Waiter = {
  resolve(seq: number, flushed: Promise<void>): void;
  reject(error: unknown): void;
};

interface QueuedDoc {
  entries: AppendEntry[];
  waiters: Waiter[];
}

export function createGroupCommit({ store, onFlush }: GroupCommitOptions): UpdateLog {
  let queue = new Map<string, QueuedDoc>();
  let queued = 0;
  let committing = 0;
  let unflushed = 0;
  let scheduled = false;
  let commitRunning = false;
  let beforeCommit: Array<() => void> = [];
  const flushes = new Set<Promise<void>>();
  let drainWaiters: Array<() => void> = [];

  const idle = () => queued === 0 && !commitRunning && !scheduled && flushes.size === 0 && beforeCommit.length === 0;

  const schedule = (): void => {
    if (scheduled || commitRunning || (queued === 0 && beforeCommit.length === 0)) return;
    scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn, so every WebSocket message read
    // in the same turn joins the same transaction.
    setImmediate(turn);
  };

  const turn = (): void => {
    const tasks = beforeCommit;
    beforeCommit = [];
    // Still `scheduled` while the tasks run: what they append joins this turn without scheduling another.
    for (const task of tasks) {
      try {
        task();
      } catch (error) {
        warn('beforeNextCommit task', error);
      }
    }
    scheduled = false;
    if (queued === 0) {
      schedule(); // tasks queued by the tasks themselves, if any
      settleDrainsIfIdle();
      return;
    }
    commitRunning = true;
    void commitQueued().finally(() => {
      commitRunning = false;
      schedule();
      settleDrainsIfIdle();
    });
  };

  const settleDrainsIfIdle = (): void => {
    if (!idle()) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const done of waiters) done();
  };

  const commitQueued = async (): Promise<void> => {
    const batchQueue = queue;
    queue = new Map();
    const count = queued;
    committing = count;
    queued = 0;
    const batch: DocumentAppend[] = [];
    let bytes = 0;
    for (const [doc, { entries }] of batchQueue) {
      batch.push({ doc, entries });
      for (const e of entries) bytes += e.update.byteLength;
    }
    const summary = { updates: count, documents: batch.length, bytes };
    const started = performance.now();
    let committed;
    try {
      committed = await store.commit(batch);
    } catch (error) {
      // One document's append refused for its own reason (its name renamed away, through another
      // instance that has not told this one yet; an update the store cannot take as it is, such as an
      // author with NUL): its writers hear so, and the other documents of the batch, not at fault, are
      // committed without it.
      const refused =
        error instanceof PersistenceError && (error.code === 'conflict' || error.code === 'invalid-argument') ? error.doc : undefined;
      if (refused !== undefined && batchQueue.size > 1 && batchQueue.has(refused)) {
        const { entries, waiters } = batchQueue.get(refused)!;
        for (const w of waiters) w.reject(error);
        batchQueue.delete(refused);
        const retry = new Map<string, QueuedDoc>();
        for (const [doc, item] of batchQueue) {
          const waiting = queue.get(doc);
          // Ahead of anything queued for it since: the order of one document's updates is kept.
          retry.set(doc, waiting === undefined ? item : { entries: [...item.entries, ...waiting.entries], waiters: [...item.waiters, ...waiting.waiters] });
        }
        for (const [doc, item] of queue) if (!retry.has(doc)) retry.set(doc, item);
        queue = retry;
        queued += count - entries.length;
        committing = 0;
        return commitQueued();
      }
      committing = 0;
      const durationMs = performance.now() - started;
      for (const { waiters } of batchQueue.values()) for (const w of waiters) w.reject(error);
      report({ ...summary, updates: 0, durationMs, commitMs: durationMs, error, failedAt: 'commit' });
      return;
    }
    const commitMs = performance.now() - started;
    committing = 0;
    unflushed += count;
    const { results, flushed } = committed;
    results.forEach((result, i) => {
      const waiters = batchQueue.get(batch[i]!.doc)!.waiters;
      waiters.forEach((w, j) => w.resolve(result.firstSeq + j, flushed));
    });
    // Waiters are settled before the report, and a throwing observer cannot leave them hanging.
    const tracked: Promise<void> = flushed
      .then(
        () => report({ ...summary, durationMs: performance.now() - started, commitMs }),
        (error: unknown) =>
          report({ ...summary, updates: 0, durationMs: performance.now() - started, commitMs, error, failedAt: 'flush' }),
      )
      .finally(() => {
        unflushed -= count;
        flushes.delete(tracked);
        settleDrainsIfIdle();
      });
    flushes.add(tracked);
  };

  const report = (flushReport: FlushReport): void => {
    try {
      onFlush?.(flushReport);
    } catch (error) {
      warn('onFlush', error);
    }
  };

  const enqueue = (doc: string, entry: AppendEntry, waiter: Waiter): void => {
    let item = queue.get(doc);
    if (item === undefined) {
      item = { entries: [], waiters: [] };
      queue.set(doc, item);
    }
    item.entries.push(entry);
    item.waiters.push(waiter);
    queued += 1;
    schedule();
  };

  return {
    append(doc, entry) {
      return new Promise<number>((resolve, reject) =>
        enqueue(doc, entry, { resolve: (seq, flushed) => flushed.then(() => resolve(seq), reject), reject }),
      );
    },
    write(doc, entry) {
      return new Promise<Written>((resolve, reject) => enqueue(doc, entry, { resolve: (seq, flushed) => resolve({ seq, flushed }), reject }));
    },
    beforeNextCommit(task) {
      beforeCommit.push(task);
      schedule();
    },
    drain() {
      if (idle()) return Promise.resolve();
      return new Promise<void>((resolve) => drainWaiters.push(resolve));
    },
    get pending() {
      return queued + committing + unflushed;
    },
  };
}

function warn(what: string, error: unknown): void {
  process.emitWarning(`${what} threw: ${error instanceof Error ? error.message : String(error)}`, 'TandemGroupCommitWarning');
}
