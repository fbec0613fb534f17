import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, statfs, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closed, connectClient, openRawSocket } from '../testing/clients.js';
import { metricTotal, startTestServer, type TestServer } from '../testing/in-process.js';
import { mountTmpfs } from '../testing/tmpfs.js';

const freeBytes = async (dir: string) => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

describe('a disk running out of space', () => {
  let dataDir: string;
  let server: TestServer | undefined;
  let mounted: string | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-disk-'));
  });
  afterEach(async () => {
    await server?.destroy();
    server = undefined;
    if (mounted !== undefined) execFileSync('umount', [mounted]);
    for (const dir of [dataDir, mounted]) if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    mounted = undefined;
  });

  it('below the free-disk floor refuses writes (WebSocket 4507, HTTP 507), answers /readyz 503, and goes on serving reads', async () => {
    const seeding = await startTestServer({ MIN_FREE_DISK_BYTES: '0' }, dataDir);
    const seeder = connectClient(seeding.url, 'notes');
    await seeder.synced();
    seeder.text.insert(0, 'ok');
    await expect.poll(async () => (await seeding.store.getDocument('notes'))?.updateCount).toBe(1);
    seeder.destroy();
    await seeding.destroy();

    // A floor 1 GiB above what statfs reports free right now.
    server = await startTestServer({ MIN_FREE_DISK_BYTES: String((await freeBytes(dataDir)) + 2 ** 30) }, dataDir);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    const readyBody = await ready.text();
    expect(JSON.parse(readyBody)).toEqual({ status: 'unavailable', reason: 'insufficient-storage', error: expect.stringMatching(/MIN_FREE_DISK_BYTES/) });
    expect(readyBody).not.toContain(dataDir);

    const writer = connectClient(server.url, 'notes');
    await writer.synced();
    expect(writer.text.toString()).toBe('ok');
    const closes: Array<{ code: number; reason: string }> = [];
    writer.provider.on('connection-close', (event) => closes.push({ code: event?.code ?? -1, reason: event?.reason ?? '' }));
    writer.text.insert(2, '!');
    await expect.poll(() => closes[0]?.code).toBe(4507);
    expect(closes[0]!.reason).toMatch(/^insufficient-storage: .*low on disk space/);

    const version = await fetch(`${server.url}/api/docs/notes/named-versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'v1' }),
    });
    expect(version.status).toBe(507);
    expect(((await version.json()) as { error: { code: string } }).error.code).toBe('insufficient-storage');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tandem_limits_hit_total\{kind="insufficient-storage"\} [1-9]/);

    // Nothing was stored or shown to others.
    const reader = connectClient(server.url, 'notes');
    await reader.synced();
    expect(reader.text.toString()).toBe('ok');
    expect((await server.store.getDocument('notes'))?.updateCount).toBe(1);
    writer.destroy();
    reader.destroy();
  });

  const tmpfs = mountTmpfs('8m');
  if (tmpfs !== undefined) execFileSync('umount', [tmpfs]);

  it.skipIf(tmpfs === undefined)('on a full disk (a real 8 MiB tmpfs), refuses the write that does not fit, loses nothing acknowledged, and stays up', async () => {
    mounted = mountTmpfs('8m')!;
    const dir = path.join(mounted, 'data');
    // The floor off: this is about the disk filling up before anything noticed.
    const env = { MIN_FREE_DISK_BYTES: '0', RATE_LIMIT_BYTES: String(64 * 1024 * 1024), CHECKPOINT_EVERY: '1000000' };
    server = await startTestServer(env, dir);
    const filler = path.join(mounted, 'filler');
    await writeFile(filler, Buffer.alloc((await freeBytes(mounted)) - 1536 * 1024));

    // A client that asks for stored-acks sends 64 KiB updates, each only after the last was acknowledged.
    const ws = await openRawSocket(server.url, 'full?acks=1');
    const doc = new Y.Doc();
    const acked: string[] = [];
    let sent = '';
    doc.on('update', (update: Uint8Array) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 2);
      encoding.writeVarUint8Array(e, update);
      ws.send(encoding.toUint8Array(e));
    });
    const send = (i: number) => {
      sent = `<marker ${i}>`;
      doc.getText('t').insert(doc.getText('t').length, sent + 'x'.repeat(64 * 1024));
    };
    let i = 0;
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) !== 100) return;
      acked.push(sent);
      send(++i);
    });
    send(i);
    const { code } = await closed(ws);
    expect(code).toBe(4507);
    expect(acked.length).toBeGreaterThan(3);
    expect(server.logs.some((l) => l.event === 'connection-failed' && l.code === 'insufficient-storage')).toBe(true);

    // The server stays up and serves what it acknowledged.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const expectAcked = async (url: string) => {
      const reader = connectClient(url, 'full');
      await reader.synced();
      const text = reader.text.toString();
      reader.destroy();
      for (const marker of acked) expect(text).toContain(marker);
    };
    await expectAcked(server.url);

    // It restarts on the full disk (opening writes nothing), still with everything acknowledged.
    await server.destroy();
    server = await startTestServer(env, dir);
    await expectAcked(server.url);

    // Once space is freed, writes are taken again without a restart.
    await unlink(filler);
    const writer = connectClient(server.url, 'full');
    await writer.synced();
    writer.text.insert(0, 'room again');
    await expect.poll(async () => (await server!.store.getDocument('full'))?.updateCount).toBe(acked.length + 1);
    writer.destroy();
  });

  it.skipIf(tmpfs === undefined)('below the floor on a real disk, takes writes again once space is freed, and says so: /readyz 200, store_available 1, and no word of a restart', async () => {
    mounted = mountTmpfs('8m')!;
    server = await startTestServer({ MIN_FREE_DISK_BYTES: String(1024 * 1024) }, path.join(mounted, 'data'));
    const writer = connectClient(server.url, 'notes');
    const closes: number[] = [];
    writer.provider.on('connection-close', (event) => closes.push(event?.code ?? -1));
    await writer.synced();
    // Another program fills the disk: the floor is crossed at the next reading of free space.
    const filler = path.join(mounted, 'filler');
    await writeFile(filler, Buffer.alloc((await freeBytes(mounted)) - 512 * 1024));
    await expect.poll(async () => (await fetch(`${server!.url}/readyz`)).status, { timeout: 10_000 }).toBe(503);
    writer.text.insert(0, 'refused at first');
    await expect.poll(() => closes[0]).toBe(4507);
    await expect.poll(() => metricTotal(server!, 'store_available')).toBe(0);

    // Space is freed: no restart needed, and nothing says one is.
    await unlink(filler);
    await expect.poll(async () => (await fetch(`${server!.url}/readyz`)).status, { timeout: 10_000 }).toBe(200);
    await expect.poll(async () => (await server!.store.getDocument('notes'))?.updateCount, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => metricTotal(server!, 'store_available'), { timeout: 5_000 }).toBe(1);
    // Told once when it began and once when it ended; never that the server must be restarted.
    expect(server.logs.filter((l) => l.event === 'store-unusable' || (l.level as number) >= 60)).toEqual([]);
    expect(server.logs.filter((l) => l.event === 'disk-space-low' || l.event === 'disk-space-recovered').map((l) => l.event)).toEqual([
      'disk-space-low',
      'disk-space-recovered',
    ]);
    writer.destroy();
  });
});
