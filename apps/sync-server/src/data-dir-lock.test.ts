// The data directory's lock, taken by several processes at the same moment: exactly one may hold it.
// Found by a review: a lock file is created empty and written after, and a stale lock is removed before
// the new one is created, so a process that looked in between took a lock another had just taken.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from './data-dir-lock.js';

// The compiled module (`npm test` builds first): each contender is a process of its own, as servers are.
const MODULE = pathToFileURL(path.resolve(import.meta.dirname, '../dist/data-dir-lock.js')).href;

/**
 * Node code that says "ready" once loaded, tries the lock when the file `go` appears, says whether it got
 * it, and keeps it until the file `done` appears: every contender tries while the winner holds it, however
 * slowly each one starts.
 */
const contender = (dataDir: string, go: string, done: string) => `
  const { existsSync } = await import('node:fs');
  const { lockDataDir } = await import(${JSON.stringify(MODULE)});
  process.stdout.write('ready;');
  // Spun, not polled, so that all try at once; given up after a minute if the test is gone.
  const giveUpAt = Date.now() + 60_000;
  while (!existsSync(${JSON.stringify(go)})) if (Date.now() > giveUpAt) process.exit(3);
  let lock;
  try { lock = lockDataDir(${JSON.stringify(dataDir)}, 'server'); } catch (e) { if (e.name !== 'DataDirBusyError') throw e; }
  process.stdout.write(lock ? 'took;' : 'busy;');
  while (!existsSync(${JSON.stringify(done)}) && Date.now() < giveUpAt + 60_000) await new Promise((r) => setTimeout(r, 10));
  lock?.release();
`;

describe('the data directory lock, contended', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const race = async (dataDir: string, contenders: number, round: number): Promise<string[]> => {
    const go = path.join(dir!, `go-${round}`);
    const done = path.join(dir!, `done-${round}`);
    const outputs = Array.from({ length: contenders }, () => '');
    const exits = Array.from({ length: contenders }, (_, i) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', contender(dataDir, go, done)], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout.on('data', (chunk: Buffer) => (outputs[i] += chunk.toString()));
      return new Promise<number | null>((resolve) => child.once('exit', resolve));
    });
    try {
      await expect.poll(() => outputs.every((o) => o.includes('ready;')), { timeout: 60_000 }).toBe(true);
      await writeFile(go, '');
      await expect.poll(() => outputs.every((o) => /took;|busy;/.test(o)), { timeout: 60_000 }).toBe(true);
    } finally {
      // Let every contender go, whatever happened (one that failed to start leaves the others waiting).
      await writeFile(go, '');
      await writeFile(done, '');
    }
    expect(await Promise.all(exits)).toEqual(outputs.map(() => 0));
    return outputs.map((o) => (o.includes('took;') ? 'took' : 'busy'));
  };

  it('is held by exactly one of several processes starting at once, with no lock or with a stale one', { timeout: 120_000 }, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-lock-'));
    for (let round = 0; round < 6; round++) {
      const dataDir = path.join(dir, `data-${round}`);
      if (round % 2 === 1) {
        // Left by a process that is gone (pid 2^22 + round is above any pid Linux hands out by default).
        await mkdir(dataDir, { recursive: true });
        await writeFile(path.join(dataDir, LOCK_FILE), `${JSON.stringify({ pid: 4_194_304 + round, holder: 'server', since: new Date(0).toISOString() })}\n`);
      }
      const results = await race(dataDir, 4, round);
      expect(results.filter((r) => r === 'took'), `round ${round}: ${results.join(' ')}`).toHaveLength(1);
      expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false); // released by its holder
    }
  });
});
