// A lock on a file held by the operating system for as long as this process keeps it: SQLite's own
// file lock (fcntl on Unix, LockFileEx on Windows), taken through an empty database that is never written.
// The kernel drops it when the process ends however it ends (kill -9 included), so it is never stale,
// and two processes (or two callers in one process) can never both hold it. Node has no flock of its own.

import Database from 'better-sqlite3';

export interface ProcessLock {
  /** Gives the lock back (closing the database). Idempotent. */
  release(): void;
}

/**
 * Takes the lock on `file` (created if missing, never deleted: a lock file removed while another process
 * waits on it would let a third lock a new file of the same name) or returns undefined at once if another
 * holder has it. Other errors (a directory this user may not write) are thrown as they are.
 */
export function tryProcessLock(file: string): ProcessLock | undefined {
  const db = new Database(file, { timeout: 0 });
  try {
    // In exclusive locking mode a connection keeps the lock it took until it closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return undefined;
    throw error;
  }
  let held = true;
  return {
    release: () => {
      if (held) db.close();
      held = false;
    },
  };
}
