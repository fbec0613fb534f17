import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { copyStore } from './copy-store.js';

describe('copying again after the source changed', () => {
  let dir: string;
  const open: DocumentStore[] = [];
  let source: DocumentStore;
  let target: DocumentStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-copy-rerun-'));
    source = openSqliteStore({ dataDir: path.join(dir, 'source') });
    target = openSqliteStore({ dataDir: path.join(dir, 'target') });
    open.push(source, target);
    const writer = new Y.Doc();
    const typed: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => typed.push(u));
    for (let i = 0; i < 3; i++) {
      writer.getText('t').insert(0, `${i}`);
      await source.append([{ doc: 'plan', entries: typed.splice(0).map((update) => ({ update, author: 'alice', receivedAt: Date.now() })) }]);
    }
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a document renamed in the source since the earlier run, naming both names, rather than "all verified" with two documents', async () => {
    expect((await copyStore(source, target)).ok).toBe(true);
    await source.renameDocument('plan', 'plan-2027', Date.UTC(2027, 0, 1));
    const again = await copyStore(source, target);
    expect(again.ok).toBe(false);
    expect(again.documents.map((d) => [d.doc, d.verification.problems])).toEqual([
      [
        'plan-2027',
        [
          'the source renamed "plan" to "plan-2027" (2027-01-01T00:00:00.000Z), but the target still holds a document named "plan", so that name ' +
            'is not a redirect there: remove "plan" from the target and run the copy again',
        ],
      ],
    ]);
    expect(again.redirects).toBe(0);
  });

  // Found by a review: a rerun kept the target's trash entry and named versions as the earlier run left them,
  // and, differing from the source, never verified again.
  it('a document taken out of the trash in the source since the earlier run is taken out of it in the target', async () => {
    await source.trashDocument('plan', { at: Date.now(), by: 'alice' });
    expect((await copyStore(source, target)).ok).toBe(true);
    await source.untrashDocument('plan'); // restored from the trash on the old server
    const again = await copyStore(source, target);
    expect(await target.inTrash('plan')).toBeUndefined();
    expect(again.documents[0]!.verification.problems).toEqual([]);
  });

  it('a document trashed again in the source since the earlier run has the source\'s trash entry in the target', async () => {
    await source.trashDocument('plan', { at: Date.UTC(2026, 0, 1), by: 'alice' });
    expect((await copyStore(source, target)).ok).toBe(true);
    await source.untrashDocument('plan');
    await source.trashDocument('plan', { at: Date.UTC(2026, 5, 1), by: 'bob' });
    const again = await copyStore(source, target);
    expect(await target.inTrash('plan')).toEqual(await source.inTrash('plan'));
    expect(again.ok).toBe(true);
  });

  it('a named version renamed or deleted in the source since the earlier run is renamed or gone in the target', async () => {
    await source.createVersion('plan', { label: 'draft', seq: 2, author: 'alice', createdAt: Date.now() });
    await source.createVersion('plan', { label: 'outline', seq: 1, author: 'alice', createdAt: Date.now() });
    expect((await copyStore(source, target)).ok).toBe(true);
    const [draft, outline] = await source.listVersions('plan').then((vs) => [vs.find((v) => v.label === 'draft')!, vs.find((v) => v.label === 'outline')!]);
    await source.renameVersion('plan', draft.id, 'final draft');
    await source.deleteVersion('plan', outline.id);
    const again = await copyStore(source, target);
    expect((await target.listVersions('plan')).map((v) => v.label)).toEqual(['final draft']);
    expect(again.ok).toBe(true);
  });
});
