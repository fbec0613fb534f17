// A lock on a file held by the operating system for as long as this process keeps it: SQLite's own
// file lock (fcntl on Unix), taken through a small database that holds nothing. The kernel drops it
// when the process ends however it ends (kill -9 included), so it is never stale, and two processes
// (or two callers in one process) can never both hold it. Node has no flock of its own.
//
// fcntl locks belong to the process and go with the first close() of *any* descriptor of the file in
// it: nothing else in the process may open the lock file (SQLite's own second connection is safe: it
// keeps its descriptors until the last connection closes).

import { accessSync, closeSync, constants, fchmodSync, fchownSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface ProcessLock {
  /** Gives the lock back (closing the database). Idempotent. */
  release(): void;
}

/** The lock file cannot be used by this process: it may not write it (the errno), or it is not a lock file. */
export class ProcessLockError extends Error {
  override readonly name = 'ProcessLockError';

  constructor(
    readonly file: string,
    /** Why: an errno (EACCES, EROFS…: a read-only handle's lock would exclude no one), or 'unusable'. */
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** How long a lock another process holds is waited for before it counts as held (see tryProcessLock). */
export const PASSING_LOCK_WAIT_MS = 1_000;

const WHY: Readonly<Record<string, string>> = { EACCES: 'permission denied', EPERM: 'operation not permitted', EROFS: 'read-only file system', ENOENT: 'no such directory' };

/**
 * Takes the lock on `file` (created if missing, and never deleted: a lock file removed while another process
 * waits on it would let a third lock a new file of the same name) or returns undefined if another holder has
 * it (after PASSING_LOCK_WAIT_MS). A file it creates gets its directory's group and other write bits, and run as root, the
 * directory's owner (the user a server runs as, when root runs a `tandem` command there): best effort.
 * Throws ProcessLockError if the file cannot serve.
 */
export function tryProcessLock(file: string): ProcessLock | undefined {
  const made = makeLikeItsDirectory(file);
  // SQLite would open a file this user may not write read-only (and a read-only handle's lock excludes no
  // one): refused here with the errno, and by the write below if it happens anyway (a sticky directory's
  // protected_regular, permissions changed meanwhile).
  const denied = made ? undefined : cannotWrite(file);
  if (denied !== undefined) {
    throw new ProcessLockError(file, denied, `cannot take ${file}: ${WHY[denied] ?? denied} (uid ${process.getuid?.()}): run as the user that owns the data directory`);
  }
  let db: Database.Database;
  try {
    // Another process starting at the same moment holds the file's lock for a few milliseconds between its
    // own steps: waited for (SQLite's busy timeout), or five servers started at once could each meet another's
    // passing lock and all give up, none holding it. A holder keeps it: given up on after the wait.
    db = new Database(file, { timeout: PASSING_LOCK_WAIT_MS });
  } catch (error) {
    throw new ProcessLockError(file, 'unusable', `cannot open ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    // No journal file beside it (its journal, of one header, in memory); in exclusive locking mode a
    // connection keeps the lock it took until it closes. The write proves the handle may write.
    db.pragma('journal_mode = MEMORY');
    // Exclusive locking mode (the lock kept after the commit) only once the lock is ours: set before, it kept
    // the read lock of the first step while waiting for the write lock, and two processes starting at once
    // each waited for the other's (SQLite lets go of its read lock between tries only in normal mode).
    db.exec('BEGIN EXCLUSIVE; PRAGMA user_version = 1; PRAGMA locking_mode = EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    const code = String((error as { code?: unknown }).code);
    if (code.startsWith('SQLITE_BUSY')) return undefined;
    if (code.startsWith('SQLITE_READONLY')) {
      throw new ProcessLockError(file, 'EACCES', `cannot take ${file}: permission denied, opened read-only (uid ${process.getuid?.()}): run as the user that owns the data directory`, { cause: error });
    }
    throw new ProcessLockError(file, 'unusable', `cannot lock ${file}: ${(error as Error).message} (if no Tandem process runs on this directory, remove the file)`, { cause: error });
  }
  let held = true;
  return {
    release: () => {
      if (held) db.close();
      held = false;
    },
  };
}

/**
 * Makes `file` if it is missing (true), with its directory's group and other write bits (SQLite would make
 * it 0644 whatever the umask) and, run as root, its directory's owner: best effort, as a filesystem that
 * keeps no owners (vfat, a user namespace's unmapped uid) keeps it as made. A file that exists is left as it
 * is (false): it may be a holder's. Made before SQLite opens it, so that nothing here closes a descriptor of
 * a file this process holds the lock on.
 */
function makeLikeItsDirectory(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new ProcessLockError(file, code ?? 'unusable', `cannot take ${file}: ${WHY[code ?? ''] ?? (error as Error).message} (uid ${process.getuid?.()}): run as the user that owns the data directory`, { cause: error });
  }
  try {
    const dir = statSync(path.dirname(file));
    try {
      fchmodSync(fd, 0o644 | (dir.mode & 0o022));
      if (process.getuid?.() === 0) fchownSync(fd, dir.uid, dir.gid);
    } catch {
      // kept as made
    }
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The errno that keeps this process from writing `file`, if any. */
function cannotWrite(file: string): string | undefined {
  try {
    accessSync(file, constants.W_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EACCES';
  }
}
