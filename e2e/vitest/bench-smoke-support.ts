// What the benchmarks' smoke runs share: each runs one benchmark script for a second or so, writing its
// JSON into a scratch directory of the describe block, and reads it back.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';

export const root = path.resolve(import.meta.dirname, '../..');
export const run = promisify(execFile);

/**
 * A smoke run may share the machine with other test files; its timeout only catches a run that hangs
 * (alone, the longest takes about 25 s).
 */
export const SMOKE_TIMEOUT_MS = 300_000;

/** A scratch directory made before the block's tests and removed after them. */
export function scratchDir(): { readonly path: string } {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-smoke-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return {
    get path() {
      return dir;
    },
  };
}
