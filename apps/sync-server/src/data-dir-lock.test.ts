// The data directory's lock, taken by several processes at the same moment: exactly one may hold it.
// Found by a review: a lock file is created empty and written after, and a stale lock is removed before
// the new one is created, so a process that looked in between took a lock another had just taken. Then
// by CI (round 3, a stale lock, two of four took it): a pid file judged stale and moved aside by one
// process could be another's fresh lock, and a third took the place meanwhile. The lock is now the
// operating system's, which a pid file cannot be.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { DataDirBusyError, HELD_FILE, LOCK_FILE, lockDataDir } from './data-dir-lock.js';

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

  const lockedBy = (dataDir: string): unknown => {
    try {
      lockDataDir(dataDir, 'restore').release();
      return 'free';
    } catch (error) {
      if (!(error instanceof DataDirBusyError)) throw error;
      return { pid: error.owner?.pid, message: error.message };
    }
  };

  it('names its holder while it lives and is free once it is killed with SIGKILL, its pid file left behind', { timeout: 60_000 }, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-lock-'));
    const dataDir = path.join(dir, 'data');
    const go = path.join(dir, 'go');
    await writeFile(go, '');
    const child = spawn(process.execPath, ['--input-type=module', '-e', contender(dataDir, go, path.join(dir, 'never'))], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await expect.poll(() => output, { timeout: 30_000 }).toContain('took;');
      expect(lockedBy(dataDir)).toEqual({ pid: child.pid, message: expect.stringContaining(`a Tandem server (pid ${child.pid}`) });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: child.pid }); // left behind
    const lock = lockDataDir(dataDir, 'server');
    expect(JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, holder: 'server' });
    lock.release();
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('is not taken twice within one process (a pid of its own is no proof of a stale lock)', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-lock-'));
    const first = lockDataDir(dir, 'server');
    expect(lockedBy(dir)).toEqual({ pid: process.pid, message: expect.stringContaining(`stop the server (pid ${process.pid}) first`) });
    first.release();
    first.release(); // idempotent: does not remove a later holder's pid file
    expect(lockedBy(dir)).toBe('free');
    const second = lockDataDir(dir, 'copy');
    first.release();
    expect(lockedBy(dir)).toEqual({ pid: process.pid, message: expect.stringContaining('tandem copy') });
    second.release();
  });

  // Root runs `tandem restore` or `tandem copy` in the directory of a server that runs as its own user.
  const IS_ROOT = process.getuid?.() === 0;
  const NOBODY = 65534;

  it.skipIf(!IS_ROOT)('made by root, is given to the owner of the data directory (the user the server runs as)', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-lock-'));
    chownSync(dir, NOBODY, NOBODY);
    lockDataDir(dir, 'restore').release();
    expect(statSync(path.join(dir, HELD_FILE))).toMatchObject({ uid: NOBODY, gid: NOBODY });
    // Once made, it is left as it is: root does not take a file from the user the server runs as.
    chownSync(path.join(dir, HELD_FILE), 1234, 1234);
    lockDataDir(dir, 'restore').release();
    expect(statSync(path.join(dir, HELD_FILE))).toMatchObject({ uid: 1234, gid: 1234 });
  });

  it.skipIf(!IS_ROOT)('refuses with "permission denied" a lock file this user may not write (a read-only handle would lock out no one)', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-lock-'));
    lockDataDir(dir, 'server').release();
    chownSync(path.join(dir, HELD_FILE), NOBODY, NOBODY);
    chmodSync(path.join(dir, HELD_FILE), 0o644);
    // Root without the power to override file permissions: the file is another user's, read-only to it.
    const code = `const { lockDataDir } = await import(${JSON.stringify(MODULE)});
      try { lockDataDir(${JSON.stringify(dir)}, 'server'); process.stdout.write('took'); } catch (e) { process.stdout.write(e.code + ': ' + e.message); }`;
    const asOther = spawnSync('setpriv', ['--bounding-set=-dac_override,-dac_read_search', '--', process.execPath, '--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(asOther.stdout, asOther.stderr).toMatch(/^EACCES: cannot take .*tandem\.lock\.sqlite: permission denied/);
  });

  it("is refused while an earlier release's server runs (its pid file alive, no OS lock behind it)", { timeout: 30_000 }, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-lock-'));
    const older = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)); // written after it started, as a server writes its own
      await writeFile(path.join(dir, LOCK_FILE), `${JSON.stringify({ pid: older.pid, holder: 'server', since: new Date().toISOString() })}\n`);
      expect(lockedBy(dir)).toEqual({ pid: older.pid, message: expect.stringContaining(`If pid ${older.pid} is not Tandem, delete`) });
      // Naming a process that started after it was written: its pid was reused since, the file is stale.
      await writeFile(path.join(dir, LOCK_FILE), `${JSON.stringify({ pid: older.pid, holder: 'server', since: new Date(Date.now() - 3_600_000).toISOString() })}\n`);
      expect(lockedBy(dir)).toBe('free');
    } finally {
      older.kill('SIGKILL');
    }
    await new Promise((resolve) => older.once('exit', resolve));
    const lock = lockDataDir(dir, 'server'); // gone: the pid file is stale
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, lock: 'os' });
    lock.release();
  });

  it('makes its file writable by the group that may write the directory (SQLite makes it 0644 whatever the umask)', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-lock-'));
    chmodSync(dir, 0o2770);
    lockDataDir(dir, 'server').release();
    expect(statSync(path.join(dir, HELD_FILE)).mode & 0o777).toBe(0o664);
  });

  it('says what is wrong with a lock file that is not one, from the CLI too (exit 2, no stack trace)', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-lock-'));
    await writeFile(path.join(dir, HELD_FILE), 'not a database, not empty either; '.repeat(200));
    expect(() => lockDataDir(dir!, 'server')).toThrow(/cannot lock .*tandem\.lock\.sqlite: file is not a database \(if no Tandem process runs on this directory, remove the file\)/);
    const main = path.resolve(import.meta.dirname, '../dist/main.js');
    const cli = spawnSync(process.execPath, [main, 'restore', path.join(dir, 'backup.sqlite'), '--data-dir', dir], { encoding: 'utf8' });
    expect({ status: cli.status, stderr: cli.stderr }).toMatchObject({ status: 2, stderr: expect.stringContaining('file is not a database') });
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });

  it('is held by exactly one of several processes starting at once, with no lock or with a stale one', { timeout: 120_000 }, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-lock-'));
    for (let round = 0; round < 10; round++) {
      const dataDir = path.join(dir, `data-${round}`);
      if (round % 2 === 1) {
        // Left by a process that is gone (pid 2^22 + round is above any pid Linux hands out by default).
        await mkdir(dataDir, { recursive: true });
        await writeFile(path.join(dataDir, LOCK_FILE), `${JSON.stringify({ pid: 4_194_304 + round, holder: 'server', since: new Date(0).toISOString() })}\n`);
      }
      const results = await race(dataDir, 5, round);
      expect(results.filter((r) => r === 'took'), `round ${round}: ${results.join(' ')}`).toHaveLength(1);
      expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false); // released by its holder
    }
  });
});
