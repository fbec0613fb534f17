import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPostgresStore, openSqliteStore } from '@tandem/persistence';
import { type TestSchema, testSchema } from '@tandem/persistence/testing/postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ConfigError } from '../config.js';
import { quiet, seedStore } from '../testing/cli-stores.js';
import { runDataCommand } from './data-commands.js';

const HOUR = 3_600_000;
// Ten updates a second apart, three days ago, all in one 1-hour bucket (a span across an hour's turn made two).
const THREE_DAYS_AGO_IN_ONE_HOUR = Math.floor((Date.now() - 3 * 24 * HOUR) / HOUR) * HOUR + 60_000;

describe('tandem compact', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-compact-'));
    const store = openSqliteStore({ dataDir });
    for (const doc of ['a', 'b']) {
      const writer = new Y.Doc();
      for (let i = 0; i < 10; i++) {
        let update: Uint8Array | undefined;
        writer.once('update', (u: Uint8Array) => (update = u));
        writer.getText('t').insert(0, `${i}`);
        await store.append([{ doc, entries: [{ update: update!, author: 'alice', receivedAt: THREE_DAYS_AGO_IN_ONE_HOUR + i * 1000 }] }]);
      }
    }
    await store.close();
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await runDataCommand('compact', [...argv, '--data-dir', dataDir], {}, { out: (t) => out.push(t), err: () => {} });
    return { code, out };
  };
  const counts = async () => {
    const store = openSqliteStore({ dataDir });
    try {
      return (await store.listDocuments()).map((d) => [d.name, d.updateCount]);
    } finally {
      await store.close();
    }
  };

  it('compacts every document with --all, durations for the policy, and changes nothing with --dry-run', async () => {
    const dry = await run('--all', '--keep-all-for', '1d', '--bucket', '1h', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toEqual([expect.stringMatching(/^would compact a: 10 → 1 updates/), expect.stringMatching(/^would compact b: 10 → 1 updates/)]);
    expect(await counts()).toEqual([['a', 10], ['b', 10]]);

    expect((await run('b', '--keep-all-for', '1d')).out).toEqual([expect.stringMatching(/^compacted b: 10 → 1 updates/)]);
    expect((await run('--all', '--keep-all-for', '4d')).out).toEqual([expect.stringMatching(/^compacted a: 10 → 10 updates/), expect.stringMatching(/^compacted b: 1 → 1 updates/)]);
    expect(await counts()).toEqual([['a', 10], ['b', 1]]);
    await expect(run('a', '--all')).rejects.toBeInstanceOf(ConfigError);
    await expect(run('--all', '--bucket', 'hourly')).rejects.toThrow(/Invalid --bucket="hourly"/);
  });
});

describe('data commands on PostgreSQL (--database-url, DATABASE_URL)', () => {
  let db: TestSchema;
  beforeEach(async () => {
    db = testSchema('clidata');
    const store = await openPostgresStore({ url: db.url, schema: db.schema, poolSize: 2 });
    const writer = new Y.Doc();
    for (let i = 0; i < 10; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      writer.getText('t').insert(0, `${i}`);
      await store.append([{ doc: 'pg/doc', entries: [{ update: update!, author: 'alice', receivedAt: THREE_DAYS_AGO_IN_ONE_HOUR + i * 1000 }] }]);
    }
    await store.close();
  });
  afterEach(async () => {
    await db.drop();
  });

  const run = async (command: string, argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runDataCommand(command, argv, env, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out, err };
  };

  it('lists, verifies and compacts the documents of a schema, and refuses backup/restore', async () => {
    const docs = await run('docs', ['--database-url', db.url, '--database-schema', db.schema]);
    expect(docs.out[1]).toMatch(/^pg\/doc\s+10\s+/);
    // From the environment, as the server reads it.
    const verified = await run('verify', ['pg/doc'], { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema });
    expect(verified).toMatchObject({ code: 0, out: ['ok: 10 updates, 0 checkpoints checked'] });
    const compacted = await run('compact', ['pg/doc', '--keep-all-for', '1d', '--database-url', db.url, '--database-schema', db.schema]);
    expect(compacted.out).toEqual([expect.stringMatching(/^compacted pg\/doc: 10 → 1 updates/)]);
    expect((await run('docs', [], { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema })).out[1]).toMatch(/^pg\/doc\s+1\s+/);
    await expect(run('backup', ['x.sqlite', '--database-url', db.url])).rejects.toThrow(/pg_dump/);
    await expect(run('restore', ['x.sqlite'], { DATABASE_URL: db.url })).rejects.toThrow(/pg_restore/);
    await expect(run('docs', ['--database-url', 'mysql://x'])).rejects.toBeInstanceOf(ConfigError);
    // A schema that holds no store: the reading commands do not create one.
    await expect(run('docs', ['--database-url', db.url, '--database-schema', `${db.schema}_none`])).rejects.toMatchObject({ code: 'read-failed' });
  });
});

