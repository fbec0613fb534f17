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
import type { NewWebhookDelivery } from '@tandem/persistence';
import pino from 'pino';
import { createOutbox } from '../webhooks/outbox.js';
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
      return () => {};
    });

    expect(purged).toEqual([]);
    expect(await store.getDocument('report')).toMatchObject({ updateCount: 2 });
  });

  it("keeps the webhook changes of a document whose purge did not happen (it left the trash meanwhile)", async () => {
    opened = await open();
    const { store } = opened;
    const now = Date.now();
    await store.append([{ doc: 'report', entries: [{ update: update('draft'), author: 'ann', receivedAt: now - 40 * DAY }] }]);
    await store.trashDocument('report', { at: now - 31 * DAY, by: 'ann' });
    const queued: NewWebhookDelivery[] = [];
    const outbox = createOutbox({
      store: { enqueueWebhooks: async (d) => void queued.push(...d) },
      logger: pino({ level: 'silent' }),
      targets: ['https://hooks.example/t'],
      debounceMs: 50,
      onQueued: () => {},
    });
    // Ann restores it and types on: her change is held in the outbox when the purge looks at the trash.
    expect(await store.untrashDocument('report')).toBe(true);
    outbox.committed('report', 2, 'ann', now);
    await store.trashDocument('report', { at: now - 31 * DAY + 1, by: 'ann' }); // a stale entry the timer read
    const purged = await purgeExpired(store, 30, now, async (doc) => {
      const keep = await outbox.purging(doc);
      await store.untrashDocument(doc);
      return keep;
    });
    expect(purged).toEqual([]);
    await outbox.flush();
    expect(queued.filter((d) => d.type === 'document.changed').map((d) => [d.doc, d.data])).toEqual([['report', expect.objectContaining({ fromSeq: 2, toSeq: 2 })]]);
    await outbox.close();
  });
});
