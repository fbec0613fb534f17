import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openSqliteStore } from '@tandem/persistence';
import Database from 'better-sqlite3';
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { connectClient } from '../../apps/sync-server/src/testing/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const exec = promisify(execFile);
const MAIN = path.resolve(import.meta.dirname, '../../apps/sync-server/dist/main.js');

describe('tandem data commands on a real data directory', () => {
  let dir: string;
  let dataDir: string;
  const tandem = (...args: string[]) => exec(process.execPath, [MAIN, ...args, '--data-dir', dataDir]);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-'));
    dataDir = path.join(dir, 'data');
    const server = await startServerProcess(dataDir, { CHECKPOINT_EVERY: '10' });
    const client = connectClient(server.url, 'team/minutes');
    await client.synced();
    const fragment = client.doc.getXmlFragment('prosemirror');
    const heading = new Y.XmlElement('heading');
    heading.setAttribute('level', 1 as unknown as string); // a number, as the editor writes it
    heading.insert(0, [new Y.XmlText()]);
    fragment.insert(0, [heading]);
    for (const ch of 'Minutes') (heading.get(0) as Y.XmlText).insert((heading.get(0) as Y.XmlText).length, ch);
    const para = new Y.XmlElement('paragraph');
    para.insert(0, [new Y.XmlText()]);
    fragment.insert(1, [para]);
    for (const ch of 'We agreed.') (para.get(0) as Y.XmlText).insert((para.get(0) as Y.XmlText).length, ch);
    await vi.waitFor(async () => {
      expect((await (await fetch(`${server.url}/api/docs/team%2Fminutes`)).json()).updateCount).toBe(19);
    }, { timeout: 10_000 });
    client.destroy();
    await server.stop('SIGTERM');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists documents and shows the edit history', async () => {
    expect((await tandem('docs')).stdout).toMatch(/team\/minutes\s+19\s+/);
    const { stdout } = await tandem('history', 'team/minutes');
    expect(stdout).toMatch(/^1-19\s+conn-[0-9a-f-]+\s+\S+Z\s+17\s+0$/m);
  });

  it('exports any version in every format', async () => {
    expect((await tandem('export', 'team/minutes', '--format', 'md')).stdout).toBe('# Minutes\n\nWe agreed.\n');
    expect((await tandem('export', 'team/minutes', '--seq', '8', '--format', 'text')).stdout).toBe('Minutes\n');
    expect((await tandem('export', 'team/minutes', '--at', '2000-01-01T00:00:00Z', '--format', 'text')).stdout).toBe('\n');
    expect((await tandem('export', 'team/minutes', '--format', 'html')).stdout).toContain('<h1>Minutes</h1><p>We agreed.</p>');
    const file = path.join(dir, 'minutes.yjs');
    await tandem('export', 'team/minutes', '--format', 'yjs', '--out', file);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, await readFile(file));
    expect(replica.getXmlFragment('prosemirror').toString()).toContain('We agreed.');
    await expect(tandem('export', 'nope')).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/No document named "nope"/) });
  });

  it('refuses bad export flags with exit 2, a message naming the flag, no stack trace and no file written', async () => {
    const out = path.join(dir, 'refused.md');
    for (const [flags, message] of [
      [['--seq', ''], /^tandem export: Invalid --seq="": a version \(seq\), a whole number from 0/],
      [['--at', '1'], /^tandem export: Invalid --at="1": an ISO 8601 time/],
      [['--seq', '99'], /^tandem export: --seq=99 is past the last version of "team\/minutes" \(19\)/],
      [['--format', 'pdf'], /^tandem export: Invalid --format="pdf"/],
    ] as Array<[string[], RegExp]>) {
      const failed = await tandem('export', 'team/minutes', ...flags, '--out', out).then(() => undefined, (e: { code: number; stderr: string }) => e);
      expect(failed, flags.join(' ')).toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
      expect(failed!.stderr, flags.join(' ')).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    }
    const nowhere = path.join(dir, 'no-such-dir', 'minutes.md');
    await expect(tandem('export', 'team/minutes', '--format', 'md', '--out', nowhere)).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot write --out .*its directory does not exist/) });
  });

  it('verifies checkpoints against the log, and reports a checkpoint that does not match', async () => {
    const ok = await tandem('verify', 'team/minutes');
    expect(ok.stdout).toContain('ok: 19 updates, 1 checkpoints checked');
    expect(ok.stderr).toContain('verify 100%');

    const db = new Database(path.join(dataDir, 'tandem.sqlite'));
    // Checkpoints fall after the first commit batch that reaches CHECKPOINT_EVERY updates.
    const { seq, state } = db.prepare('SELECT seq, state FROM checkpoints').get() as { seq: number; state: Buffer };
    expect(seq).toBeGreaterThanOrEqual(10);
    const wrong = new Y.Doc();
    Y.applyUpdate(wrong, state);
    wrong.getText('extra').insert(0, 'not in the log');
    db.prepare('UPDATE checkpoints SET state = ? WHERE seq = ?').run(Buffer.from(Y.encodeStateAsUpdate(wrong)), seq);
    const original = state;
    await expect(tandem('verify', 'team/minutes')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(new RegExp(`checkpoint at seq ${seq} differs`)),
    });
    db.prepare('UPDATE checkpoints SET state = ? WHERE seq = ?').run(original, seq);
    db.close();
  });

  it('compacts with a retention policy without changing the latest content', async () => {
    // Everything is younger than a day: keeping 1 day leaves it all.
    expect((await tandem('compact', 'team/minutes', '--keep-days', '1')).stdout).toContain('19 → 19 updates');
    // Keeping 0 days merges the whole (one-hour) history into one version; --dry-run changes nothing.
    expect((await tandem('compact', 'team/minutes', '--keep-days', '0', '--dry-run')).stdout).toMatch(/would compact .*19 → [12] updates/);
    expect((await tandem('docs')).stdout).toMatch(/team\/minutes\s+19\s+/);
    await expect(tandem('compact', 'team/minutes', '--every', 'minute')).rejects.toMatchObject({ code: 2 });
  });

  it('backs up the full history and restores it into another data directory', async () => {
    const backup = path.join(dir, 'backup.sqlite');
    const { stdout, stderr } = await tandem('backup', backup);
    expect(stdout).toContain('backed up');
    expect(stderr).toContain('backup 100%');
    const other = path.join(dir, 'other');
    const restored = await exec(process.execPath, [MAIN, 'restore', backup, '--data-dir', other]);
    expect(restored.stdout).toContain('restored 1 document(s)');
    const history = await exec(process.execPath, [MAIN, 'export', 'team/minutes', '--seq', '8', '--format', 'text', '--data-dir', other]);
    expect(history.stdout).toBe('Minutes\n');
    // Restoring over an existing store needs --force.
    await expect(exec(process.execPath, [MAIN, 'restore', backup, '--data-dir', other])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--force/),
    });

    // On the copy, compact for real: the latest content is unchanged and the log still verifies.
    const inOther = (...args: string[]) => exec(process.execPath, [MAIN, ...args, '--data-dir', other]);
    const before = (await inOther('export', 'team/minutes', '--format', 'md')).stdout;
    const compacted = await inOther('compact', 'team/minutes', '--keep-days', '0');
    expect(compacted.stdout).toMatch(/compacted team\/minutes: 19 → [12] updates/);
    expect(compacted.stderr).toContain('compact 100%');
    expect((await inOther('export', 'team/minutes', '--format', 'md')).stdout).toBe(before);
    expect((await inOther('verify', 'team/minutes')).stdout).toContain('ok:');
  });
});

