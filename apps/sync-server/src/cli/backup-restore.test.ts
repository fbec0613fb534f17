// tandem backup and restore against real files and disks: an interrupted or failed write never leaves a
// partial file at the name used next (the backup's, the store's), and the store is never lost to a
// backup or restore aimed at it. Among the timed tests (vitest.config.ts): one waits on another process
// opening the store during a copy.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quiet, seedStore } from '../testing/cli-stores.js';
import { mountTmpfs } from '../testing/tmpfs.js';
import { runDataCommand } from './data-commands.js';

describe('tandem backup', () => {
  let dir: string;
  let dataDir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-backup-'));
    dataDir = path.join(dir, 'data');
    await seedStore(dataDir, ['a'], 600);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const documentsIn = (file: string) => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT name, update_count AS n FROM documents').all();
    } finally {
      db.close();
    }
  };

  it('writes under a temporary name and renames it into place once complete: a backup killed midway leaves nothing at the name restored from', async () => {
    const file = path.join(dir, 'nightly.sqlite');
    const seenWhileWriting: boolean[] = [];
    const io = { out: () => {}, err: (line: string) => void (/^backup \d\d?%/.test(line) && seenWhileWriting.push(existsSync(file))) };
    expect(await runDataCommand('backup', [file, '--data-dir', dataDir], {}, io)).toBe(0);
    // Progress is reported between steps, when a kill or a full disk would stop the copy.
    expect(seenWhileWriting.length).toBeGreaterThan(2);
    expect(seenWhileWriting.every((there) => !there)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['data', 'nightly.sqlite']);
    expect(documentsIn(file)).toEqual([{ name: 'a', n: 600 }]);
  });

  it('stopped by Ctrl-C or SIGTERM midway, removes what it had written beside the name and says so', async () => {
    const file = path.join(dir, 'nightly.sqlite');
    const stop = new AbortController();
    const io = { out: () => {}, err: (line: string) => void (/^backup [1-9]\d?%/.test(line) && stop.abort(new Error('interrupted'))) };
    await expect(runDataCommand('backup', [file, '--data-dir', dataDir], {}, io, stop.signal)).rejects.toThrow(/interrupted.*nothing was written/);
    expect(readdirSync(dir)).toEqual(['data']);
  });

  it('refuses a file that exists unless --force, and never writes over the store itself', async () => {
    const file = path.join(dir, 'b.sqlite');
    writeFileSync(file, 'an older backup');
    await expect(runDataCommand('backup', [file, '--data-dir', dataDir], {}, quiet)).rejects.toThrow(/exists already.*--force/);
    expect(readFileSync(file, 'utf8')).toBe('an older backup');
    expect(await runDataCommand('backup', [file, '--force', '--data-dir', dataDir], {}, quiet)).toBe(0);
    expect(documentsIn(file)).toEqual([{ name: 'a', n: 600 }]);

    const store = path.join(dataDir, 'tandem.sqlite');
    const before = readFileSync(store);
    for (const target of [store, `${store}-wal`, path.join(dataDir, '..', 'data', 'tandem.sqlite')]) {
      await expect(runDataCommand('backup', [target, '--force', '--data-dir', dataDir], {}, quiet)).rejects.toThrow(/is the store/);
    }
    expect(readFileSync(store).equals(before)).toBe(true);
    expect(readdirSync(dataDir).filter((name) => !/-(wal|shm)$/.test(name))).toEqual(['tandem.sqlite']);
  });

  it('a backup stopped by a full disk says why and leaves nothing behind, at the final name or beside it', async (context) => {
    const mounted = mountTmpfs('1m');
    if (mounted === undefined) return context.skip();
    try {
      const file = path.join(mounted, 'nightly.sqlite');
      await expect(runDataCommand('backup', [file, '--data-dir', dataDir], {}, quiet)).rejects.toThrow(/Backup to .*nightly.sqlite failed \(nothing was written there\): .*(full|space)/i);
      expect(readdirSync(mounted)).toEqual([]);
    } finally {
      execFileSync('umount', [mounted]);
      await rm(mounted, { recursive: true, force: true });
    }
  });

  it('refuses an empty file name or a directory as the backup, saying which, even with --force', async () => {
    await expect(runDataCommand('backup', ['', '--data-dir', dataDir], {}, quiet)).rejects.toThrow(/needs a file to write/);
    await expect(runDataCommand('backup', [dir, '--force', '--data-dir', dataDir], {}, quiet)).rejects.toThrow(/is a directory: give the backup a file name/);
    await expect(runDataCommand('restore', ['', '--data-dir', path.join(dir, 'new')], {}, quiet)).rejects.toThrow(/needs a backup file/);
    expect(readdirSync(dir)).toEqual(['data']);
  });
});

