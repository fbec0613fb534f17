// Test databases: every test run gets a schema of its own in the machine's PostgreSQL, so runs (and
// parallel test files) never see each other's rows; `drop` removes it.

import { randomBytes } from 'node:crypto';
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
