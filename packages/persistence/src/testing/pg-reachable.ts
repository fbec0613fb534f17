// Vitest global setup: the tests need the machine's PostgreSQL (see README "Tests"); say so plainly
// instead of failing a hundred tests with ECONNREFUSED.

import pg from 'pg';
import { TEST_DATABASE_URL } from './postgres.js';

export async function assertPostgresReachable(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `The tests need PostgreSQL at ${TEST_DATABASE_URL} (set TANDEM_TEST_DATABASE_URL to use another): ${(error as Error).message}. ` +
        'Start it (e.g. pg_ctlcluster <version> main start) and run the tests again.',
    );
  } finally {
    await client.end().catch(() => {});
  }
}

export default assertPostgresReachable;
