// Entry of the WAL checkpointer thread (started by checkpointer.ts): its own connection to the store's
// file, which copies the WAL into the database file with PASSIVE checkpoints once the WAL holds enough
// frames. Everything slow here (reading the WAL, writing and syncing the database file) happens on
// this thread; the server's thread never waits for it, and PASSIVE never takes the writer's lock.

import { closeSync, openSync, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { readWalIndex, type WalIndexState } from './wal-index.js';

export interface CheckpointWorkerData {
  readonly file: string;
  /** Checkpoint once the WAL holds this many frames not yet in the database file. */
  readonly pages: number;
  /** How often the wal-index is looked at. */
  readonly pollMs: number;
  /** One Int32 the worker sets while the writer's next commits should wait (see checkpointer.ts). */
  readonly hold: SharedArrayBuffer;
  /** A WAL this many frames long, still not rewound, is caught up with commits held back. */
  readonly holdFrames: number;
}

export type CheckpointWorkerMessage =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'checkpointed';
      readonly durationMs: number;
      /** Frames in the WAL when the checkpoint ran. */
      readonly walFrames: number;
      /** Frames this checkpoint copied into the database file. */
      readonly copiedFrames: number;
      /** Frames left in the WAL: written during the checkpoint, or held back by a reader's older snapshot. */
      readonly remainingFrames: number;
      readonly walBytes: number;
      readonly pageSize: number;
      /** Whether the writer's commits were held back during it. */
      readonly held: boolean;
    }
  | { readonly kind: 'released' }
  | { readonly kind: 'failed'; readonly phase: 'open' | 'checkpoint'; readonly message: string; readonly code?: string; readonly durationMs: number };

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

const MAX_BACKOFF_MS = 30_000;

const port = parentPort!;
const { file, pages, pollMs, hold: holdBuffer, holdFrames } = workerData as CheckpointWorkerData;
const hold = new Int32Array(holdBuffer);
let db: Database.Database | undefined;
let shm: number | undefined;
let failures = 0;
let nextAttemptAt = 0;

const failed = (phase: 'open' | 'checkpoint', error: unknown, durationMs: number): CheckpointWorkerMessage => {
  const e = error as Error & { code?: unknown };
  return { kind: 'failed', phase, message: e.message ?? String(error), code: typeof e.code === 'string' ? e.code : undefined, durationMs };
};

function walBytes(): number {
  return statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
}

/** One PASSIVE checkpoint; returns the frames it left in the WAL, or undefined if it failed. */
function checkpoint(db: Database.Database, backfilledBefore: number, pageSize: number): { remaining: number; copied: number } | undefined {
  const started = performance.now();
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
    const durationMs = performance.now() - started;
    const copied = Math.max(0, row!.checkpointed - backfilledBefore);
    const remaining = Math.max(0, row!.log - row!.checkpointed);
    const held = Atomics.load(hold, 0) === 1;
    port.postMessage({ kind: 'checkpointed', durationMs, walFrames: row!.log, copiedFrames: copied, remainingFrames: remaining, walBytes: walBytes(), pageSize, held } satisfies CheckpointWorkerMessage);
    failures = 0;
    return { remaining, copied };
  } catch (error) {
    // The WAL still holds every frame (a checkpoint only copies them, and SQLite records what it copied
    // only after the database file is synced): try again later, backing off while the disk misbehaves.
    failures += 1;
    nextAttemptAt = Date.now() + Math.min(MAX_BACKOFF_MS, pollMs * 2 ** failures);
    port.postMessage(failed('checkpoint', error, performance.now() - started));
    return undefined;
  }
}

/**
 * Up to `rounds` checkpoints back to back; true once every frame is in the database file (the writer's
 * next commit rewinds the WAL), false if more wait. Undefined to give up until the next poll: a failure,
 * or no progress because a reader pins the rest (the WAL cannot be rewound until it lets go).
 */
function catchUp(db: Database.Database, shm: number, state: WalIndexState, rounds: number): boolean | undefined {
  for (let round = 0; round < rounds; round++) {
    const result = checkpoint(db, state.backfilled, state.pageSize);
    if (result === undefined || result.copied === 0) return undefined;
    const next = readWalIndex(shm);
    if (next === undefined) return undefined;
    if (next.frames === next.backfilled) return true;
    state = next;
  }
  return false;
}

function poll(): void {
  if (db === undefined || shm === undefined || Date.now() < nextAttemptAt) return;
  // A wal-index that cannot be read this time (a write in flight) is read again on the next poll.
  const state = readWalIndex(shm);
  // Checkpoint when the WAL holds enough frames and not all are in the database file yet. SQLite rewinds
  // the WAL (the writer starts again at its beginning) only at a commit that finds every frame already
  // copied; a checkpoint that overlapped commits leaves theirs behind, so a long WAL keeps being caught up.
  if (state === undefined || state.frames === state.backfilled || state.frames < pages) return;
  // The bulk, then what was committed meanwhile: at most loads a commit-free millisecond comes soon, and
  // the next polls try again.
  if (catchUp(db, shm, state, 2) !== false) return;
  const now = readWalIndex(shm);
  if (now === undefined || now.frames < holdFrames) return;
  // The WAL keeps growing: commits land during every checkpoint (a writer at full speed). Hold the next
  // ones back for one short checkpoint of the last few frames. The writer's thread never waits; its next
  // commits do, for a few ms at most (checkpointer.ts caps it), about once per `holdFrames` frames.
  Atomics.store(hold, 0, 1);
  try {
    if (now.frames !== now.backfilled) catchUp(db, shm, now, 2);
  } finally {
    Atomics.store(hold, 0, 0);
    port.postMessage({ kind: 'released' } satisfies CheckpointWorkerMessage);
  }
}

function stop(): void {
  clearInterval(timer);
  try {
    db?.close();
  } finally {
    if (shm !== undefined) closeSync(shm);
    port.close();
  }
}

const timer = setInterval(poll, pollMs);
port.on('message', (message: 'stop') => {
  if (message === 'stop') stop();
});

const opening = performance.now();
try {
  db = new Database(file, { fileMustExist: true });
  // This connection never writes; it must not checkpoint on its own terms either.
  db.pragma('wal_autocheckpoint = 0');
  // The -shm file exists while a connection (this one, at least) has the database open in WAL mode.
  db.pragma('schema_version');
  shm = openSync(`${file}-shm`, 'r');
  port.postMessage({ kind: 'ready' } satisfies CheckpointWorkerMessage);
} catch (error) {
  port.postMessage(failed('open', error, performance.now() - opening));
  stop();
}
