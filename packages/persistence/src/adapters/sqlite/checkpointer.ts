// Who copies the SQLite store's WAL into its database file. SQLite's automatic checkpoint runs inside a
// commit, on the committing thread (the server's event loop), and syncs the database file there: a stall
// of tens of ms for every client, every ~1000 pages written. The store turns it off (wal_autocheckpoint = 0)
// and this checkpointer runs PASSIVE checkpoints on a worker thread (checkpoint-worker.ts) with its own
// connection: a checkpoint never takes the writer's lock, so commits go on while it copies and syncs.
//
// The worker polls the wal-index (wal-index.ts: one 100-byte read) instead of hearing from the writer after
// each commit: the event loop pays nothing per commit (no message, no system call), and the commit path
// needs no hook. Between two polls the WAL can outgrow the threshold by one poll's worth of writes.
//
// The WAL is rewound (written again from its start) only by a commit that finds every frame already
// copied. A checkpoint beside a busy writer always ends a few commits behind, so the worker runs a short
// catch-up checkpoint after the bulk, and when even that overlaps commits, it asks the store to hold its
// next commits back for one more (gate(); the store's thread goes on, only those commits wait). A reader
// that pins an old snapshot (a history thread) keeps the WAL from rewinding until it lets go; the WAL file
// then grows, and is cut back to journal_size_limit at the next rewind.

import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { PersistenceError } from '../../errors.js';
import type { CheckpointWorkerData, CheckpointWorkerMessage } from './checkpoint-worker.js';

/** What one background checkpoint did, or why it failed; for logs and metrics. */
export type WalCheckpointReport =
  | {
      readonly ok: true;
      readonly durationMs: number;
      /** Frames in the WAL when the checkpoint ran. */
      readonly walFrames: number;
      /** Pages this checkpoint copied into the database file. */
      readonly copiedPages: number;
      /** Frames it left in the WAL: written meanwhile, or pinned by a reader's older snapshot. */
      readonly remainingFrames: number;
      /** Size of the WAL file; it shrinks only when the WAL is rewound past journal_size_limit, or on close. */
      readonly walBytes: number;
      readonly pageSize: number;
      /** Whether the store's commits were held back for it (see Checkpointer.gate). */
      readonly held: boolean;
    }
  | {
      readonly ok: false;
      readonly durationMs: number;
      /** The checkpoint failed (retried later, with back-off), or the thread could not start or stopped. */
      readonly error: PersistenceError;
    };

/** How the store's WAL is checkpointed (SqliteStoreOptions.walCheckpoints). */
export interface WalCheckpointOptions {
  /**
   * `worker` (default): PASSIVE checkpoints on a thread of their own. `inline`: SQLite's automatic
   * checkpoint inside the commit that crosses 1000 pages, on the caller's thread (the old way; kept to
   * measure against).
   */
  readonly mode?: 'worker' | 'inline';
  /** WAL pages (frames) not yet in the database file that start a checkpoint; default 1000, SQLite's own. */
  readonly pages?: number;
  /** How often the checkpointer looks at the WAL (one 100-byte read of the wal-index); default 100 ms. */
  readonly pollMs?: number;
  /** Told about every background checkpoint and failure (logs, metrics); called on the store's thread. */
  readonly onReport?: (report: WalCheckpointReport) => void;
}

export const DEFAULT_CHECKPOINT_PAGES = 1000;
export const DEFAULT_CHECKPOINT_POLL_MS = 100;
/**
 * A WAL file longer than this many times the threshold is cut back to it when the writer next rewinds
 * the WAL. It grows that long only while a reader pins an old snapshot (the WAL cannot be rewound then)
 * or a writer outpaces the disk; the cut is one ftruncate on the writer's thread, once after such an
 * episode. Well above the WAL's steady size (about HOLD_FACTOR times the threshold under full load), so
 * that the file is not cut and grown again every cycle: a commit that extends the file costs its flush
 * a journal commit, one that overwrites does not.
 */
const JOURNAL_LIMIT_FACTOR = 16;
/**
 * Commits are held back (gate()) only once the WAL has grown to this many times the threshold without
 * being rewound: below it, unheld catch-up checkpoints on the next polls usually find a gap between
 * commits, and a hold costs every waiting commit its length.
 */
const HOLD_FACTOR = 4;

/**
 * Takes WAL checkpoints away from the writer connection `db` and hands them to a checkpointer thread;
 * undefined (SQLite checkpoints inline, as by default) for mode `inline`.
 */
export function takeOverCheckpoints(db: Database.Database, file: string, options: WalCheckpointOptions = {}): Checkpointer | undefined {
  if (options.mode === 'inline') return undefined;
  const pages = options.pages ?? DEFAULT_CHECKPOINT_PAGES;
  if (!Number.isSafeInteger(pages) || pages < 1) throw new PersistenceError('invalid-argument', `WAL checkpoint threshold must be a positive number of pages, not ${pages}`);
  db.pragma('wal_autocheckpoint = 0');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`journal_size_limit = ${JOURNAL_LIMIT_FACTOR * pages * pageSize}`);
  return startCheckpointer({ file, pages, pollMs: options.pollMs ?? DEFAULT_CHECKPOINT_POLL_MS, onReport: options.onReport });
}

