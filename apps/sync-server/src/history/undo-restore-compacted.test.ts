// "Undo restore" after the history sweep merged the restore into a range: the restore's seq ends the
// merged range (it was the last update of its bucket before newer edits), so getRestore(seq) still
// finds it and the undo job reads the merged update (every edit of the range) as "the restore" and
// materializes seq - 1 (merged away: the state before the range) as "before". The undo then takes back
// every edit of the range, not just the restore.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FRAGMENT } from '@tandem/schema';
import { compactDocument, type DocumentStore, materialize, openSqliteStore, PersistenceError } from '@tandem/persistence';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { runHistoryJob } from './jobs.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 25, 12);
const DOC = 'notes';

function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

const textOf = (doc: Y.Doc) =>
  doc
    .getXmlFragment(FRAGMENT)
    .toArray()
    .map((n) => (n as Y.XmlElement).toArray().map((t) => (t as Y.XmlText).toString()).join(''));

describe('undo restore after compaction', () => {
  let dataDir: string;
  let store: DocumentStore;
  let live: Y.Doc;
  beforeEach(async () => {
    live = new Y.Doc();
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-undo-compacted-'));
    store = openSqliteStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The live document, fed by `edit` and `commit`; each update is appended at `at` by `author`. */
  const commit = async (update: Uint8Array, author: string, at: number) => {
    Y.applyUpdate(live, update);
    const [r] = await store.append([{ doc: DOC, entries: [{ update, author, receivedAt: at }] }]);
    return r!.lastSeq;
  };
  const edit = async (author: string, at: number, change: (fragment: Y.XmlFragment) => void) => {
    let update: Uint8Array | undefined;
    const handler = (u: Uint8Array) => (update = u);
    live.on('update', handler);
    change(live.getXmlFragment(FRAGMENT));
    live.off('update', handler);
    const [r] = await store.append([{ doc: DOC, entries: [{ update: update!, author, receivedAt: at }] }]);
    return r!.lastSeq;
  };

  /** `compact`: as this release compacts; `unprotected`: as earlier ones did, merging a restore with the updates before it. */
  async function scenario(compact: false | 'compact' | 'unprotected') {
    const t0 = NOW - 40 * DAY;
    const v1 = await edit('alice', t0, (f) => f.insert(0, [paragraph('Hello from Alice')]));
    await edit('bob', t0 + 60_000, (f) => f.insert(1, [paragraph('Bob’s important line')]));
    // Carol restores version 1 (what POST …/restore does: the restore job, then recordRestore).
    const restoreUpdate = (await runHistoryJob(store, { kind: 'restore', doc: DOC, seq: v1, current: Y.encodeStateAsUpdate(live) })) as Uint8Array;
    const restoreSeq = await commit(restoreUpdate, 'carol', t0 + 120_000);
    await store.recordRestore(DOC, { seq: restoreSeq, restoredTo: v1, author: 'carol', at: t0 + 120_000 });
    expect(textOf(live)).toEqual(['Hello from Alice']);
    // A recent edit, so the restore is not the log's last update.
    await edit('alice', NOW - HOUR, (f) => f.insert(1, [paragraph('Recent')]));
    if (compact) {
      // An earlier release knew nothing of restores when it chose what to merge.
      const compacting = compact === 'compact' ? store : new Proxy(store, { get: (target, key) => (key === 'listRestores' ? async () => [] : Reflect.get(target, key, target)) });
      const report = await compactDocument(compacting, DOC, { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW });
      expect(report.rangesMerged).toBe(1);
      // This release keeps the restore apart: the update before it ends a range, and it stands alone.
      const seqs = (await store.readUpdates(DOC)).map((u) => u.seq);
      if (compact === 'compact') expect(seqs).toEqual([restoreSeq - 1, restoreSeq, restoreSeq + 1]);
      else expect(seqs).toEqual([restoreSeq, restoreSeq + 1]);
    }
    // "Undo restore" as POST …/restore/undo runs it: still recorded as a restore at its seq.
    expect(await store.getRestore(DOC, restoreSeq)).toBeDefined();
    let undo: Uint8Array;
    try {
      undo = (await runHistoryJob(store, { kind: 'undo-restore', doc: DOC, seq: restoreSeq, current: Y.encodeStateAsUpdate(live) })) as Uint8Array;
    } catch (error) {
      // Refusing (the restore cannot be told apart from the range merged with it) loses nothing.
      if (error instanceof PersistenceError && error.code === 'out-of-range') return 'refused';
      throw error;
    }
    Y.applyUpdate(live, undo);
    return textOf(live);
  }

  it('without compaction: brings back what the restore removed and keeps everything else', async () => {
    expect(((await scenario(false)) as string[]).sort()).toEqual(['Bob’s important line', 'Hello from Alice', 'Recent']);
  });

  it('after compaction: takes back only the restore, which compaction keeps apart', async () => {
    expect(((await scenario('compact')) as string[]).sort()).toEqual(['Bob’s important line', 'Hello from Alice', 'Recent']);
  });

  it('after an earlier release merged the restore into a range: refuses, and never takes back other edits', async () => {
    const result = await scenario('unprotected');
    // Never lose Alice's paragraph (written before the restore, untouched by it), nor the recent edit.
    expect(result).toBe('refused');
    // Sanity: the document the history shows at the end is what the live document holds.
    const head = await materialize(store, DOC, (await store.getDocument(DOC))!.lastSeq);
    expect(textOf(head)).toEqual(['Hello from Alice', 'Recent']);
  });
});
