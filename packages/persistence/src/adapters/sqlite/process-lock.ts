// A lock on a file held by the operating system for as long as this process keeps it: SQLite's own
// file lock (fcntl on Unix), taken through a small database that holds nothing. The kernel drops it
// when the process ends however it ends (kill -9 included), so it is never stale, and two processes
// (or two callers in one process) can never both hold it. Node has no flock of its own.
//
// fcntl locks belong to the process and go with the first close() of *any* descriptor of the file in
// it: nothing else in the process may open the lock file (SQLite's own second connection is safe: it
// keeps its descriptors until the last connection closes).

import { accessSync, chmodSync, chownSync, constants, type Stats, statSync } from 'node:fs';
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

const WHY: Readonly<Record<string, string>> = { EACCES: 'permission denied', EPERM: 'operation not permitted', EROFS: 'read-only file system', ENOENT: 'no such directory' };

/**
 * Takes the lock on `file` (created if missing, and never deleted: a lock file removed while another process
 * waits on it would let a third lock a new file of the same name) or returns undefined at once if another
 * holder has it. A file it creates gets its directory's group and other write bits, and run as root, the
 * directory's owner (the user a server runs as, when root runs a `tandem` command there): best effort.
 * Throws ProcessLockError if the file cannot serve.
 */
export function tryProcessLock(file: string): ProcessLock | undefined {
  const before = statSync(file, { throwIfNoEntry: false });
  // SQLite would open a file this user may not write read-only, and a read-only handle's lock excludes no one.
  const denied = cannotWrite(before === undefined ? path.dirname(file) : file, before === undefined ? 'dir' : 'file');
  if (denied !== undefined) {
    throw new ProcessLockError(file, denied, `cannot take ${file}: ${WHY[denied] ?? denied} (uid ${process.getuid?.()}): run as the user that owns the data directory`);
  }
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 0 });
  } catch (error) {
    throw new ProcessLockError(file, 'unusable', `cannot open ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (before === undefined) shareLikeItsDirectory(file);
  try {
    // No journal file beside it (its journal, of nothing, in memory); in exclusive locking mode a connection
    // keeps the lock it took until it closes.
    db.pragma('journal_mode = MEMORY');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return undefined;
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

/** Best effort: a filesystem that keeps no owners or modes (vfat, a user namespace's unmapped uid) keeps the file as made. */
function shareLikeItsDirectory(file: string): void {
  let dir: Stats;
  try {
    dir = statSync(path.dirname(file));
    // SQLite makes it 0644 whatever the umask: a group that may write the directory may take its lock too.
    chmodSync(file, 0o644 | (dir.mode & 0o022));
    if (process.getuid?.() === 0) chownSync(file, dir.uid, dir.gid);
  } catch {
    // left as SQLite made it
  }
}

/** The errno that keeps this process from writing `target` (a file; a directory: creating files in it), if any. */
function cannotWrite(target: string, kind: 'file' | 'dir'): string | undefined {
  try {
    accessSync(target, kind === 'file' ? constants.W_OK : constants.W_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EACCES';
    // Made meanwhile by another process (or gone): SQLite's own open decides.
    return code === 'ENOENT' && kind === 'file' ? undefined : code;
  }
}
