import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { loadDocument } from './load-document.js';

/** Appends `count` single-character typing updates to `name`; returns the final text. */
async function typeInto(store: DocumentStore, name: string, count: number, checkpointEvery?: number): Promise<string> {
  const writer = new Y.Doc();
  const updates: Uint8Array[] = [];
  writer.on('update', (u: Uint8Array) => updates.push(u));
  const text = writer.getText('t');
  for (let i = 0; i < count; i++) {
    if (i % 7 === 6) text.delete(text.length - 1, 1);
    else text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  }
  let seq = 0;
  for (const update of updates) {
    await store.append([{ doc: name, entries: [{ update, author: 'w', receivedAt: Date.now() }] }]);
    seq += 1;
    if (checkpointEvery !== undefined && seq % checkpointEvery === 0) {
      const replica = new Y.Doc();
      for (const u of updates.slice(0, seq)) Y.applyUpdate(replica, u);
      await store.writeCheckpoint(name, { seq, state: Y.encodeStateAsUpdate(replica), createdAt: Date.now() });
    }
  }
  return text.toString();
}

describe('loadDocument', () => {
  let dataDir: string;
  let store: DocumentStore;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-load-'));
    store = openSqliteStore({ dataDir });
  });

  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loads an unknown document as empty, at seq 0', async () => {
    const doc = new Y.Doc();
    expect(await loadDocument(store, 'new', doc, 'load')).toEqual({ lastSeq: 0, checkpointSeq: 0, tailLength: 0, sizeBytes: 0, loadedBytes: 0 });
    expect(doc.getText('t').toString()).toBe('');
  });

  it('replays the whole log when there is no checkpoint', async () => {
    const expected = await typeInto(store, 'plain', 120);
    const doc = new Y.Doc();
    expect(await loadDocument(store, 'plain', doc, 'load')).toMatchObject({ lastSeq: 120, checkpointSeq: 0, tailLength: 120 });
    expect(doc.getText('t').toString()).toBe(expected);
  });

  it('starts from the latest checkpoint and reads only the tail after it', async () => {
    const expected = await typeInto(store, 'long', 1030, 250);
    const doc = new Y.Doc();
    const origins: unknown[] = [];
    doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
    expect(await loadDocument(store, 'long', doc, 'load')).toMatchObject({ lastSeq: 1030, checkpointSeq: 1000, tailLength: 30 });
    expect(doc.getText('t').toString()).toBe(expected);
    expect(origins).toEqual(['load']); // one transaction, with the caller's origin
  });

  it('throws corrupt-data instead of returning a partial document', async () => {
    await typeInto(store, 'bad', 10);
    await store.append([{ doc: 'bad', entries: [{ update: new Uint8Array([0xff, 0xff]), author: 'x', receivedAt: 1 }] }]);
    await expect(loadDocument(store, 'bad', new Y.Doc(), 'load')).rejects.toMatchObject({
      name: 'PersistenceError',
      code: 'corrupt-data',
      doc: 'bad',
    });
  });
});
