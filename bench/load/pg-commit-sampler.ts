// PostgreSQL's own commit latency, sampled beside the benchmark as the disk's flush is: a child
// process on a connection of its own inserts one ~300-byte row into a scratch table in a schema of
// the run, and commits, every ~20 ms. A window reports the commits that started in it, so a step of
// Tandem on PostgreSQL shows what the database itself did meanwhile. The schema is dropped at `stop`.

import { fileURLToPath } from 'node:url';
import { benchDatabaseUrl, benchSchema, dropSchema } from '../peers/bench-database.js';
import { LatencySampler } from './latency-sampler.js';

export type PgCommitSampler = LatencySampler;

const child = fileURLToPath(new URL('./pg-commit-sampler-child.mjs', import.meta.url));

export const PgCommitSampler = {
  /** Starts sampling every `intervalMs` into `schema` at `url`; resolves once the first commit is done. */
  async start(intervalMs = 20, url = benchDatabaseUrl(), schema = benchSchema('commit_sampler')): Promise<PgCommitSampler> {
    return LatencySampler.spawn('PostgreSQL commit sampler', child, { DATABASE_URL: url, SCHEMA: schema, INTERVAL_MS: String(intervalMs) }, () => dropSchema(url, schema));
  },
};
