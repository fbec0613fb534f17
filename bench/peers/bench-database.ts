// The PostgreSQL database the benchmarks use for Tandem on PostgreSQL and for the commit sampler:
// TANDEM_BENCH_DATABASE_URL, else the machine's (trust auth, database `test`). Every schema a run
// creates is named after the run (`bench_<run>_<what>`), so that a run can drop what it made, and
// what a crashed run left behind is recognisable.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The database URL of the benchmarks (read once, when first asked). */
export function benchDatabaseUrl(): string {
  return process.env.TANDEM_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

const run = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
let next = 0;

/** A schema name of this run, new at every call (the server, or the sampler, creates it). */
export function benchSchema(what: string): string {
  return `${run}_${what.replace(/[^a-z0-9_]/g, '_')}_${next++}`;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Bytes in the tables (indexes and TOAST included) of `schema`; 0 when it does not exist. */
export function schemaBytes(url: string, schema: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ bytes: string | null }>(
      `SELECT sum(pg_total_relation_size(c.oid))::text AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
      [schema],
    );
    return Number(rows[0]?.bytes ?? 0);
  });
}

/** Drops `schema` and everything in it. */
export function dropSchema(url: string, schema: string): Promise<void> {
  return withClient(url, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
}