export interface CheckpointerOptions {
  /** The database file. */
  readonly file: string;
  /** Checkpoint once the WAL holds this many frames (pages) not yet in the database file. */
  readonly pages: number;
  readonly pollMs: number;
  readonly onReport?: (report: WalCheckpointReport) => void;
}

export interface Checkpointer {
  /**
   * Undefined when a commit may go ahead (nearly always); else a promise that settles when it may. The
   * checkpointer asks commits to wait while it copies the WAL's last few frames, when a writer at full
   * speed leaves no gap between commits for it to finish in (see checkpoint-worker.ts). It is a wait for
   * the commit, not for the thread: the event loop goes on. Capped at MAX_HOLD_MS; waiting commits keep
   * their order.
   */
  gate(): Promise<void> | undefined;
  /** Waits for a checkpoint in progress, then closes the thread's connection and ends the thread. */
  stop(): Promise<void>;
}

/**
 * The longest a commit waits for the checkpointer. A hold lasts one checkpoint of a few frames (about a
 * millisecond here); a longer one is a stalling disk, which the commit's own flush will wait for anyway.
 * A commit released early at worst keeps the WAL from rewinding this time.
 */
const MAX_HOLD_MS = 10;

/** The worker's entry: the compiled module, or the TypeScript source under tsx or vitest. */
function spawn(workerData: CheckpointWorkerData): Worker {
  if (import.meta.url.endsWith('.ts')) {
    // tsx's hooks do not apply to a worker's entry module on Node 20, so register them first.
    const entry = new URL('./checkpoint-worker.ts', import.meta.url).href;
    const source = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(source, { eval: true, workerData });
  }
  return new Worker(fileURLToPath(new URL('./checkpoint-worker.js', import.meta.url)), { workerData });
}

export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  const report = options.onReport ?? (() => {});
  const hold = new SharedArrayBuffer(4);
  const holding = new Int32Array(hold);
  const worker = spawn({ file: options.file, pages: options.pages, pollMs: options.pollMs, hold, holdFrames: HOLD_FACTOR * options.pages });
  // Like a timer that nobody waits on: a store that is never closed does not keep the process alive.
  worker.unref();
  let ready = false;
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let held: Promise<void> | undefined;
  let release = (): void => {};
  const releaseCommits = (): void => {
    const done = release;
    held = undefined;
    release = () => {};
    done();
  };

  worker.on('message', (message: CheckpointWorkerMessage) => {
    if (message.kind === 'ready') {
      ready = true;
    } else if (message.kind === 'released') {
      releaseCommits();
    } else if (message.kind === 'checkpointed') {
      const { durationMs, walFrames, copiedFrames, remainingFrames, walBytes, pageSize, held } = message;
      report({ ok: true, durationMs, walFrames, copiedPages: copiedFrames, remainingFrames, walBytes, pageSize, held });
    } else {
      const what = message.phase === 'open' ? `Opening the WAL checkpointer's connection to ${options.file}` : `Checkpointing the WAL of ${options.file}`;
      const error = new PersistenceError('write-failed', `${what} failed: ${message.message}`, undefined, { cause: { code: message.code } });
      report({ ok: false, durationMs: message.durationMs, error });
    }
  });
  worker.on('error', (cause) => {
    report({ ok: false, durationMs: 0, error: new PersistenceError('write-failed', `WAL checkpointer of ${options.file} stopped: ${cause.message}`, undefined, { cause }) });
  });
  worker.on('exit', (code) => {
    releaseCommits();
    // Without the thread the WAL only grows (until the store closes): say so, unless it was asked to stop
    // or stopped itself after reporting why (a connection it could not open).
    if (!stopping && code !== 0) report({ ok: false, durationMs: 0, error: new PersistenceError('write-failed', `WAL checkpointer of ${options.file} exited (code ${code})`) });
  });

  return {
    gate() {
      if (held !== undefined) return held;
      if (Atomics.load(holding, 0) === 0) return undefined;
      held = new Promise<void>((resolve) => {
        const timer = setTimeout(releaseCommits, MAX_HOLD_MS);
        release = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      return held;
    },
    async stop() {
      if (!stopping) {
        stopping = true;
        // Awaited by close(): the process must not end while the thread finishes.
        worker.ref();
        // A thread still starting has opened nothing worth a goodbye (better-sqlite3 closes what a
        // terminated thread had open); a running one finishes its checkpoint and closes its connection.
        if (ready) worker.postMessage('stop');
        else void worker.terminate();
      }
      await exited;
    },
  };
}
