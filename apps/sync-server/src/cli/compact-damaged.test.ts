import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openSqliteStore } from '@tandem/persistence';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';

// Runs the built CLI (apps/sync-server/dist/main.js: `npx tsc -b` first), as a user would.
const exec = promisify(execFile);
const MAIN = path.resolve(import.meta.dirname, '../../dist/main.js');
const { DATABASE_URL: _, DATABASE_SCHEMA: __, ...ENV } = process.env;
const HOUR = 3_600_000;
const THREE_DAYS_AGO = Math.floor((Date.now() - 3 * 24 * HOUR) / HOUR) * HOUR + 60_000;

describe('tandem compact on a document whose log holds an update that cannot be decoded', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-compact-damaged-'));
    const store = openSqliteStore({ dataDir });
    for (const doc of ['damaged', 'fine']) {
      const writer = new Y.Doc();
      for (let i = 0; i < 10; i++) {
        let update: Uint8Array | undefined;
        writer.once('update', (u: Uint8Array) => (update = u));
        writer.getText('t').insert(0, `${i}`);
        await store.append([{ doc, entries: [{ update: update!, author: 'alice', receivedAt: THREE_DAYS_AGO + i * 1000 }] }]);
      }
    }
    await store.append([{ doc: 'damaged', entries: [{ update: new Uint8Array([1, 1, 200, 3, 255, 9, 9, 9]), author: 'x', receivedAt: THREE_DAYS_AGO + 20_000 }] }]);
    await store.close();
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const tandem = async (...args: string[]) =>
    exec(process.execPath, [MAIN, ...args, '--data-dir', dataDir], { env: ENV }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const updateCounts = async () => {
    const store = openSqliteStore({ dataDir, readOnly: true });
    try {
      return Object.fromEntries((await store.listDocuments()).map((d) => [d.name, d.updateCount]));
    } finally {
      await store.close();
    }
  };

  it('says which document and update cannot be read (exit 2), as history does, with no stack trace', async () => {
    expect(await tandem('history', 'damaged')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^tandem history: Update 11 cannot be decoded/) });
    for (const dryRun of [['--dry-run'], []]) {
      const compact = await tandem('compact', 'damaged', '--keep-all-for', '1d', ...dryRun);
      expect(compact).toEqual({ code: 2, stdout: '', stderr: 'tandem compact: Update 11 of "damaged" cannot be decoded\n' });
    }
    expect(await updateCounts()).toEqual({ damaged: 11, fine: 10 });
  });

  it('--all names the damaged document, compacts the others and exits 2 at the end', async () => {
    const compact = await tandem('compact', '--all', '--keep-all-for', '1d');
    expect(compact.code).toBe(2);
    expect(compact.stderr).not.toMatch(/\n\s+at /);
    expect(compact.stderr).toContain('tandem compact: Update 11 of "damaged" cannot be decoded; "damaged" left as it was');
    expect(compact.stderr).toMatch(/1 of 2 document\(s\) not compacted, their stored data cannot be read: "damaged"\n$/);
    expect(compact.stdout).toMatch(/^compacted fine: 10 → 1 updates/m);
    expect(await updateCounts()).toEqual({ damaged: 11, fine: 1 });
  });
});
