import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { compactDocument } from './compact.js';

const HOUR = 3_600_000;
const THREE_DAYS_AGO = Math.floor((Date.now() - 3 * 24 * HOUR) / HOUR) * HOUR + 60_000;

describe('compacting a document whose log holds an update that cannot be decoded', () => {
  let dir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-compact-damaged-'));
    store = openSqliteStore({ dataDir: dir });
    const writer = new Y.Doc();
    for (let i = 0; i < 10; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      writer.getText('t').insert(0, `${i}`);
      await store.append([{ doc: 'damaged', entries: [{ update: update!, author: 'alice', receivedAt: THREE_DAYS_AGO + i * 1000 }] }]);
    }
    // A damaged row (a disk, an earlier release), in the same hour as the rest.
    await store.append([{ doc: 'damaged', entries: [{ update: new Uint8Array([1, 1, 200, 3, 255, 9, 9, 9]), author: 'x', receivedAt: THREE_DAYS_AGO + 20_000 }] }]);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses with PersistenceError('corrupt-data') naming the document and the update, and changes nothing", async () => {
    const before = await store.readUpdates('damaged');
    for (const dryRun of [true, false]) {
      await expect(compactDocument(store, 'damaged', { keepAllForMs: 86_400_000, bucketMs: HOUR }, { dryRun })).rejects.toMatchObject({
        name: 'PersistenceError',
        code: 'corrupt-data',
        doc: 'damaged',
        message: 'Update 11 of "damaged" cannot be decoded',
      });
    }
    expect(await store.readUpdates('damaged')).toEqual(before);
  });
});
