// Backing up and restoring the embedded store: the whole database (every update of every document,
// checkpoints and named versions), copied consistently even while a server is writing to it.

import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PersistenceError } from '../../errors.js';
import { SCHEMA_VERSION } from './schema.js';
import { sqliteStorePath, type SqliteStoreOptions, storeFileProblem } from './sqlite-store.js';

export type BackupProgress = (done: number, total: number) => void;

/** Pages copied per backup step; the event loop runs between steps. */
const PAGES_PER_STEP = 256;

export interface BackupOptions {
  /** Replace a file that exists at the backup's name (never the store itself). */
  readonly force?: boolean;
  /** Stops the copy between steps (Ctrl-C): what it wrote is removed, and it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * Writes a consistent copy of the store to `file` using SQLite's online backup, in steps. The copy
 * is of one snapshot: a read transaction stays open on the source throughout, so a server that
 * keeps committing neither waits for the backup (WAL readers do not block writers) nor makes it
 * start over (a stepped backup restarts whenever another connection changes the source).
 *
 * The copy is written under a temporary name beside `file` (`<file>.<random>.partial`), synced, and
 * only then given its name: a backup killed midway (or stopped by a full disk) never leaves a partial
 * file at the name a restore will be run from. Without `force` the name is taken by a hard link,
 * which fails if a file appeared there meanwhile.
 */
export async function backupSqliteStore(options: SqliteStoreOptions, file: string, onProgress?: BackupProgress, { force = false, signal }: BackupOptions = {}): Promise<void> {
  const source = sqliteStorePath(options);
  const problem = storeFileProblem(source);
  if (problem !== undefined) throw problem;
  const target = path.resolve(file);
  if (isStoreFile(source, target)) throw new PersistenceError('invalid-argument', `${target} is the store itself (or its WAL): write the backup elsewhere`);
  if (statSync(target, { throwIfNoEntry: false })?.isDirectory() === true) throw new PersistenceError('invalid-argument', `${target} is a directory: give the backup a file name`);
  if (existsSync(target) && !force) throw new PersistenceError('invalid-argument', `${target} exists already; choose a new file, or pass --force to replace it`);
  const partial = `${target}.${randomBytes(4).toString('hex')}.partial`;
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM documents').get(); // starts the read snapshot
    await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress?.(totalPages - remainingPages, totalPages);
        signal?.throwIfAborted(); // better-sqlite3 then closes the copy and rejects
        return PAGES_PER_STEP;
      },
    });
    signal?.throwIfAborted();
    fsyncFile(partial);
  } catch (cause) {
    removePartial(partial);
    if (signal?.aborted === true) {
      const why = signal.reason instanceof Error ? signal.reason.message : 'stopped';
      throw new PersistenceError('write-failed', `${why}: the backup to ${target} stopped and nothing was written there`, undefined, { cause });
    }
    throw new PersistenceError('write-failed', `Backup to ${target} failed (nothing was written there): ${(cause as Error).message}`, undefined, { cause });
  } finally {
    if (db.inTransaction) db.exec('COMMIT');
    db.close();
  }
  try {
    if (force) renameSync(partial, target);
    else linkSync(partial, target);
  } catch (cause) {
    removePartial(partial);
    const exists = (cause as NodeJS.ErrnoException).code === 'EEXIST';
    const message = exists ? `${target} was created while the backup ran; nothing was written over it` : `Backup to ${target} failed (nothing was written there): ${(cause as Error).message}`;
    throw new PersistenceError(exists ? 'invalid-argument' : 'write-failed', message, undefined, { cause });
  }
  removePartial(partial); // the hard link's other name
  fsyncFile(path.dirname(target));
}

function removePartial(partial: string): void {
  for (const leftover of [partial, `${partial}-journal`]) rmSync(leftover, { force: true });
}

