// Connecting to PostgreSQL: one pool per store, numbers as numbers, the schema chosen per connection,
// and connection strings that never show their password in a message.

import { createRequire } from 'node:module';
import type pg from 'pg';

// pg, loaded when the first pool is made: a server on SQLite never loads it (a tenth of a second of every
// start-up; bench/server-start.ts measures it).
const require = createRequire(import.meta.url);
let loaded: typeof pg | undefined;
const pgModule = (): typeof pg => (loaded ??= require('pg') as typeof pg);

export interface PostgresConnectionOptions {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** Schema holding Tandem's tables (created if missing). Default `public`. */
  readonly schema?: string;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /**
   * A statement that runs longer is stopped by PostgreSQL itself (statement_timeout), and a wait for a
   * connection that takes longer fails; a query whose answer has not come STATEMENT_TIMEOUT_GRACE_MS after
   * that fails here too, so a database gone silent is noticed. Default 10 000.
   */
  readonly queryTimeoutMs?: number;
  /** Every transaction read-only, enforced by PostgreSQL (history threads, the CLI's reading commands). */
  readonly readOnly?: boolean;
  /**
   * `false` commits without waiting for PostgreSQL's WAL flush (synchronous_commit = off): a crash of
   * the database server may lose the last commits, never corrupt them. Default true.
   */
  readonly synchronousCommit?: boolean;
  /** Shown in pg_stat_activity. Default `tandem`. */
  readonly applicationName?: string;
}

export const DEFAULT_SCHEMA = 'public';

/** A schema name we accept: plain identifiers only, so that it travels safely in connection options. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const INT8_OID = 20;

/**
 * How much longer than PostgreSQL's statement_timeout this side waits for an answer. A statement given up
 * on here alone goes on running there: one waiting on a lock (another session's transaction) would commit
 * once the lock is let go, after its caller was told it failed (a restore retried is then stored twice). So
 * PostgreSQL stops it first and says so; this side gives up by itself only when no answer comes at all.
 */
export const STATEMENT_TIMEOUT_GRACE_MS = 1_000;

/** bigint columns (seqs, times in ms, byte counts) read as numbers: all stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pgModule().types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    for (const key of ['password', 'sslpassword']) if (parsed.searchParams.has(key)) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return '(a DATABASE_URL that is not a valid URL)';
  }
}

export function createPool(options: PostgresConnectionOptions): pg.Pool {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME.test(schema)) throw new Error(`schema ${JSON.stringify(schema)} is not a plain lower-case identifier`);
  const timeout = options.queryTimeoutMs ?? 10_000;
  const settings = [`-c search_path=${schema}`, `-c statement_timeout=${timeout}`];
  if (options.readOnly === true) settings.push('-c default_transaction_read_only=on');
  if (options.synchronousCommit === false) settings.push('-c synchronous_commit=off');
  return new (pgModule().Pool)({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: timeout,
    query_timeout: timeout === 0 ? 0 : timeout + STATEMENT_TIMEOUT_GRACE_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: options.applicationName ?? 'tandem',
    options: settings.join(' '),
    types,
  });
}

/**
 * Runs `work` on one connection of the pool, for several statements in a row. The pool listens for a
 * connection's errors only while it is idle in the pool: one that drops while it is checked out and
 * between two statements (the database restarted, the network cut) would emit an error nobody
 * handles and crash the process. Here it marks the connection broken instead: the next statement
 * fails, and the pool discards the connection. Also discarded when `release` says so.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient, discard: () => void) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  const lost = () => {
    broken = true;
  };
  client.on('error', lost);
  try {
    return await work(client, lost);
  } finally {
    client.off('error', lost);
    client.release(broken);
  }
}
