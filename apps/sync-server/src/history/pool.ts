// The boundary between the server's thread and heavy history work: a small pool of worker threads
// (history/worker.ts), each with its own read-only store connection. Every job has a time budget,
// after which its worker is terminated (the work stops) and the caller gets 'history-timeout'; jobs
// wait in a bounded queue, and past it the caller gets 'history-busy' at once.

import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PersistenceError, type StoreLocation } from '@tandem/persistence';
import type { Logger } from 'pino';
import { TandemError } from '../errors.js';
import type { SyncEvents } from '../sync/events.js';
import type { HistoryJob, HistoryResult } from './jobs.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

export interface HistoryPoolOptions {
  /** Where the store is; each worker opens it read-only. */
  readonly store: StoreLocation;
  readonly workers: number;
  /** A job that has not finished this long after it was asked for is cancelled. */
  readonly timeoutMs: number;
  /** Jobs that may wait for a free worker. */
  readonly maxQueue: number;
  readonly logger: Logger;
  readonly events: Pick<SyncEvents, 'limitHit'>;
}

export interface HistoryPool {
  /** Runs `job` on a worker. A `signal` that aborts while the job still waits takes it out of the queue. */
  run<K extends HistoryJob['kind']>(job: Extract<HistoryJob, { kind: K }>, signal?: AbortSignal): Promise<HistoryResult<K>>;
  /**
   * Starts the threads not yet running (they otherwise start with the first job) and resolves once each
   * has opened its store. A thread cancelled for its budget is replaced at once.
   */
  ready(): Promise<void>;
  /** Refuses new jobs, fails waiting and running ones, and stops every worker. */
  close(): Promise<void>;
}

interface Task {
  readonly id: number;
  readonly job: HistoryJob;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
  slot?: Slot;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker | undefined;
  task: Task | undefined;
  /** Settles when the current worker has reported ready (or stopped). */
  ready: Promise<void>;
}

/** The worker's entry: the compiled module, or the TypeScript source under tsx (tests, benches). */
function spawn(location: StoreLocation): Worker {
  const workerData = location;
  if (import.meta.url.endsWith('.ts')) {
    // tsx's hooks do not apply to a worker's entry module on Node 20, so register them first.
    const entry = new URL('./worker.ts', import.meta.url).href;
    const source = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(source, { eval: true, workerData });
  }
  return new Worker(fileURLToPath(new URL('./worker.js', import.meta.url)), { workerData });
}

/** An error the worker reported, as the type it was thrown as. */
function revive({ name, code, message, doc }: { name: string; code?: string; message: string; doc?: string }): Error {
  if (name === 'PersistenceError') return new PersistenceError(code as never, message, doc);
  if (name === 'TandemError') return new TandemError(code as never, message, doc === undefined ? {} : { doc });
  return new TandemError('internal', `History worker failed: ${message}`);
}