describe('tandem purge', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-purge-'));
    const store = openSqliteStore({ dataDir });
    const day = 24 * HOUR;
    for (const doc of ['old', 'recent', 'live']) {
      const writer = new Y.Doc();
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      writer.getText('t').insert(0, doc);
      await store.append([{ doc, entries: [{ update: update!, author: 'alice', receivedAt: Date.now() }] }]);
    }
    await store.trashDocument('old', { at: Date.now() - 40 * day, by: 'alice' });
    await store.trashDocument('recent', { at: Date.now() - 2 * day, by: 'alice' });
    await store.close();
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });
  const run = async (command: string, ...argv: string[]) => {
    const out: string[] = [];
    const code = await runDataCommand(command, [...argv, '--data-dir', dataDir], {}, { out: (t) => out.push(t), err: () => {} });
    return { code, out };
  };
  const names = async () => {
    const store = openSqliteStore({ dataDir, readOnly: true });
    try {
      return (await store.listDocuments()).map((d) => d.name);
    } finally {
      await store.close();
    }
  };

  it('purges what has been in the trash longer than --trash-days, one document by name, and never one outside the trash', async () => {
    expect((await run('docs')).out.join('\n')).toMatch(/old .*\(in the trash since/);
    expect(await run('purge', '--expired')).toEqual({ code: 0, out: ['purged old', '1 document(s) purged (in the trash longer than 30 days)'] });
    expect(await names()).toEqual(['live', 'recent']);
    await expect(run('purge', 'live')).rejects.toThrow(/not in the trash/);
    expect((await run('purge', 'recent')).out).toEqual(['purged recent']);
    expect(await names()).toEqual(['live']);
    await expect(run('purge', '--expired', '--trash-days', '0')).rejects.toThrow(ConfigError);
  });
});

describe('tandem history', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-history-'));
    const store = openSqliteStore({ dataDir });
    const writer = new Y.Doc();
    for (let i = 0; i < 3; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      writer.getText('t').insert(0, `${i}`);
      await store.append([{ doc: 'a', entries: [{ update: update!, author: 'alice', receivedAt: Date.now() }] }]);
    }
    await store.close();
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reads an empty environment variable as unset, as the server does (TRASH_DAYS=)', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => {} };
    expect(await runDataCommand('purge', ['--expired', '--data-dir', dataDir], { TRASH_DAYS: '' }, io)).toBe(0);
    expect(out.at(-1)).toMatch(/in the trash longer than 30 days/);
  });

  it('refuses an --after that is not a seq, rather than printing no sessions and exiting 0', async () => {
    const io = { out: () => {}, err: () => {} };
    expect(await runDataCommand('history', ['a', '--data-dir', dataDir], {}, io)).toBe(0);
    for (const after of ['abc', '-1', '1.5']) {
      await expect(runDataCommand('history', ['a', '--after', after, '--data-dir', dataDir], {}, io)).rejects.toThrow(/--after/);
    }
  });
});