/** Whether `file` is the store at `store` or one of the files SQLite keeps beside it, by path or by inode. */
export function isStoreFile(store: string, file: string): boolean {
  const real = (name: string) => {
    try {
      return realpathSync(name);
    } catch {
      return path.join(realpathOrSelf(path.dirname(name)), path.basename(name));
    }
  };
  const storeReal = real(store);
  const fileReal = real(file);
  if (['', '-wal', '-shm', '-journal'].some((suffix) => storeReal + suffix === fileReal)) return true;
  const a = statSync(store, { throwIfNoEntry: false });
  const b = statSync(file, { throwIfNoEntry: false });
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

function realpathOrSelf(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

export interface RestoreResult {
  readonly documents: number;
  /** Where the replaced store was kept (with its WAL, if it had one), if there was one. */
  readonly keptAs?: string;
}

/**
 * Replaces the store with the backup in `file` after checking that it is a Tandem store. Refuses to
 * overwrite an existing store unless `force`, and refuses while any other process has it open. The
 * old store is kept whole beside it as `<name>.before-restore` (`.1`, `.2`… if that exists).
 */
export function restoreSqliteStore(options: SqliteStoreOptions, file: string, { force = false } = {}): RestoreResult {
  const target = sqliteStorePath(options);
  // Moved aside before it was read, the store itself was lost as its own backup (and the data directory
  // left without a store).
  if (isStoreFile(target, path.resolve(file))) throw new PersistenceError('invalid-argument', `${file} is the store itself: restore from a backup kept elsewhere`);
  const documents = checkSqliteBackup(file);
  const hasStore = existsSync(target);
  if (hasStore && !force) {
    throw new PersistenceError('invalid-argument', `A store exists at ${target}; stop the server and pass --force to replace it`);
  }
  mkdirSync(options.dataDir, { recursive: true });
  // The restored store belongs to whoever owned the old one (a restore run as root must not leave the
  // server's user a database it cannot write).
  const owner = hasStore ? statSync(target) : undefined;
  if (hasStore) settle(target);
  // The copy is made whole on disk before the old store is touched: a copy that fails (a full disk, a
  // kill) leaves the old store where the server looks for it, not only beside it as before-restore.
  const partial = `${target}.restoring`;
  rmSync(partial, { force: true });
  const source = new Database(file, { readonly: true });
  try {
    // VACUUM INTO writes a clean, compact copy in one step; it becomes the store only once on disk.
    source.prepare('VACUUM INTO ?').run(partial);
    if (owner !== undefined && process.getuid?.() === 0) chownSync(partial, owner.uid, owner.gid);
    fsyncFile(partial);
  } catch (cause) {
    rmSync(partial, { force: true });
    throw new PersistenceError('write-failed', `Restoring into ${target} failed, the store left as it was: ${(cause as Error).message}`, undefined, { cause });
  } finally {
    source.close();
  }
  // Asked again now that the copy is made: a process that opened the store while it was written (the
  // data directory's lock keeps servers out, not the other tandem commands) would go on writing into
  // the store moved aside, its writes lost to the restored one.
  if (hasStore) {
    try {
      settle(target);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
  }
  let keptAs: string | undefined;
  if (hasStore || existsSync(`${target}-wal`)) {
    keptAs = freeName(`${target}.before-restore`);
    // The database file with its WAL and shared-memory files: a WAL left behind would be replayed
    // into the restored store, and one moved without its database would be lost.
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, keptAs + suffix);
  }
  renameSync(partial, target);
  fsyncFile(options.dataDir);
  return { documents, keptAs };
}

/** The number of documents in the backup `file`, after checking it is a Tandem store this server reads (PersistenceError if not). */
export function checkSqliteBackup(file: string): number {
  try {
    const probe = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const version = probe.pragma('user_version', { simple: true }) as number;
      if (version < 1 || version > SCHEMA_VERSION) throw new Error(`schema version ${version} is not one this server reads`);
      const check = probe.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
      return (probe.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
    } finally {
      probe.close();
    }
  } catch (cause) {
    throw new PersistenceError('corrupt-data', `${file} is not a usable Tandem backup: ${(cause as Error).message}`, undefined, { cause });
  }
}

/**
 * Makes sure no other process has the store open (SQLite's own file locks, so this also sees a
 * server on another container of the same host, or a running `tandem` command), then moves what
 * its WAL holds into the database file. A store SQLite cannot open (the reason for a restore,
 * perhaps) is left as it is: it is moved aside with its WAL either way.
 */
function settle(target: string): void {
  let db: Database.Database;
  try {
    db = new Database(target, { fileMustExist: true, timeout: 0 });
  } catch {
    return;
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (cause) {
    if (String((cause as { code?: unknown }).code).startsWith('SQLITE_BUSY')) {
      throw new PersistenceError('busy', `The store at ${target} is open in another process (a server, or a tandem command): stop it first`, undefined, { cause });
    }
  } finally {
    db.close();
  }
}

function freeName(base: string): string {
  let name = base;
  for (let n = 1; existsSync(name) || existsSync(`${name}-wal`); n += 1) name = `${base}.${n}`;
  return name;
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

