import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../testing/adapter-contract.js';
import { openSqliteStore } from './sqlite-store.js';

describeStoreContract('sqlite', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-'));
  return {
    open: async () => openSqliteStore({ dataDir }),
    destroy: () => rm(dataDir, { recursive: true, force: true }),
  };
});

describe('sqlite store reads', () => {
  it('reads a log of many updates, some larger than one read chunk, byte for byte and in order', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-'));
    const store = openSqliteStore({ dataDir, synchronous: 'normal' });
    try {
      const sizes = [1, 0x300000, 7, 0x500000, ...Array.from({ length: 3000 }, (_, i) => 1 + (i % 300))];
      const updates = sizes.map((n, i) => new Uint8Array(n).map((_, j) => (i * 31 + j) & 0xff));
      await store.append([{ doc: 'big', entries: updates.map((update, i) => ({ update, author: i % 2 ? 'a"\u00e9\n' : 'b', receivedAt: 1_700_000_000_000 + i })) }]);
      const read = await store.readUpdates('big');
      expect(read.map((u) => u.seq)).toEqual(sizes.map((_, i) => i + 1));
      expect(read.every((u, i) => Buffer.from(u.update).equals(Buffer.from(updates[i]!)))).toBe(true);
      expect(read.map((u) => [u.author, u.receivedAt])).toEqual(sizes.map((_, i) => [i % 2 ? 'a"\u00e9\n' : 'b', 1_700_000_000_000 + i]));
      expect((await store.readUpdates('big', { afterSeq: 2, toSeq: 5, limit: 2 })).map((u) => [u.seq, u.update.byteLength])).toEqual([
        [3, 7],
        [4, 0x500000],
      ]);
      // A second, read-only connection sees what the first committed, and refuses to write.
      const reader = openSqliteStore({ dataDir, readOnly: true });
      expect((await reader.readUpdates('big', { afterSeq: 3000 })).map((u) => u.seq)).toEqual([3001, 3002, 3003, 3004]);
      await expect(reader.append([{ doc: 'big', entries: [{ update: updates[0]!, author: 'x', receivedAt: 0 }] }])).rejects.toMatchObject({ code: 'write-failed' });
      await reader.close();
    } finally {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