describe('tandem export', () => {
  let dir: string;
  let dataDir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-export-'));
    dataDir = path.join(dir, 'data');
    const store = openSqliteStore({ dataDir });
    const writer = new Y.Doc();
    for (let i = 0; i < 5; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      writer.getXmlFragment('prosemirror').insert(i, [new Y.XmlElement('paragraph')]);
      await store.append([{ doc: 'a', entries: [{ update: update!, author: 'alice', receivedAt: Date.UTC(2026, 10, 25, 10, i) }] }]);
    }
    await store.close();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const exportArgs = (...argv: string[]) => runDataCommand('export', ['a', ...argv, '--data-dir', dataDir], {}, quiet);

  it('refuses a --seq or --at that is not one, naming the flag and the form it takes, and writes nothing', async () => {
    const out = path.join(dir, 'a.json');
    const bad: Array<[string, string, RegExp]> = [
      ['--seq', '', /--seq="".*whole number from 0/],
      ['--seq', 'abc', /--seq="abc".*whole number from 0/],
      ['--seq', '-1', /--seq="-1".*whole number from 0/],
      ['--seq', '1.5', /--seq="1.5".*whole number from 0/],
      ['--seq', '0x2', /--seq="0x2".*whole number from 0/],
      ['--seq', '1e1', /--seq="1e1".*whole number from 0/],
      ['--seq', '99999999999999999999', /--seq="99999999999999999999".*whole number from 0/],
      ['--seq', '6', /--seq=6 is past the last version of "a" \(5\)/],
      ['--at', '1', /--at="1".*ISO 8601 time/],
      ['--at', '12', /--at="12".*ISO 8601 time/],
      ['--at', '', /--at="".*ISO 8601 time/],
      ['--at', 'yesterday', /--at="yesterday".*ISO 8601 time/],
      ['--at', '2026-02-30', /--at="2026-02-30".*ISO 8601 time/],
      ['--at', '2026-13-01T00:00:00Z', /--at="2026-13-01T00:00:00Z".*ISO 8601 time/],
      ['--at', '+275760-09-13T00:00:00Z', /--at=.*ISO 8601 time/],
    ];
    for (const [flag, value, message] of bad) {
      const error = await exportArgs(`${flag}=${value}`, '--out', out).then(() => undefined, (e: unknown) => e);
      expect(error, `${flag}=${value}`).toBeInstanceOf(ConfigError);
      expect((error as Error).message, `${flag}=${value}`).toMatch(message);
      expect(existsSync(out), `${flag}=${value}`).toBe(false);
    }
    // What it takes.
    expect(await exportArgs('--seq', '0', '--out', out)).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).seq).toBe(0);
    expect(await exportArgs('--seq', '3', '--out', out)).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).seq).toBe(3);
    expect(await exportArgs('--at', '2026-11-25T10:02:30Z', '--out', out)).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).seq).toBe(3);
    expect(await exportArgs('--at', '2026-11-26', '--out', out)).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).seq).toBe(5);
  });

  it('refuses an unknown --format and an --out it cannot write with a message (exit 2), not a stack trace', async () => {
    await expect(exportArgs('--format', 'pdf')).rejects.toThrow(ConfigError);
    await expect(exportArgs('--format', 'pdf')).rejects.toThrow(/--format="pdf".*json, html, markdown \(md\), text \(txt\) or yjs/);
    const nowhere = path.join(dir, 'no-such-dir', 'a.md');
    await expect(exportArgs('--format', 'md', '--out', nowhere)).rejects.toThrow(ConfigError);
    await expect(exportArgs('--format', 'md', '--out', nowhere)).rejects.toThrow(/cannot write --out .*no-such-dir/);
    await expect(runDataCommand('export', ['nope', '--data-dir', dataDir], {}, quiet)).rejects.toThrow(/No document named "nope"/);
  });

  it('refuses an --out that is the store (or its WAL), which it would have written the export over', async () => {
    const store = path.join(dataDir, 'tandem.sqlite');
    const before = readFileSync(store);
    for (const out of [store, `${store}-wal`, path.join(dataDir, '..', 'data', 'tandem.sqlite')]) {
      await expect(exportArgs('--out', out), out).rejects.toThrow(/--out .* is the store/);
    }
    expect(readFileSync(store).equals(before)).toBe(true);
    expect(await exportArgs('--seq', '2', '--format', 'text')).toBe(0);
  });
});