describe('tandem restore', () => {
  let dir: string;
  let dataDir: string;
  let backup: string;
  let mounted: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-restore-'));
    await seedStore(path.join(dir, 'source'), ['from-backup'], 600);
    backup = path.join(dir, 'backup.sqlite');
    await runDataCommand('backup', [backup, '--data-dir', path.join(dir, 'source')], {}, quiet);
    dataDir = path.join(dir, 'data');
  });
  afterEach(async () => {
    if (mounted !== undefined) execFileSync('umount', [mounted]);
    for (const d of [dir, mounted]) if (d !== undefined) await rm(d, { recursive: true, force: true });
    mounted = undefined;
  });
  const storeFiles = (d: string) => readdirSync(d).filter((name) => name.startsWith('tandem.sqlite') && !/-(wal|shm)$/.test(name));
  const restore = (...argv: string[]) => runDataCommand('restore', [...argv, '--data-dir', dataDir], {}, quiet);

  it('into a data directory that does not exist: refused (a missing or bad backup) leaves no directory; done, makes it', async () => {
    const fresh = path.join(dir, 'new', 'data');
    const into = (file: string) => runDataCommand('restore', [file, '--data-dir', fresh], {}, quiet);
    await expect(into(path.join(dir, 'missing.sqlite'))).rejects.toThrow(/is not a usable Tandem backup/);
    writeFileSync(path.join(dir, 'text.sqlite'), 'not a database\n');
    await expect(into(path.join(dir, 'text.sqlite'))).rejects.toThrow(/is not a usable Tandem backup/);
    expect(existsSync(path.join(dir, 'new'))).toBe(false);
    expect(await into(backup)).toBe(0);
    expect(storeFiles(fresh)).toEqual(['tandem.sqlite']);
  });

  it('refuses a backup that is the store itself, and leaves the store where it is', async () => {
    await seedStore(dataDir, ['live'], 3);
    const store = path.join(dataDir, 'tandem.sqlite');
    const before = readFileSync(store);
    for (const file of [store, path.join(dataDir, '.', 'tandem.sqlite')]) {
      await expect(restore(file, '--force')).rejects.toThrow(/is the store itself/);
    }
    expect(storeFiles(dataDir)).toEqual(['tandem.sqlite']);
    expect(readFileSync(store).equals(before)).toBe(true);
  });

  it('refuses a truncated, empty or non-SQLite backup, and leaves the store untouched', async () => {
    await seedStore(dataDir, ['live'], 3);
    const store = path.join(dataDir, 'tandem.sqlite');
    const before = readFileSync(store);
    const whole = readFileSync(backup);
    const bad = { truncated: whole.subarray(0, 8192), empty: Buffer.alloc(0), text: Buffer.from('not a database\n') };
    for (const [name, bytes] of Object.entries(bad)) {
      const file = path.join(dir, `${name}.sqlite`);
      writeFileSync(file, bytes);
      await expect(restore(file, '--force'), name).rejects.toThrow(/is not a usable Tandem backup/);
    }
    expect(storeFiles(dataDir)).toEqual(['tandem.sqlite']);
    expect(readFileSync(store).equals(before)).toBe(true);
  });

  it('refuses, leaving the old store in place, when another process opens the store while the backup is being copied', async () => {
    await seedStore(path.join(dir, 'big'), ['big'], 12_000); // ~100 MB: its copy takes 0.4–1 s, the opener needs a few ms
    const bigBackup = path.join(dir, 'big.sqlite');
    await runDataCommand('backup', [bigBackup, '--data-dir', path.join(dir, 'big')], {}, quiet);
    await seedStore(dataDir, ['live'], 3);
    const store = path.join(dataDir, 'tandem.sqlite');
    // Another process (a tandem compact, purge or revoke: they take no lock) that opens the store as soon
    // as the restore starts writing its copy, and keeps it open.
    const opener = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        const { existsSync } = await import('node:fs');
        const { default: Database } = await import(${JSON.stringify(import.meta.resolve('better-sqlite3'))});
        process.stdout.write('ready;');
        const until = Date.now() + 60_000;
        while (!existsSync(${JSON.stringify(`${store}.restoring`)})) if (Date.now() > until) process.exit(3);
        const db = new Database(${JSON.stringify(store)});
        db.prepare('SELECT count(*) FROM documents').get();
        process.stdout.write('open;');
        setTimeout(() => db.close(), 30_000);
        `,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let said = '';
    opener.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    try {
      await expect.poll(() => said, { timeout: 30_000 }).toContain('ready;');
      await expect(restore(bigBackup, '--force')).rejects.toThrow(/open in another process/);
      await expect.poll(() => said, { timeout: 10_000 }).toContain('open;');
      expect(storeFiles(dataDir)).toEqual(['tandem.sqlite']);
    } finally {
      opener.kill('SIGKILL');
    }
    const db = new Database(store, { readonly: true, fileMustExist: true });
    expect(db.prepare('SELECT name FROM documents').all()).toEqual([{ name: 'live' }]);
    db.close();
  });

  it('a restore stopped by a full disk leaves the old store in place, not only beside it as before-restore', async (context) => {
    mounted = mountTmpfs('4m');
    if (mounted === undefined) return context.skip();
    dataDir = path.join(mounted, 'data');
    await seedStore(dataDir, ['live'], 100); // ~1 MB: the 5 MB backup does not fit beside it
    await expect(restore(backup, '--force')).rejects.toThrow(/Restoring into .* failed/);
    expect(storeFiles(dataDir)).toEqual(['tandem.sqlite']);
    const db = new Database(path.join(dataDir, 'tandem.sqlite'), { readonly: true, fileMustExist: true });
    expect(db.prepare('SELECT name, update_count AS n FROM documents').all()).toEqual([{ name: 'live', n: 100 }]);
    db.close();
  });
});
