import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { copyStore } from './copy-store.js';
import { verifyCopy } from './verify-copy.js';

// The README: a running server's data directory is fine as `tandem copy --from`. The copy takes each
// document as it was when it started; what the server writes meanwhile is not a difference.
describe('copying from a source a running server keeps writing to', () => {
  let dir: string;
  const open: DocumentStore[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-copy-live-'));
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('copies and verifies the document as it was at the start while the server appends, checkpoints, names a version and sees its author', async () => {
    const server = openSqliteStore({ dataDir: path.join(dir, 'source') });
    open.push(server);
    const writer = new Y.Doc();
    const typed: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => typed.push(u));
    const type = async (n: number) => {
      for (let i = 0; i < n; i++) writer.getText('t').insert(0, 'x');
      const seenAt = Date.now();
      const [{ lastSeq }] = await server.append([{ doc: 'notes', entries: typed.splice(0).map((update) => ({ update, author: 'alice', receivedAt: seenAt })) }]);
      await server.recordAuthors([{ id: 'alice', name: 'Alice', verified: true, seenAt }]);
      return lastSeq!;
    };
    await type(40);
    await server.createVersion('notes', { label: 'before', seq: 40, author: 'alice', createdAt: Date.now() });
    // The CLI opens the running server's store read-only, as `tandem copy --from <data dir>` does.
    const source = openSqliteStore({ dataDir: path.join(dir, 'source'), readOnly: true });
    const target = openSqliteStore({ dataDir: path.join(dir, 'target') });
    open.push(source, target);
    let typing: Promise<void> | undefined;
    const report = await copyStore(source, target, {
      batchSize: 10,
      onProgress: (p) => {
        if (p.phase !== 'copy' || typing !== undefined) return;
        // Someone types on the server while the copy runs: updates, a checkpoint at the new head, a
        // version named there, and a later sighting of the author (her new name and lastSeen).
        typing = (async () => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          const seq = await type(3);
          await server.writeCheckpoint('notes', { seq, state: Y.encodeStateAsUpdate(writer), createdAt: Date.now() });
          await server.createVersion('notes', { label: 'during the copy', seq, author: 'alice', createdAt: Date.now() });
          await server.recordAuthors([{ id: 'alice', name: 'Alice B.', verified: true, seenAt: Date.now() + 1 }]);
        })();
      },
    });
    await typing;
    expect((await source.getDocument('notes'))!.lastSeq).toBe(43);
    // The copy holds the 40 updates there were when it started, and what was named up to them.
    expect((await target.getDocument('notes'))!.lastSeq).toBe(40);
    expect((await target.listVersions('notes')).map((v) => v.label)).toEqual(['before']);
    expect(report.documents[0]!.verification.problems).toEqual([]);
    expect(report.ok).toBe(true);
    // Run again once the server is quiet: the rest goes over and verifies too.
    const again = await copyStore(source, target);
    expect(again.ok).toBe(true);
    expect(again.documents[0]!.updatesInserted).toBe(3);
    expect((await target.listVersions('notes')).map((v) => v.label).sort()).toEqual(['before', 'during the copy']);
  });

  it('still reports a target that holds more than the source did at the start', async () => {
    const source = openSqliteStore({ dataDir: path.join(dir, 'source') });
    const target = openSqliteStore({ dataDir: path.join(dir, 'target') });
    open.push(source, target);
    const update = Y.encodeStateAsUpdate(new Y.Doc());
    await source.append([{ doc: 'notes', entries: [{ update, author: 'alice', receivedAt: 1 }] }]);
    const asOf = Date.now();
    const info = (await source.getDocument('notes'))!;
    expect((await copyStore(source, target)).ok).toBe(true);
    await target.append([{ doc: 'notes', entries: [{ update, author: 'mallory', receivedAt: 2 }] }]);
    const report = await verifyCopy(source, target, 'notes', { source: info, asOf });
    expect(report.problems).toEqual([expect.stringContaining('document rows differ'), expect.stringContaining('the logs differ (source 1 updates, target 2; first at seq 2)')]);
  });
});