describe('the data commands on a mistyped data directory or document, and empty flag values', () => {
  let dir: string;
  let dataDir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-args-'));
    dataDir = path.join(dir, 'data');
    await seedStore(dataDir, ['a'], 5);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const updates = async () => {
    const store = openSqliteStore({ dataDir, readOnly: true });
    try {
      return (await store.getDocument('a'))?.updateCount;
    } finally {
      await store.close();
    }
  };

  it('compact and purge refuse a data directory with no store, rather than creating an empty one there', async () => {
    const typo = path.join(dir, 'dta');
    for (const argv of [['compact', 'a'], ['compact', '--all'], ['purge', '--expired'], ['purge', 'a']]) {
      const [command, ...rest] = argv as [string, ...string[]];
      await expect(runDataCommand(command, [...rest, '--data-dir', typo], {}, quiet), argv.join(' ')).rejects.toThrow(/No store at .*dta/);
      expect(existsSync(typo), argv.join(' ')).toBe(false);
    }
    // As the reading commands already did.
    await expect(runDataCommand('docs', ['--data-dir', typo], {}, quiet)).rejects.toThrow(/No store at/);
  });

  it('refuses an empty or malformed number for compact, purge and history, rather than reading it as 0', async () => {
    for (const argv of [['compact', 'a', '--keep-days', ''], ['compact', 'a', '--keep-days', ' '], ['compact', 'a', '--keep-days', '0x1']]) {
      const [command, ...rest] = argv as [string, ...string[]];
      const error = await runDataCommand(command, [...rest, '--data-dir', dataDir], {}, quiet).then(() => undefined, (e: unknown) => e);
      expect(error, argv.join(' ')).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/--keep-days=.*a number of days/);
    }
    expect(await updates()).toBe(5);
    await expect(runDataCommand('purge', ['--expired', '--trash-days', '1e1', '--data-dir', dataDir], {}, quiet)).rejects.toThrow(/--trash-days="1e1".*whole number from 1/);
    await expect(runDataCommand('purge', ['--expired', '--data-dir', dataDir], { TRASH_DAYS: 'x' }, quiet)).rejects.toThrow(/TRASH_DAYS="x"/);
    for (const limit of ['', 'abc', '0', '1.5']) {
      await expect(runDataCommand('history', ['a', '--limit', limit, '--data-dir', dataDir], {}, quiet), limit).rejects.toThrow(/--limit=.*whole number from 1/);
    }
  });

  it('refuses a second name rather than working on the first alone (an unquoted name with a space, two documents)', async () => {
    for (const argv of [['compact', 'a', 'b'], ['purge', 'a', 'b'], ['export', 'team', 'notes'], ['verify', 'a', 'b'], ['history', 'a', 'b'], ['backup', 'x.sqlite', 'y.sqlite'], ['docs', 'a']]) {
      const [command, ...rest] = argv as [string, ...string[]];
      const error = await runDataCommand(command, [...rest, '--data-dir', dataDir], {}, quiet).then(() => undefined, (e: unknown) => e);
      expect(error, argv.join(' ')).toBeInstanceOf(ConfigError);
      expect((error as Error).message, argv.join(' ')).toMatch(/takes (one|no) (argument|document name|file)/);
    }
    expect(await updates()).toBe(5);
    expect(readdirSync(dir)).toEqual(['data']);
  });

  it('copy refuses a --batch that is not a whole number in digits, before opening either store', async () => {
    const to = path.join(dir, 'copy');
    for (const batch of ['', '1e3', '0x10', ' 5', '0']) {
      await expect(runDataCommand('copy', ['--from', dataDir, '--to', to, '--batch', batch], {}, quiet), JSON.stringify(batch)).rejects.toThrow(/--batch=.*whole number from 1/);
    }
    expect(existsSync(to)).toBe(false);
  });

  it('verify of a document that does not exist says so (exit 2), not FAILED as a damaged log is (exit 1)', async () => {
    const out: string[] = [];
    await expect(runDataCommand('verify', ['nope', '--data-dir', dataDir], {}, { out: (t) => out.push(t), err: () => {} })).rejects.toThrow(ConfigError);
    expect(out).toEqual([]);
    await expect(runDataCommand('verify', ['nope', '--data-dir', dataDir], {}, quiet)).rejects.toThrow(/No document named "nope"/);
    expect(await runDataCommand('verify', ['a', '--data-dir', dataDir], {}, quiet)).toBe(0);
  });
});

describe('the data commands on a data directory this user may not read', () => {
  // The built CLI without the right to read the directory: as root (which reads any directory) without its
  // capabilities to bypass permissions (setpriv), not as another user: that user may not be able to read the
  // checkout itself (a clone under a mode-700 temporary directory, as CI makes; found by CI).
  const MAIN = path.resolve(import.meta.dirname, '../../dist/main.js');
  let dir: string;
  let dataDir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-perm-'));
    chmodSync(dir, 0o755);
    dataDir = path.join(dir, 'data');
    await seedStore(dataDir, ['a'], 3);
    writeFileSync(path.join(dir, 'backup.sqlite'), readFileSync(path.join(dataDir, 'tandem.sqlite')));
    chmodSync(path.join(dir, 'backup.sqlite'), 0o644);
    chmodSync(dataDir, 0o000);
  });
  afterEach(async () => {
    chmodSync(dataDir, 0o700);
    await rm(dir, { recursive: true, force: true });
  });
  const asOther = (...argv: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const node = [process.execPath, MAIN, ...argv, '--data-dir', dataDir];
      const [file, ...args] = process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--', ...node] : node;
      execFile(file!, args, { cwd: dir }, (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? null), stderr }),
      );
    });

  it('says the directory cannot be read (exit 2), not that there is no store there, nor a stack trace', async () => {
    for (const argv of [['docs'], ['export', 'a'], ['compact', 'a'], ['backup', path.join(dir, 'out.sqlite')], ['restore', path.join(dir, 'backup.sqlite'), '--force'], ['revoke', '--user', 'mallory']]) {
      const { code, stderr } = await asOther(...argv);
      expect({ code, stderr }, argv.join(' ')).toMatchObject({ code: 2, stderr: expect.stringMatching(/permission denied|EACCES/i) });
      expect(stderr, argv.join(' ')).not.toMatch(/No store at|\n\s+at /);
    }
  });
});
