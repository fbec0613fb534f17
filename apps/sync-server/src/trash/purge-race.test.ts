// Purging checks that the document is in the trash, then (after awaiting the webhook outbox, which waits
// for a store write in progress) purges it by name, unconditionally. A document taken out of the trash
// in between (a restore through the API, another instance, the CLI beside the server) and edited again
// is removed for good, with its new edits.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DocumentStore, openPostgresStore, openSqliteStore } from '@tandem/persistence';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { purgeExpired } from './purge.js';

const DAY = 86_400_000;

const engines: Array<[string, () => Promise<{ store: DocumentStore; cleanup: () => Promise<void> }>]> = [
  [
    'sqlite',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'tandem-purge-race-'));
      const store = openSqliteStore({ dataDir: dir });
      return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'postgres',
    async () => {
      const schema = testSchema('purge_race');
      const store = await openPostgresStore({ url: schema.url, schema: schema.schema });
      return { store, cleanup: () => schema.drop() };
    },
  ],
];

describe.each(engines)('purging the trash beside a restore from it (%s)', (_engine, open) => {
  let opened: Awaited<ReturnType<typeof open>> | undefined;
  afterEach(async () => {
    await opened?.store.close();
    await opened?.cleanup();
    opened = undefined;
  });

  const update = (text: string) => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, text);
    return Y.encodeStateAsUpdate(doc);
  };

  it('never purges a document taken out of the trash (and written to) after the purge looked at the trash', async () => {
    opened = await open();
    const { store } = opened;
    const now = Date.now();
    await store.append([{ doc: 'report', entries: [{ update: update('draft'), author: 'ann', receivedAt: now - 40 * DAY }] }]);
    await store.trashDocument('report', { at: now - 31 * DAY, by: 'ann' });

    // While the purge waits for the outbox (its write in progress), Ann restores the document and types on.
    const purged = await purgeExpired(store, 30, now, async () => {
      expect(await store.untrashDocument('report')).toBe(true);
      await store.append([{ doc: 'report', entries: [{ update: update('final text'), author: 'ann', receivedAt: now }] }]);
    });

    expect(purged).toEqual([]);
    expect(await store.getDocument('report')).toMatchObject({ updateCount: 2 });
  });
});
