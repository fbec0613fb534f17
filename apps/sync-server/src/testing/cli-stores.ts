// Test helpers for the CLI's data commands: a store seeded straight through the adapter, an Io that
// prints nothing, and a small tmpfs to fill (a full disk, where the tests may mount one).

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

/** Mounts a tmpfs of `size` at a new directory, or returns undefined where that is not allowed (not root). */
export function mountTmpfs(size: string): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    execFileSync('rmdir', [dir]);
    return undefined;
  }
}
