// Test helpers for the CLI's data commands: a store seeded straight through the adapter, and an Io that
// prints nothing.

import { openSqliteStore } from '@tandem/persistence';
import * as Y from 'yjs';

/** A store of `docs` documents of `updates` 8 KiB updates each: big enough that a backup takes many steps. */
export async function seedStore(dataDir: string, docs: string[], updates: number): Promise<void> {
  const store = openSqliteStore({ dataDir });
  for (const doc of docs) {
    const writer = new Y.Doc();
    const entries: Array<{ update: Uint8Array; author: string; receivedAt: number }> = [];
    writer.on('update', (update: Uint8Array) => entries.push({ update, author: 'alice', receivedAt: Date.now() }));
    for (let i = 0; i < updates; i++) writer.getText('t').insert(0, `${i}`.padEnd(8 * 1024, 'x'));
    await store.append([{ doc, entries }]);
  }
  await store.close();
}

export const quiet = { out: () => {}, err: () => {} };
