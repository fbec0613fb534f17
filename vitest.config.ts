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

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'e2e/vitest/**/*.test.ts'],
          // The PostgreSQL adapter's own tests are in this project too.
          globalSetup: ['packages/persistence/src/testing/pg-reachable.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ON_POSTGRES,
          env: { TANDEM_TEST_ENGINE: 'postgres' },
          globalSetup: ['packages/persistence/src/testing/pg-global-setup.ts'],
        },
      },
    ],
  },
});
