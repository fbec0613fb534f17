// Backing up and restoring the embedded store: the whole database (every update of every document,
// checkpoints and named versions), copied consistently even while a server is writing to it.

import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PersistenceError } from '../../errors.js';
import { SCHEMA_VERSION } from './schema.js';
import { sqliteStorePath, type SqliteStoreOptions } from './sqlite-store.js';

export type BackupProgress = (done: number, total: number) => void;

/** Writes a consistent copy of the store to `file` using SQLite's online backup. */
export async function backupSqliteStore(options: SqliteStoreOptions, file: string, onProgress?: BackupProgress): Promise<void> {
  const source = sqliteStorePath(options);
  if (!existsSync(source)) throw new PersistenceError('not-found', `No store at ${source}`);
  if (existsSync(file)) throw new PersistenceError('invalid-argument', `${file} exists already; choose a new file`);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(file, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress?.(totalPages - remainingPages, totalPages);
        return 256;
      },
    });
  } catch (cause) {
    rmSync(file, { force: true });
    throw new PersistenceError('write-failed', `Backup to ${file} failed: ${(cause as Error).message}`, undefined, { cause });
  } finally {
    db.close();
  }
}

/**
 * Replaces the store with the backup in `file` after checking that it is a Tandem store. Refuses to
 * overwrite an existing store unless `force`; the old one is kept beside it as `<name>.before-restore`.
 */
export function restoreSqliteStore(options: SqliteStoreOptions, file: string, { force = false } = {}): { documents: number } {
  const target = sqliteStorePath(options);
  let documents: number;
  try {
    const probe = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const version = probe.pragma('user_version', { simple: true }) as number;
      if (version < 1 || version > SCHEMA_VERSION) throw new Error(`schema version ${version} is not one this server reads`);
      const check = probe.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
      documents = (probe.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
    } finally {
      probe.close();
    }
  } catch (cause) {
    throw new PersistenceError('corrupt-data', `${file} is not a usable Tandem backup: ${(cause as Error).message}`, undefined, { cause });
  }
  if (existsSync(target)) {
    if (!force) throw new PersistenceError('invalid-argument', `A store exists at ${target}; stop the server and pass --force to replace it`);
    renameSync(target, `${target}.before-restore`);
    for (const suffix of ['-wal', '-shm']) rmSync(target + suffix, { force: true });
  }
  const source = new Database(file, { readonly: true });
  try {
    mkdirSync(options.dataDir, { recursive: true });
    // VACUUM INTO writes a clean, compact copy in one step.
    source.prepare('VACUUM INTO ?').run(target);
  } catch (cause) {
    throw new PersistenceError('write-failed', `Restoring into ${target} failed: ${(cause as Error).message}`, undefined, { cause });
  } finally {
    source.close();
  }
  return { documents };
}