describe('tandem restore and backup beside the server process', () => {
  let dir: string;
  let backup: string;
  const servers: ServerProcess[] = [];
  const run = (dataDir: string, ...args: string[]) => exec(process.execPath, [MAIN, ...args, '--data-dir', dataDir]);
  const start = async (dataDir: string) => {
    const server = await startServerProcess(dataDir);
    servers.push(server);
    return server;
  };
  /** Types `text` into `doc` through a real client, one update per character, until all are stored. */
  const type = async (url: string, doc: string, text: string) => {
    const client = connectClient(url, doc);
    await client.synced();
    const before = client.text.length;
    for (const ch of text) client.text.insert(client.text.length, ch);
    await vi.waitFor(async () => {
      expect((await (await fetch(`${url}/api/docs/${encodeURIComponent(doc)}`)).json()).updateCount).toBeGreaterThanOrEqual(before + text.length);
    }, { timeout: 10_000 });
    client.destroy();
  };
  const documentsIn = (file: string) => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT name, update_count AS updates FROM documents ORDER BY name').all();
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-restore-'));
    const source = path.join(dir, 'source');
    const server = await start(source);
    await type(server.url, 'from/backup', 'restored text');
    await server.stop('SIGTERM');
    backup = path.join(dir, 'backup.sqlite');
    await run(source, 'backup', backup);
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) await s.stop('SIGKILL');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('after a kill -9, restore --force keeps the old store whole (its WAL included) as before-restore', async () => {
    const dataDir = path.join(dir, 'killed');
    const server = await start(dataDir);
    await type(server.url, 'crash/notes', 'written just before the crash');
    expect(await server.stop('SIGKILL')).toBe('SIGKILL');
    // The acknowledged updates are in the WAL only: nothing checkpointed them into the database file.
    expect(statSync(path.join(dataDir, 'tandem.sqlite-wal')).size).toBeGreaterThan(0);

    const restored = await run(dataDir, 'restore', backup, '--force');
    expect(documentsIn(path.join(dataDir, 'tandem.sqlite.before-restore'))).toEqual([{ name: 'crash/notes', updates: 29 }]);
    expect(restored.stdout).toContain('restored 1 document(s)');
    expect(restored.stdout).toContain('tandem.sqlite.before-restore');
    expect(documentsIn(path.join(dataDir, 'tandem.sqlite'))).toEqual([{ name: 'from/backup', updates: 13 }]);

    // The restored store serves as usual, and a second restore keeps the first one's old store too.
    const again = await start(dataDir);
    await type(again.url, 'from/backup', '!');
    await again.stop('SIGTERM');
    const second = await run(dataDir, 'restore', backup, '--force');
    expect(second.stdout).toContain('tandem.sqlite.before-restore.1');
    expect(documentsIn(path.join(dataDir, 'tandem.sqlite.before-restore.1'))).toEqual([{ name: 'from/backup', updates: 14 }]);
    expect(documentsIn(path.join(dataDir, 'tandem.sqlite.before-restore'))).toEqual([{ name: 'crash/notes', updates: 29 }]);
  });

  it('refuses to restore while a server uses the data directory, naming its pid, and loses nothing', async () => {
    const dataDir = path.join(dir, 'running');
    const server = await start(dataDir);
    await type(server.url, 'live', 'before');
    await expect(run(dataDir, 'restore', backup, '--force')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`stop the server (pid ${server.child.pid}) first`),
    });
    // A second server on the same directory refuses to start, naming the first.
    await expect(startServerProcess(dataDir)).rejects.toThrow(new RegExp(`pid ${server.child.pid}`));
    // The running server goes on storing, and what it acknowledged is there after a restart.
    await type(server.url, 'live', ' after');
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(existsSync(path.join(dataDir, 'tandem.lock'))).toBe(false);
    const restarted = await start(dataDir);
    const reader = connectClient(restarted.url, 'live');
    await reader.synced();
    expect(reader.text.toString()).toBe('before after');
    reader.destroy();
  });

  it('reading commands leave the store byte for byte as it was (no schema writes, no checkpoints)', async () => {
    const dataDir = path.join(dir, 'source');
    const file = path.join(dataDir, 'tandem.sqlite');
    const before = sha256(await readFile(file));
    await run(dataDir, 'docs');
    await run(dataDir, 'history', 'from/backup');
    await run(dataDir, 'export', 'from/backup', '--format', 'text');
    await run(dataDir, 'verify', 'from/backup');
    await run(dataDir, 'backup', path.join(dir, 'again.sqlite'));
    expect(sha256(await readFile(file))).toBe(before);
    expect(statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
  });

  it('exports, verifies and backs up a long document while the server keeps acknowledging a typist promptly', async () => {
    const dataDir = path.join(dir, 'busy');
    const written = await seedLongDocument(dataDir, 'long', 8_000);
    const server = await start(dataDir);
    const typist = await typeWithAcks(server.url, 'typing');
    try {
      await typist.acked(20); // warmed up
      const cli = Promise.all([
        run(dataDir, 'export', 'long', '--format', 'text', '--out', path.join(dir, 'long.txt')),
        run(dataDir, 'verify', 'long'),
        run(dataDir, 'backup', path.join(dir, 'busy.sqlite')),
      ]);
      const from = typist.latencies.length;
      const [, verified] = await cli;
      const during = typist.latencies.slice(from);
      expect(statSync(path.join(dir, 'long.txt')).size).toBeGreaterThan(written);
      expect(verified.stdout).toContain('ok: 8000 updates');
      expect(documentsIn(path.join(dir, 'busy.sqlite'))).toEqual(
        expect.arrayContaining([{ name: 'long', updates: 8_000 }, expect.objectContaining({ name: 'typing' })]),
      );
      // The server went on storing the typist's updates throughout: acknowledged all along (a store the
      // CLI locked would hold them all until it let go), none held for long. The bound is loose on purpose
      // (seen: 37–56 ms): a shared CI machine's pauses must not fail it, a lock held through a command does.
      expect(during.length).toBeGreaterThan(5);
      console.log(`typist acks while the CLI ran: ${during.length}, worst ${Math.round(Math.max(...during))} ms`);
      expect(Math.max(...during)).toBeLessThan(2_000);
    } finally {
      typist.stop();
    }
  });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Writes a document of `count` paragraph-sized updates straight into a store (no server running). */
async function seedLongDocument(dataDir: string, doc: string, count: number): Promise<number> {
  const store = openSqliteStore({ dataDir });
  const ydoc = new Y.Doc();
  const updates: Uint8Array[] = [];
  ydoc.on('update', (u: Uint8Array) => updates.push(u));
  const fragment = ydoc.getXmlFragment('prosemirror');
  const line = 'All work and no play makes a long document. '.repeat(10);
  for (let i = 0; i < count; i++) {
    const para = new Y.XmlElement('paragraph');
    para.insert(0, [new Y.XmlText(line)]);
    fragment.insert(fragment.length, [para]);
  }
  for (let i = 0; i < updates.length; i += 1_000) {
    await store.append([{ doc, entries: updates.slice(i, i + 1_000).map((update) => ({ update, author: 'seed', receivedAt: Date.now() })) }]);
  }
  await store.close();
  return count * line.length;
}

/**
 * A raw client on `doc` asking for stored-acks (?acks=1) that sends one update, waits for its ack,
 * and sends the next, recording each round trip in ms.
 */
async function typeWithAcks(url: string, doc: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/${doc}?acks=1`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const ydoc = new Y.Doc();
  const latencies: number[] = [];
  let stopped = false;
  let sentAt = 0;
  const sendNext = () => {
    if (stopped) return;
    sentAt = performance.now();
    ydoc.getText('t').insert(0, 'k');
  };
  ydoc.on('update', (update: Uint8Array) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0); // sync
    encoding.writeVarUint(e, 2); // update
    encoding.writeVarUint8Array(e, update);
    ws.send(encoding.toUint8Array(e));
  });
  ws.on('message', (data: Buffer) => {
    if (data[0] !== 100) return; // a stored-ack
    latencies.push(performance.now() - sentAt);
    setTimeout(sendNext, 5);
  });
  sendNext();
  return {
    latencies,
    acked: (n: number) => vi.waitFor(() => expect(latencies.length).toBeGreaterThanOrEqual(n), { timeout: 10_000 }),
    stop: () => {
      stopped = true;
      ws.close();
    },
  };
}
