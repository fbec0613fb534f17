import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openPostgresStore, openSqliteStore } from '@tandem/persistence';
import { type TestSchema, testSchema } from '@tandem/persistence/testing/postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { connectClient } from '../../apps/sync-server/src/testing/clients.js';
import { writeLongHistory } from '../../apps/sync-server/src/testing/long-history.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const exec = promisify(execFile);
const MAIN = path.resolve(import.meta.dirname, '../../apps/sync-server/dist/main.js');
const { DATABASE_URL: _, DATABASE_SCHEMA: __, ...ENV } = process.env;
const textIn = async (file: string) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await readFile(file));
  return doc.getText('t').toString();
};
const tandem = (...args: string[]) => exec(process.execPath, [MAIN, ...args], { env: ENV });

describe('tandem copy between a data directory and PostgreSQL (built CLI)', () => {
  let dir: string;
  let dataDir: string;
  let db: TestSchema;
  let server: ServerProcess | undefined;
  const texts: Record<string, string> = { 'team/minutes': 'We agreed on the plan.', notes: 'Buy milk, then code.' };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-copy-'));
    dataDir = path.join(dir, 'data');
    db = testSchema('clicopy');
    server = await startServerProcess(dataDir, { CHECKPOINT_EVERY: '5' });
    for (const [doc, text] of Object.entries(texts)) {
      const client = connectClient(server.url, doc);
      await client.synced();
      for (const ch of text) client.text.insert(client.text.length, ch);
      await vi.waitFor(async () => {
        expect((await (await fetch(`${server!.url}/api/docs/${encodeURIComponent(doc)}`)).json()).updateCount).toBe(text.length);
      }, { timeout: 10_000 });
      client.destroy();
    }
    const store = openSqliteStore({ dataDir, readOnly: true });
    expect((await store.listDocuments()).map((d) => d.name)).toEqual(['notes', 'team/minutes']);
    await store.close();
  });
  afterAll(async () => {
    if (server !== undefined && server.child.exitCode === null) await server.stop('SIGTERM');
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('copies a data directory (its server still running) into a PostgreSQL schema; docs and export then work on PostgreSQL', { timeout: 120_000 }, async () => {
    const copied = await tandem('copy', '--from', dataDir, '--to', db.url, '--to-schema', db.schema);
    expect(copied.stdout).toMatch(/^ok notes: 20 updates \(20 copied now\).*verified$/m);
    expect(copied.stdout).toMatch(/^ok team\/minutes: 22 updates \(22 copied now\)/m);
    expect(copied.stdout).toMatch(/copied 2 document\(s\), 42 update\(s\) copied .* all verified$/m);
    expect(copied.stderr).toMatch(/^verify team\/minutes \(document 2 of 2\): 22 of 22 updates \(100%\)/m);

    const docs = await tandem('docs', '--database-url', db.url, '--database-schema', db.schema);
    expect(docs.stdout).toMatch(/^notes\s+20\s+/m);
    expect(docs.stdout).toMatch(/^team\/minutes\s+22\s+/m);
    // The same variables the server reads work too.
    const [fromPg, fromDir] = [path.join(dir, 'pg.yjs'), path.join(dir, 'dir.yjs')];
    await exec(process.execPath, [MAIN, 'export', 'team/minutes', '--format', 'yjs', '--seq', '6', '--out', fromPg], {
      env: { ...ENV, DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema },
    });
    await tandem('export', 'team/minutes', '--format', 'yjs', '--seq', '6', '--out', fromDir, '--data-dir', dataDir);
    expect(await textIn(fromPg)).toBe('We agr');
    expect(await readFile(fromPg)).toEqual(await readFile(fromDir));
    expect((await tandem('verify', 'notes', '--database-url', db.url, '--database-schema', db.schema)).stdout).toMatch(/^ok: 20 updates/);
    await expect(tandem('backup', path.join(dir, 'b.sqlite'), '--database-url', db.url)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('pg_dump'),
    });

    // Again: nothing left to copy, still verified.
    const again = await tandem('copy', '--from', dataDir, '--to', db.url, '--to-schema', db.schema);
    expect(again.stdout).toMatch(/copied 2 document\(s\), 0 update\(s\) copied .* all verified$/m);
  });

  it('copies back from PostgreSQL into a new data directory, one document with --doc', { timeout: 120_000 }, async () => {
    const back = path.join(dir, 'back');
    const result = await tandem('copy', '--from', db.url, '--from-schema', db.schema, '--to', back, '--doc', 'notes');
    expect(result.stdout).toMatch(/copied 1 document\(s\), 20 update\(s\)/);
    await tandem('export', 'notes', '--format', 'yjs', '--out', path.join(dir, 'back.yjs'), '--data-dir', back);
    expect(await textIn(path.join(dir, 'back.yjs'))).toBe(texts.notes);
    expect((await tandem('docs', '--data-dir', back)).stdout).not.toContain('team/minutes');
  });

  // Several CLI processes, each a Node start-up: slow beside the rest of the suite, so a longer bound.
  it('refuses to write into a data directory its server holds, a different history, and bad arguments', { timeout: 120_000 }, async () => {
    // The running server's own directory as the target.
    await expect(tandem('copy', '--from', db.url, '--from-schema', db.schema, '--to', dataDir)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`stop the server (pid ${server!.child.pid}) first`),
    });
    // A directory holding another history under the same name.
    const other = path.join(dir, 'other');
    const store = openSqliteStore({ dataDir: other });
    await store.append([{ doc: 'notes', entries: [{ update: new Uint8Array([0, 0]), author: 'someone', receivedAt: 1 }] }]);
    await store.close();
    await expect(tandem('copy', '--from', db.url, '--from-schema', db.schema, '--to', other)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('different history for document "notes"'),
    });
    await expect(tandem('copy', '--from', dataDir)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('needs --from and --to') });
    await expect(tandem('copy', '--from', dataDir, '--to', dataDir)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('the same store') });
    const unreachable = await tandem('copy', '--from', dataDir, '--to', 'postgres://tandem:s3cret@127.0.0.1:1/nowhere').catch((e: { code: number; stderr: string }) => e);
    expect(unreachable).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot open the target (--to), postgres://tandem:***@127.0.0.1:1/nowhere') });
    expect((unreachable as { stderr: string }).stderr).not.toContain('s3cret');
    await expect(tandem('copy', '--from', path.join(dir, 'nothing-here'), '--to', path.join(dir, 'x'))).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('cannot open the source (--from)'),
    });
  });
});

describe('tandem copy interrupted (Ctrl-C) and run again', () => {
  let dir: string;
  let db: TestSchema;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-copy-int-'));
    db = testSchema('clicopyint');
  });
  afterAll(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops between batches on SIGINT (exit 130), and the same command then copies only the rest and verifies', { timeout: 120_000 }, async () => {
    const source = path.join(dir, 'source');
    const store = openSqliteStore({ dataDir: source, synchronous: 'normal' });
    const { lastSeq } = await writeLongHistory(store, 'long', { updates: 30_000, authors: ['ana', 'bo'], turn: 500, checkpointEvery: 1_000 });
    await store.close();
    const args = ['copy', '--from', source, '--to', db.url, '--to-schema', db.schema, '--batch', '500'];
    const child = spawn(process.execPath, [MAIN, ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const firstBatch = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/^copy long/m.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    await firstBatch;
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('interrupted: run the same tandem copy again to finish');

    const target = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
    const partial = (await target.getDocument('long'))!.updateCount;
    await target.close();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(lastSeq);

    const rerun = await tandem(...args);
    expect(rerun.stdout).toContain(`ok long: ${lastSeq} updates (${lastSeq - partial} copied now)`);
    expect(rerun.stdout).toMatch(/all verified$/m);
  });
});
