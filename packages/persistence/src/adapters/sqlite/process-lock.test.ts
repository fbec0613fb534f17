// The data directory's OS lock (process-lock.ts): a process that merely reads the lock file for a moment
// (another one starting at the same time, between its own steps) is not a holder. With no wait at all, five
// servers started at once could each meet another's passing read lock and all report "busy": none started
// (seen in CI: "round 8: busy busy busy busy busy").

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tryProcessLock } from './process-lock.js';

const require = createRequire(import.meta.url);

describe('tryProcessLock', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A child process that holds a write lock on `file` (as another starting server does between its steps) for `ms`, then lets go and exits. */
  const holdFor = async (file: string, ms: number) => {
    const script = `
      const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(file)}, { timeout: 0 });
      db.exec('BEGIN IMMEDIATE');
      process.stdout.write('holding;');
      setTimeout(() => { db.exec('COMMIT'); db.close(); process.exit(0); }, ${ms});`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await expect.poll(() => out, { timeout: 20_000 }).toContain('holding;');
    return { exited };
  };

  it('waits out another starting process\'s passing lock on the lock file, and takes the lock', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-process-lock-'));
    const file = path.join(dir, 'tandem.lock.sqlite');
    tryProcessLock(file)!.release(); // made, as a first start makes it
    const { exited } = await holdFor(file, 200);
    const lock = tryProcessLock(file);
    expect(lock).toBeDefined();
    lock!.release();
    expect(await exited).toBe(0);
  });

  it('still answers "held" (undefined) while a holder keeps it, and the holder keeps it', () => {
    const held = path.join(tmpdir(), `tandem-process-lock-held-${process.pid}-${Date.now()}.sqlite`);
    const holder = tryProcessLock(held)!;
    try {
      const started = Date.now();
      expect(tryProcessLock(held)).toBeUndefined();
      // A bounded wait, not a hang.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      holder.release();
      void rm(held, { force: true });
    }
  });
});
