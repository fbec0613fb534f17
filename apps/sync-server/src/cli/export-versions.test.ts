import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '@tandem/persistence';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { runDataCommand } from './data-commands.js';

const HOUR = 3_600_000;
const THREE_DAYS_AGO = Math.floor((Date.now() - 3 * 24 * HOUR) / HOUR) * HOUR + 60_000;
const at = (i: number) => THREE_DAYS_AGO + i * 1000;

describe('tandem export: which version it wrote, and when that version was', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-export-versions-'));
    const store = openSqliteStore({ dataDir });
    const writer = new Y.Doc();
    const fragment = writer.getXmlFragment('prosemirror');
    for (let i = 1; i <= 10; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`line ${i}`)]);
      fragment.insert(fragment.length, [p]);
      await store.append([{ doc: 'notes', entries: [{ update: update!, author: i % 2 ? 'alice' : 'bob', receivedAt: at(i) }] }]);
    }
    await store.close();
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const run = async (command: string, ...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runDataCommand(command, [...argv, '--data-dir', dataDir], {}, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('--seq merged away by compaction, printed to stdout, says on stderr which version it printed (as --out does)', async () => {
    expect(await run('export', 'notes', '--seq', '3', '--format', 'text')).toEqual({ code: 0, out: 'line 1\nline 2\nline 3', err: '' });
    expect((await run('compact', 'notes', '--keep-all-for', '1d')).code).toBe(0);
    const merged = await run('export', 'notes', '--seq', '3', '--format', 'text');
    expect(merged.out).toContain('line 10');
    expect(merged.err).toBe('printed version 10; version 3 was merged into it by compaction');
    const out = path.join(dataDir, 'notes.txt');
    expect((await run('export', 'notes', '--seq', '3', '--format', 'text', '--out', out)).err).toBe(`wrote ${out} (version 10; version 3 was merged into it by compaction)`);
    // A version that is there is printed with nothing said.
    expect(await run('export', 'notes', '--seq', '10', '--format', 'text')).toMatchObject({ code: 0, err: '' });
  });

  it('dates the JSON export by its version, as the API does, with --at, --seq or neither (not "at": null)', async () => {
    const asked = new Date(at(3) + 500).toISOString();
    const json = async (...argv: string[]) => JSON.parse((await run('export', 'notes', ...argv, '--format', 'json')).out) as { seq: number; at: string | null };
    expect(await json('--at', asked)).toMatchObject({ seq: 3, at: new Date(at(3)).toISOString() });
    expect(await json('--seq', '5')).toMatchObject({ seq: 5, at: new Date(at(5)).toISOString() });
    expect(await json()).toMatchObject({ seq: 10, at: new Date(at(10)).toISOString() });
    expect(await json('--seq', '0')).toMatchObject({ seq: 0, at: null });
  });
});
