import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'e2e/vitest/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