export function createHistoryPool(options: HistoryPoolOptions): HistoryPool {
  const slots: Slot[] = Array.from({ length: Math.max(1, options.workers) }, () => ({ worker: undefined, task: undefined, ready: Promise.resolve() }));
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;
  const retryAfterSeconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));

  const settle = (task: Task) => {
    clearTimeout(task.timer);
    if (task.onAbort !== undefined) task.onAbort();
    if (task.slot !== undefined) task.slot.task = undefined;
    task.slot = undefined;
  };

  const stopWorker = (slot: Slot) => {
    const worker = slot.worker;
    slot.worker = undefined;
    if (worker !== undefined) {
      worker.removeAllListeners();
      worker.on('error', () => {});
      void worker.terminate();
    }
  };

  const startWorker = (slot: Slot): Worker => {
    const worker = spawn(options.store);
    worker.unref();
    let markReady = () => {};
    slot.ready = new Promise((resolve) => (markReady = resolve));
    worker.on('message', (reply: WorkerReply | 'ready') => {
      if (reply === 'ready') return markReady();
      const task = slot.task;
      if (task === undefined || task.id !== reply.id) return;
      settle(task);
      if ('error' in reply) task.reject(revive(reply.error));
      else task.resolve(reply.result);
      dispatch();
    });
    const fail = (reason: string) => {
      markReady();
      if (slot.worker !== worker) return;
      options.logger.error({ event: 'history-worker-failed', reason, job: slot.task?.job.kind }, 'history worker stopped');
      const task = slot.task;
      stopWorker(slot);
      if (task !== undefined) {
        settle(task);
        task.reject(new TandemError('internal', `History worker stopped: ${reason}`, { doc: task.job.doc }));
      }
      dispatch();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    slot.worker = worker;
    return worker;
  };

  const dispatch = () => {
    for (const slot of slots) {
      if (slot.task !== undefined || queue.length === 0) continue;
      const task = queue.shift()!;
      task.slot = slot;
      slot.task = task;
      (slot.worker ?? startWorker(slot)).postMessage({ id: task.id, job: task.job } satisfies WorkerRequest);
    }
  };

  const timeout = (task: Task) => {
    const index = queue.indexOf(task);
    if (index >= 0) queue.splice(index, 1);
    const slot = task.slot;
    settle(task);
    // Terminating the thread is the only way to stop synchronous work midway; the next job starts a new one.
    if (slot !== undefined) {
      stopWorker(slot);
      if (!closed) startWorker(slot);
    }
    options.events.limitHit('history-timeout');
    options.logger.warn({ event: 'history-timeout', job: task.job.kind, doc: task.job.doc, timeoutMs: options.timeoutMs }, 'history job cancelled');
    task.reject(
      new TandemError('history-timeout', `The ${task.job.kind} took longer than ${options.timeoutMs} ms and was cancelled; try a shorter range or later`, {
        doc: task.job.doc,
        retryAfterSeconds,
      }),
    );
    dispatch();
  };

  return {
    async ready() {
      if (!closed) for (const slot of slots) if (slot.worker === undefined) startWorker(slot);
      await Promise.all(slots.map((slot) => slot.ready));
    },
    run(job, signal) {
      if (closed) return Promise.reject(new TandemError('shutting-down', 'The server is shutting down'));
      const busy = slots.every((s) => s.task !== undefined);
      if (busy && queue.length >= options.maxQueue) {
        options.events.limitHit('history-busy');
        return Promise.reject(
          new TandemError('history-busy', `${queue.length} history requests are already waiting; try again shortly`, { doc: job.doc, retryAfterSeconds: 1 }),
        );
      }
      return new Promise((resolve, reject) => {
        const task: Task = { id: nextId++, job, resolve: resolve as (r: unknown) => void, reject };
        task.timer = setTimeout(() => timeout(task), options.timeoutMs);
        if (signal !== undefined) {
          // A client that went away no longer needs a job that has not started; one that has started
          // runs on (within its budget) rather than paying for a new thread.
          const abort = () => {
            const index = queue.indexOf(task);
            if (index < 0) return;
            queue.splice(index, 1);
            settle(task);
            reject(new TandemError('bad-request', 'The request was aborted'));
          };
          signal.addEventListener('abort', abort, { once: true });
          task.onAbort = () => signal.removeEventListener('abort', abort);
        }
        queue.push(task);
        dispatch();
      });
    },
    async close() {
      closed = true;
      const error = new TandemError('shutting-down', 'The server is shutting down');
      for (const task of queue.splice(0)) (settle(task), task.reject(error));
      await Promise.all(
        slots.map(async (slot) => {
          const task = slot.task;
          const worker = slot.worker;
          if (task !== undefined) (settle(task), task.reject(error));
          slot.worker = undefined;
          if (worker !== undefined) {
            worker.removeAllListeners();
            await worker.terminate();
          }
        }),
      );
    },
  };
}
