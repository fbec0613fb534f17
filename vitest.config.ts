import { defineConfig } from 'vitest/config';

/**
 * Server tests that also run with PostgreSQL as the store (TANDEM_TEST_ENGINE=postgres; each server a
 * schema of its own): sync, stored acknowledgements, access, the history API, comments, compacted history, revocations, share links, renames and
 * the kill -9 / restart cycles. The rest look at SQLite files or disks on purpose, or do not touch a store.
 */
const ON_POSTGRES = [
  'apps/sync-server/src/sync/sync.test.ts',
  'apps/sync-server/src/sync/stored-acks.test.ts',
  'apps/sync-server/src/auth/access.test.ts',
  'apps/sync-server/src/http/history.test.ts',
  'apps/sync-server/src/http/restore-edges.test.ts',
  'apps/sync-server/src/http/authorship.test.ts',
  'apps/sync-server/src/http/comments.test.ts',
  'apps/sync-server/src/http/compacted-history.test.ts',
  'apps/sync-server/src/http/api-input.test.ts',
  'apps/sync-server/src/authors/authors.test.ts',
  'apps/sync-server/src/http/content.test.ts',
  'apps/sync-server/src/http/trash.test.ts',
  'apps/sync-server/src/http/doc-list.test.ts',
  'apps/sync-server/src/http/document-moves.test.ts',
  'apps/sync-server/src/webhooks/webhooks.test.ts',
  'apps/sync-server/src/auth/revocation.test.ts',
  'apps/sync-server/src/http/share-links.test.ts',
  'e2e/vitest/restart.test.ts',
  'e2e/vitest/webhooks-restart.test.ts',
];

/**
 * Tests that time something against a wall clock ("closed within 1 s", "a page in under 50 ms"): their
 * margins assume the machine is theirs, so they run one file at a time, after the rest.
 */
const TIMED = [
  'apps/sync-server/src/auth/revocation.test.ts',
  'apps/sync-server/src/cli/data-commands.test.ts',
  'apps/sync-server/src/cli/backup-restore.test.ts',
  'apps/sync-server/src/fanout/revocation-instances.test.ts',
  'apps/sync-server/src/fanout/moves-across-instances.test.ts',
  'apps/sync-server/src/fanout/restore-lagging.test.ts',
  'apps/sync-server/src/fanout/restores-across-instances.test.ts',
  'apps/sync-server/src/fanout/forged-checkpoint.test.ts',
  'apps/sync-server/src/fanout/several-instances.test.ts',
  'apps/sync-server/src/history/sweep.test.ts',
  'apps/sync-server/src/http/content-limits.test.ts',
  'apps/sync-server/src/http/history-limits.test.ts',
  'apps/sync-server/src/http/share-links.test.ts',
  'apps/sync-server/src/sync/away.test.ts',
  'apps/sync-server/src/sync/refusal-cost.test.ts',
  'apps/sync-server/src/sync/sync-answers.test.ts',
  'apps/sync-server/src/sync/database-outage.test.ts',
  'apps/sync-server/src/webhooks/webhooks.test.ts',
  'packages/persistence/src/history/compact.test.ts',
  'packages/persistence/src/history/timeline.test.ts',
  'packages/persistence/src/transfer/copy-store.test.ts',
];

/**
 * Cross-process tests that time nothing and install nothing with apt-get (two apt-gets at once would fight
 * over its lock): the benchmarks' smoke runs (their timeouts only catch a hang), the CLI's token and copy
 * commands, the production layout and the systemd units. They run with the rest, three files at a time.
 */
const CROSS_PROCESS_UNTIMED = [
  'e2e/vitest/bench-keystrokes.test.ts',
  'e2e/vitest/bench-smoke.test.ts',
  'e2e/vitest/bench-smoke-load.test.ts',
  'e2e/vitest/bench-smoke-typing.test.ts',
  'e2e/vitest/cli-copy.test.ts',
  'e2e/vitest/cli-token.test.ts',
  'e2e/vitest/production-layout.test.ts',
  'e2e/vitest/start-up-modules.test.ts',
  'e2e/vitest/systemd-units.test.ts',
];

/**
 * The other cross-process tests (servers, proxies, kill -9 cycles, outages) are timed against real processes
 * and disks too, or install a proxy: with the timed tests, one file at a time, after the rest. Everything
 * else spends most of its time waiting on sockets and disks, and runs three files at a time on two cores.
 */
const CROSS_PROCESS = 'e2e/vitest/**/*.test.ts';
// Files share a worker's modules (isolate: false): a new worker per file cost 1.5–3 s of start and imports
// each (100 s of the 32 files run one at a time, 2026-12-03), and the tests keep no state in modules
// (no vi.mock, no fake timers; what one sets in process.env it puts back).
const ALONE = [...TIMED, CROSS_PROCESS];
const IN_PARALLEL = 3;
const isAlone = (file: string) => (file.startsWith('e2e/') && !CROSS_PROCESS_UNTIMED.includes(file)) || TIMED.includes(file);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', ...CROSS_PROCESS_UNTIMED],
          exclude: [...TIMED, '**/node_modules/**'],
          // The PostgreSQL adapter's own tests are in this project too.
          globalSetup: ['packages/persistence/src/testing/pg-reachable.ts'],
          maxWorkers: IN_PARALLEL,
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ON_POSTGRES.filter((file) => !isAlone(file)),
          env: { TANDEM_TEST_ENGINE: 'postgres' },
          globalSetup: ['packages/persistence/src/testing/pg-global-setup.ts'],
          maxWorkers: IN_PARALLEL,
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'sqlite-alone',
          include: ALONE,
          exclude: [...CROSS_PROCESS_UNTIMED, '**/node_modules/**'],
          globalSetup: ['packages/persistence/src/testing/pg-reachable.ts'],
          maxWorkers: 1,
          isolate: false,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres-alone',
          include: ON_POSTGRES.filter(isAlone),
          env: { TANDEM_TEST_ENGINE: 'postgres' },
          globalSetup: ['packages/persistence/src/testing/pg-global-setup.ts'],
          maxWorkers: 1,
          isolate: false,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
