import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { closed, openRawSocket } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { StoreRate } from './store-rate.js';

const SECRET = 'store-rate-secret-0123456789-0123456789';

const updateFrame = (update: Uint8Array) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
};
const textUpdate = (text: string) => {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
};
const limitsHit = async (server: TestServer, kind: string) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(new RegExp(`tandem_limits_hit_total\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
};
const lastSeq = async (server: TestServer, doc: string) => (await server.store.getDocument(doc))?.lastSeq ?? 0;

describe('stored-bytes rate per user or address', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.destroy();
  });

  it('closes with 4529 the address that stores more than its burst, across its documents and connections', async () => {
    // 1 byte a second: nothing refills during the test.
    server = await startTestServer({ STORE_RATE_BYTES_PER_HOUR: '3600', STORE_BURST_BYTES: '4096' });
    const a = await openRawSocket(server.url, 'doc-a');
    a.send(updateFrame(textUpdate('a'.repeat(3000))));
    await expect.poll(() => lastSeq(server, 'doc-a')).toBe(1);
    // Another connection, another document, same address: the same bucket.
    const b = await openRawSocket(server.url, 'doc-b');
    const bClosed = closed(b);
    b.send(updateFrame(textUpdate('b'.repeat(2000))));
    expect((await bClosed).code).toBe(4529);
    expect(await server.store.getDocument('doc-b')).toBeUndefined();
    expect(await limitsHit(server, 'store-rate')).toBe(1);
    // What fits in what is left is still stored.
    a.send(updateFrame(textUpdate('c'.repeat(500))));
    await expect.poll(() => lastSeq(server, 'doc-a')).toBe(2);
    a.close();
  });

  it('gives each authenticated user a bucket of their own', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET, STORE_RATE_BYTES_PER_HOUR: '3600', STORE_BURST_BYTES: '4096' });
    const token = (userId: string) => mintToken(SECRET, { userId, docs: ['*'], role: 'editor', ttl: '1h' });
    const alice = await openRawSocket(server.url, `shared?token=${await token('alice')}`);
    const aliceClosed = closed(alice);
    alice.send(updateFrame(textUpdate('a'.repeat(3000))));
    alice.send(updateFrame(textUpdate('b'.repeat(3000))));
    expect((await aliceClosed).code).toBe(4529);
    expect(await lastSeq(server, 'shared')).toBe(1);
    // Same address, another user: unaffected.
    const bob = await openRawSocket(server.url, `shared?token=${await token('bob')}`);
    bob.send(updateFrame(textUpdate('c'.repeat(3000))));
    await expect.poll(() => lastSeq(server, 'shared')).toBe(2);
    bob.close();
  });
});

describe('StoreRate', () => {
  it('refills at its hourly rate up to the burst, lets one update larger than the burst through a full bucket, and refunds', () => {
    let now = 0;
    const rate = new StoreRate(3_600_000, 1000, () => now); // 1000 bytes a second
    expect(rate.take('k', 800)).toBe(true);
    expect(rate.take('k', 300)).toBe(false);
    rate.refund('k', 800);
    expect(rate.take('k', 1000)).toBe(true);
    now += 500;
    expect(rate.take('k', 600)).toBe(false);
    expect(rate.take('k', 500)).toBe(true);
    now += 10_000;
    expect(rate.take('k', 5000)).toBe(true); // a paste larger than the burst, once the bucket is full…
    now += 1000;
    expect(rate.take('k', 1)).toBe(false); // …leaves the bucket in debt
    expect(rate.take('other', 1000)).toBe(true);
    expect(new StoreRate(0, 1000).take('k', 1e12)).toBe(true); // 0: no limit
  });
});
