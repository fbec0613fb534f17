// Which engine holds the log, as plain data: the server decides once, and passes the same location to
// its history threads, which open their own read-only connection from it.

import type { DocumentStore } from '../types.js';
import { openPostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';

/** Plain data (it crosses to worker threads): no functions. */
export type StoreLocation =
  | { readonly engine: 'sqlite'; readonly sqlite: Omit<SqliteStoreOptions, 'openForSync' | 'walCheckpoints'> }
  | { readonly engine: 'postgres'; readonly postgres: PostgresStoreOptions };

export async function openStore(location: StoreLocation, overrides: { readonly readOnly?: boolean } = {}): Promise<DocumentStore> {
  if (location.engine === 'sqlite') return openSqliteStore({ ...location.sqlite, ...overrides });
  return openPostgresStore({ ...location.postgres, ...overrides });
}
