import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestSchema, testSchema } from '@tandem/persistence/testing/postgres';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { quiet, seedStore } from '../testing/cli-stores.js';
import { runCopyCommand } from './copy-command.js';

describe('tandem copy refused before it copies anything leaves nothing at the target', () => {
  let dir: string;
  let db: TestSchema;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-copy-refused-'));
    db = testSchema('copyrefused');
    await seedStore(path.join(dir, 'source'), ['notes'], 2);
  });
  afterEach(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });
  const copy = (...argv: string[]) => runCopyCommand(argv, quiet);

  it('a mistyped --doc makes no data directory, and no store in one that exists', async () => {
    const target = path.join(dir, 'new', 'target');
    await expect(copy('--from', path.join(dir, 'source'), '--to', target, '--doc', 'noets')).rejects.toThrow(
      new ConfigError(`The source (${path.join(dir, 'source', 'tandem.sqlite')}) holds no document named "noets"`),
    );
    expect(existsSync(path.join(dir, 'new'))).toBe(false);
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    await expect(copy('--from', path.join(dir, 'source'), '--to', empty, '--doc', 'noets')).rejects.toBeInstanceOf(ConfigError);
    expect(await readdir(empty)).toEqual([]);
  });

  it('a --from with no store makes no data directory at the target', async () => {
    const target = path.join(dir, 'target');
    await expect(copy('--from', path.join(dir, 'no-such-dir'), '--to', target)).rejects.toThrow(/cannot open the source \(--from\)/);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(path.join(dir, 'no-such-dir'))).toBe(false);
  });

  it('a mistyped --doc creates no tables in a PostgreSQL target', async () => {
    await expect(copy('--from', path.join(dir, 'source'), '--to', db.url, '--to-schema', db.schema, '--doc', 'noets')).rejects.toBeInstanceOf(ConfigError);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1', [db.schema]);
      expect(rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('a copy that is refused after the target was opened takes back the store it made, and keeps one it did not make', async () => {
    // Stopped (Ctrl-C) before its first batch: nothing was copied into the store it made.
    const target = path.join(dir, 'made');
    const signal = AbortSignal.abort(new Error('interrupted'));
    await expect(runCopyCommand(['--from', path.join(dir, 'source'), '--to', target], quiet, signal)).rejects.toThrow('interrupted');
    expect(existsSync(target)).toBe(false);
    // A finished copy stays; one interrupted after it does not take it away.
    expect(await copy('--from', path.join(dir, 'source'), '--to', target)).toBe(0);
    await expect(runCopyCommand(['--from', path.join(dir, 'source'), '--to', target], quiet, signal)).rejects.toThrow('interrupted');
    expect(await readdir(target)).toContain('tandem.sqlite');
  });
});
