// What each DURABILITY mode promises, shown on a disk whose flushes can be held back and which keeps
// what a power cut would leave (recording-disk.ts): when the others see an update, when its sender
// is told it is stored, and what survives a power cut at the worst moment. (A killed process loses
// nothing in any mode: e2e/vitest/restart.test.ts.)

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { failingDisk } from '@tandem/persistence/testing/failing-disk';
import { type RecordingDisk, recordingDisk } from '@tandem/persistence/testing/recording-disk';
import * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { openRawSocket } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { encodeUpdate } from './protocol.js';

const DOC = 'durable';


/**
 * A raw client: its own Y.Doc, the updates it sends, what it receives, and its stored-acks. What it
 * receives goes to a separate doc (so a test sees exactly what reached it), or, `sharing`, into its own
 * (so two of them can make the very same change).
 */
async function rawClient(server: TestServer, acks: boolean, { sharing = false } = {}) {
  const ws: WebSocket = await openRawSocket(server.url, acks ? `${DOC}?acks=1` : DOC);
  const doc = new Y.Doc();
  const received = sharing ? doc : new Y.Doc();
  let acked = 0;
  let closeCode: number | undefined;
  ws.on('close', (code: number) => (closeCode = code));
  ws.on('message', (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    const type = decoding.readVarUint(d);
    if (type === 100) acked += decoding.readVarUint(d);
    if (type !== 0) return;
    const sub = decoding.readVarUint(d);
    if (sub === 1 || sub === 2) Y.applyUpdate(received, decoding.readVarUint8Array(d), 'remote');
  });
  doc.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') ws.send(encodeUpdate(u));
  });
  return {
    text: doc.getText('t'),
    type: (text: string) => doc.getText('t').insert(doc.getText('t').length, text),
    seen: () => received.getText('t').toString(),
    get acked() {
      return acked;
    },
    get closeCode() {
      return closeCode;
    },
    close: () => ws.close(),
  };
}

/** Time for the server to send what it would (a broadcast, an ack) if it were going to. */
const settle = () => new Promise((r) => setTimeout(r, 100));

describe('DURABILITY', () => {
  let server: TestServer | undefined;
  let imageDir: string | undefined;
  afterEach(async () => {
    await server?.destroy();
    server = undefined;
    if (imageDir !== undefined) await rm(imageDir, { recursive: true, force: true });
    imageDir = undefined;
  });

  /** The document's text as a server started on a power cut's image of the disk reads it. */
  const afterPowerCut = async (disk: RecordingDisk): Promise<string> => {
    imageDir = await mkdtemp(path.join(tmpdir(), 'tandem-power-cut-'));
    await disk.writePowerCutImage(imageDir);
    const revived = await startTestServer({}, imageDir);
    try {
      const doc = new Y.Doc();
      for (const { update } of await revived.store.readUpdates(DOC)) Y.applyUpdate(doc, update);
      return doc.getText('t').toString();
    } finally {
      await revived.destroy();
    }
  };

  const start = async (durability: string) => {
    const disk = recordingDisk();
    server = await startTestServer({ DURABILITY: durability }, undefined, { openForSync: disk.openForSync });
    const writer = await rawClient(server, true);
    const reader = await rawClient(server, false);
    writer.type('a');
    await expect.poll(() => reader.seen()).toBe('a');
    await expect.poll(() => writer.acked).toBe(1);
    return { disk, writer, reader };
  };

  it('flush-before-broadcast (default): nobody sees an update, nor is it acknowledged, before it is on disk; a power cut loses only what nobody saw', async () => {
    const { disk, writer, reader } = await start('flush-before-broadcast');
    disk.hold();
    writer.type('b');
    await expect.poll(() => disk.held).toBe(1); // committed; its flush has started and is held
    await settle();
    expect(reader.seen()).toBe('a');
    expect(writer.acked).toBe(1);
    expect(await afterPowerCut(disk)).toBe('a'); // 'b' is lost, but nobody had seen it and its sender still holds it

    disk.release();
    await expect.poll(() => reader.seen()).toBe('ab');
    await expect.poll(() => writer.acked).toBe(2);
    expect(await afterPowerCut(disk)).toBe('ab');
  });

  it('flush-before-ack: others see an update once it is written, its sender hears it is stored only once it is on disk', async () => {
    const { disk, writer, reader } = await start('flush-before-ack');
    disk.hold();
    writer.type('b');
    await expect.poll(() => reader.seen()).toBe('ab'); // sent on while its flush is held
    expect(disk.held).toBe(1);
    await settle();
    expect(writer.acked).toBe(1);
    // The trade-off: a power cut now loses an update another client has seen (it comes back only
    // when a client that holds it reconnects and sends it again, under that client's name).
    expect(await afterPowerCut(disk)).toBe('a');

    disk.release();
    await expect.poll(() => writer.acked).toBe(2);
    expect(await afterPowerCut(disk)).toBe('ab');
  });

  it('none: an update is seen and acknowledged once written, and the store never waits for the disk', async () => {
    const disk = recordingDisk();
    server = await startTestServer({ DURABILITY: 'none' }, undefined, { openForSync: disk.openForSync });
    const writer = await rawClient(server, true);
    const reader = await rawClient(server, false);
    writer.type('ab');
    writer.type('c');
    await expect.poll(() => reader.seen()).toBe('abc');
    await expect.poll(() => writer.acked).toBe(2);
    // Nothing was ever flushed: what a power cut leaves is up to the operating system's writeback.
    expect(disk.flushes).toBe(0);
    await expect(disk.writePowerCutImage(path.join(tmpdir(), 'unused'))).rejects.toThrow(/nothing was flushed/);
  });

  it('flush-before-ack: a failed flush after the broadcast closes the sender (4503) without an acknowledgement, and the store refuses further writes', async () => {
    const disk = failingDisk();
    server = await startTestServer({ DURABILITY: 'flush-before-ack' }, undefined, { openForSync: disk.openForSync });
    const writer = await rawClient(server, true);
    const reader = await rawClient(server, false);
    writer.type('a');
    await expect.poll(() => writer.acked).toBe(1);
    disk.failNext = true;
    writer.type('b');
    await expect.poll(() => writer.closeCode).toBe(4503);
    expect(reader.seen()).toBe('ab'); // it had been sent on before the flush failed
    expect(writer.acked).toBe(1);
    await expect.poll(async () => (await fetch(`${server!.url}/readyz`)).status).toBe(503);
  });
  // (Under flush-before-ack A would see B's deletion before making its own: it is shown before its flush.)
  it("flush-before-broadcast (default): a deletion someone else's unflushed update already carries is acknowledged only once that one is on disk", async () => {
    const disk = recordingDisk();
    server = await startTestServer({}, undefined, { openForSync: disk.openForSync });
    const a = await rawClient(server, true, { sharing: true });
    const b = await rawClient(server, false, { sharing: true });
    a.text.insert(0, 'abc');
    await expect.poll(() => a.acked).toBe(1);
    await expect.poll(() => b.text.toString()).toBe('abc');
    disk.hold();
    try {
      b.text.delete(1, 1); // committed, its flush held
      await expect.poll(() => disk.held).toBe(1);
      a.text.delete(1, 1); // the same deletion, made on its own: nothing new to store
      await settle();
      // A power cut now loses the deletion, so A has not been told it is stored.
      expect(await afterPowerCut(disk)).toBe('abc');
      expect(a.acked).toBe(1);
    } finally {
      disk.release();
    }
    // Once B's update is on disk, A's deletion is stored too, and A hears so.
    await expect.poll(() => a.acked).toBe(2);
    a.close();
    b.close();
  });
});
