// A lock on a file held by the operating system for as long as this process keeps it: SQLite's own
// file lock (fcntl on Unix), taken through a small database that holds nothing. The kernel drops it
// when the process ends however it ends (kill -9 included), so it is never stale, and two processes
// (or two callers in one process) can never both hold it. Node has no flock of its own.

import { accessSync, chownSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface ProcessLock {
  /** Gives the lock back (closing the database). Idempotent. */
  release(): void;
}

/** The lock file cannot be used by this process: it may not write it, or it is not a lock file. */
export class ProcessLockError extends Error {
  override readonly name = 'ProcessLockError';

  constructor(
    readonly file: string,
    /** 'EACCES' when this user may not write the file (a read-only open takes no lock: it would exclude no one). */
    readonly code: 'EACCES' | 'unusable',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Takes the lock on `file` (created if missing, never deleted: a lock file removed while another process
 * waits on it would let a third lock a new file of the same name) or returns undefined at once if another
 * holder has it. Run as root, a file it creates is given to the owner of its directory (the user the server
 * runs as, when root runs a `tandem` command there). Throws ProcessLockError if the file cannot serve.
 */
export function tryProcessLock(file: string): ProcessLock | undefined {
  // SQLite would open a file this user may not write read-only, and a read-only handle's lock excludes no one.
  if (!mayWrite(file, 'file')) {
    throw new ProcessLockError(file, 'EACCES', `${file} is not writable by this user (permission denied, uid ${process.getuid?.()}): run as the user that owns the data directory`);
  }
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 0 });
  } catch (error) {
    const denied = !mayWrite(path.dirname(file), 'dir');
    throw new ProcessLockError(file, denied ? 'EACCES' : 'unusable', `cannot open ${file}: ${denied ? 'permission denied' : (error as Error).message}`, { cause: error });
  }
  try {
    if (process.getuid?.() === 0) {
      const [own, dir] = [statSync(file), statSync(path.dirname(file))];
      if (own.uid !== dir.uid || own.gid !== dir.gid) chownSync(file, dir.uid, dir.gid);
    }
    // No journal file beside it (its journal, of nothing, in memory); in exclusive locking mode a connection keeps the lock it took until it closes.
    db.pragma('journal_mode = MEMORY');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return undefined;
    throw new ProcessLockError(file, 'unusable', `cannot lock ${file}: ${(error as Error).message} (if no Tandem process runs on this directory, delete the file)`, { cause: error });
  }
  let held = true;
  return {
    release: () => {
      if (held) db.close();
      held = false;
    },
  };
}

/** Whether this process may write `target` (a file: true if it does not exist yet; a directory: create files in it). */
function mayWrite(target: string, kind: 'file' | 'dir'): boolean {
  try {
    accessSync(target, kind === 'file' ? constants.W_OK : constants.W_OK | constants.X_OK);
    return true;
  } catch (error) {
    return kind === 'file' && (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
