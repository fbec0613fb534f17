// Vitest global setup of the PostgreSQL test project: names this run's schemas, and drops them all
// when the run ends (tests that restart servers keep theirs until then).

import { randomBytes } from 'node:crypto';
import { assertPostgresReachable } from './pg-reachable.js';
import { dropSchemas } from './postgres.js';

export default async function setup(): Promise<() => Promise<void>> {
  await assertPostgresReachable();
  const prefix = `srv_${randomBytes(4).toString('hex')}`;
  process.env.TANDEM_TEST_PG_RUN = prefix;
  return async () => {
    const dropped = await dropSchemas(prefix);
    if (process.env.TANDEM_TEST_PG_VERBOSE === '1') process.stdout.write(`dropped ${dropped} test schema(s) ${prefix}_*\n`);
  };
}
