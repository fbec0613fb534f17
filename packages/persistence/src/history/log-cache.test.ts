import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { LogCache } from './log-cache.js';
import { VersionCache } from './version-cache.js';

describe('history caches when a name comes to hold another document', () => {
  let dir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-cache-'));
    store = openSqliteStore({ dataDir: dir, synchronous: 'normal' });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  /** Appends `texts` to `doc`, each as one update typed into a fresh document, received at `at`. */
  const write = async (doc: string, texts: string[], at: number) => {
    const ydoc = new Y.Doc();
    for (const text of texts) {
      const before = Y.encodeStateVector(ydoc);
      ydoc.getText('t').insert(ydoc.getText('t').length, text);
      await store.append([{ doc, entries: [{ update: Y.encodeStateAsUpdate(ydoc, before), author: 'a', receivedAt: at }] }]);
    }
  };

  it('a log cache starts over for a document created at a renamed one’s old name', async () => {
    const cache = new LogCache<{ made: number }>(4);
    let made = 0;
    await write('a', ['x', 'y'], 1_000);
    const first = await cache.get(store, 'a', 'a', () => ({ made: ++made }));
    await store.renameDocument('a', 'b', 2_000);
    await store.removeRedirect('a');
    await write('a', ['p', 'q', 'r'], 3_000); // one more update than before, as an append would add
    expect(await cache.get(store, 'a', 'a', () => ({ made: ++made }))).not.toBe(first);
  });

  it('a version cache does not move another document’s version forward', async () => {
    const versions = new VersionCache();
    await write('a', ['old '], 1_000);
    versions.put('a', 1, await versions.take(store, 'a', 1));
    await store.renameDocument('a', 'b', 2_000);
    await store.removeRedirect('a');
    await write('a', ['new ', 'text'], 3_000);
    expect((await versions.at(store, 'a', 2)).getText('t').toString()).toBe('new text');
  });
});
