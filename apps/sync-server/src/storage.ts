// Opens the store the configuration names: SQLite in DATA_DIR (the embedded default, one server per
// directory) or PostgreSQL at DATABASE_URL (several instances may share it). Returns what the rest of
// the server needs to know about it, whichever engine it is.

import { statSync } from 'node:fs';
import {
  type DocumentStore,
  openPostgresStore,
  openSqliteStore,
  type PostgresStoreOptions,
  redactUrl,
  type SqliteStoreOptions,
  type StoreLocation,
  sqliteStorePath,
  type WalCheckpointReport,
} from '@tandem/persistence';
import type { Config } from './config.js';
import { lockDataDir } from './data-dir-lock.js';

export interface ServerStorage {
  readonly store: DocumentStore;
  readonly engine: StoreLocation['engine'];
  /** Where the history threads open their own read-only connection. */
  readonly location: StoreLocation;
  /** For logs: the data directory, or the database URL without its password. */
  readonly where: string;
  /** Bytes the store occupies on disk, for the metric (known for SQLite only). */
  readonly sizeBytes?: () => number;
  /**
   * True when a failed write leaves the store refusing writes until a restart (SQLite after a failed
   * flush); false when writes fail only while the database is away (PostgreSQL).
   */
  readonly failuresAreFinal: boolean;
  /** Gives the data directory back (SQLite); call after the store is closed. */
  release(): void;
}

export interface StorageHooks {
  /** How the SQLite store opens its WAL for flushing (tests stand in for a failing disk). */
  readonly openForSync?: SqliteStoreOptions['openForSync'];
  readonly onWalCheckpoint?: (report: WalCheckpointReport) => void;
  /** SQLite is about to ignore complete commits of a damaged WAL, copied aside first (see wal-scan.ts). */
  readonly onWalIgnored?: SqliteStoreOptions['onWalIgnored'];
}

/** The database in DATABASE_URL could not be reached or prepared at start-up: the process exits 2. */
export class StorageUnreachableError extends Error {
  override readonly name = 'StorageUnreachableError';
  readonly exitCode = 2;
}

export function postgresOptions(config: Config): PostgresStoreOptions | undefined {
  if (config.databaseUrl === undefined) return undefined;
  return {
    url: config.databaseUrl,
    schema: config.databaseSchema,
    poolSize: config.databasePoolSize,
    queryTimeoutMs: config.databaseQueryTimeoutMs,
    // Every mode but `none` waits for PostgreSQL's own flush at commit (see README "Durability").
    synchronousCommit: config.durability !== 'none',
  };
}

export async function openServerStorage(config: Config, hooks: StorageHooks = {}): Promise<ServerStorage> {
  const postgres = postgresOptions(config);
  if (postgres !== undefined) {
    const where = redactUrl(postgres.url);
    let store: DocumentStore;
    try {
      store = await openPostgresStore(postgres);
    } catch (cause) {
      throw new StorageUnreachableError(
        // The store's message names the URL (without its password) already.
        `cannot use the PostgreSQL database in DATABASE_URL (schema ${postgres.schema}): ${(cause as Error).message}`,
        { cause },
      );
    }
    return {
      store,
      engine: 'postgres',
      location: { engine: 'postgres', postgres: { ...postgres, poolSize: 2 } },
      where,
      failuresAreFinal: false,
      release: () => {},
    };
  }
  // One server per data directory: a second one (or a restore) would write under the first's feet.
  const lock = lockDataDir(config.dataDir, 'server');
  try {
    const sqlite = {
      dataDir: config.dataDir,
      // Every mode but `none` flushes the WAL; the room decides whether a broadcast waits for it.
      synchronous: config.durability === 'none' ? 'normal' : 'full',
      minFreeBytes: config.minFreeDiskBytes,
    } as const;
    const file = sqliteStorePath(sqlite);
    const store = openSqliteStore({
      ...sqlite,
      openForSync: hooks.openForSync,
      walCheckpoints: hooks.onWalCheckpoint === undefined ? undefined : { onReport: hooks.onWalCheckpoint },
      onWalIgnored: hooks.onWalIgnored,
    });
    return {
      store,
      engine: 'sqlite',
      location: { engine: 'sqlite', sqlite },
      where: config.dataDir,
      sizeBytes: () => ['', '-wal'].reduce((sum, suffix) => sum + (statSync(file + suffix, { throwIfNoEntry: false })?.size ?? 0), 0),
      failuresAreFinal: true,
      release: lock.release,
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
