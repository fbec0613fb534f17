// Test databases: every test run gets a schema of its own in the machine's PostgreSQL, so runs (and
// parallel test files) never see each other's rows; `drop` removes it.

import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL tests use: TANDEM_TEST_DATABASE_URL, else the machine's (trust auth, database `test`). */
export const TEST_DATABASE_URL = process.env.TANDEM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  readonly url: string;
  readonly schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** A new, empty schema name (the store creates it on open). */
export function testSchema(prefix = 't'): TestSchema {
  const schema = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  return {
    url: TEST_DATABASE_URL,
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Which engine the server tests run on: `postgres` when TANDEM_TEST_ENGINE says so (see vitest.config.ts). */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.TANDEM_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** This test run's schemas start with it (set once per run by the global setup; see pg-global-setup.ts). */
const runPrefix = () => process.env.TANDEM_TEST_PG_RUN ?? 'srv_local';

/**
 * The settings that put a test server's store where this run's engine keeps it: nothing for SQLite
 * (its data directory is the store), or DATABASE_URL with a schema named after the data directory,
 * so that a test restarting its server on the same directory finds the same data.
 */
export function testStoreEnv(dataDir: string): Record<string, string> {
  if (TEST_ENGINE === 'sqlite') return {};
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: `${runPrefix()}_${digest}` };
}

/** Drops every schema whose name starts with `prefix_` (the end of a test run). */
export async function dropSchemas(prefix: string): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)`,
      [`${prefix}_`],
    );
    for (const { name } of rows) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    return rows.length;
  } finally {
    await client.end();
  }
}
