// Webhooks across server processes: events queued while the receiver fails or is away are in the
// store, and a new process (after SIGTERM, or SIGKILL) delivers every one of them, none twice after a 2xx.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../../apps/sync-server/src/testing/clients.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../apps/sync-server/src/testing/webhook-receiver.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const SECRET = 'webhook-secret-that-is-long-enough-0123456789';
const POLL = { timeout: 20_000, interval: 50 };

describe('webhooks across server restarts', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  let receiver: WebhookReceiver;
  const clients: TestClient[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-webhooks-restart-'));
    receiver = await startWebhookReceiver(SECRET);
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    if (server?.child.exitCode === null) await server.stop('SIGKILL');
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    server = await startServerProcess(dataDir, { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET, WEBHOOK_DEBOUNCE_MS: '200', WEBHOOK_TIMEOUT_MS: '1000' });
    return server;
  };

  /** Types `text` into `doc` and waits until the server has stored it. */
  const edit = async (doc: string, text: string) => {
    const client = connectClient(server!.url, doc);
    clients.push(client);
    await client.synced();
    const before = client.text.length;
    client.text.insert(before, text);
    // Read back by another client: with the default durability, what it sees is stored.
    await expect.poll(async () => {
      const reader = connectClient(server!.url, doc);
      try {
        await reader.synced();
        return reader.text.length;
      } finally {
        reader.destroy();
      }
    }, POLL).toBe(before + text.length);
  };

  const pending = async () => {
    const text = await (await fetch(`${server!.url}/metrics`)).text();
    return Number(text.split('\n').find((l) => l.startsWith('tandem_webhooks_pending '))?.split(' ')[1]);
  };

  const named = (doc: string, label: string) =>
    fetch(`${server!.url}/api/docs/${doc}/named-versions`, { method: 'POST', body: JSON.stringify({ label }), headers: { 'content-type': 'application/json' } });

  it('delivers every event once: queued while the receiver fails, across SIGTERM and SIGKILL while it is away', async () => {
    // 1. The receiver answers 500 to everything: events are tried, and wait in the store.
    receiver.behaviour = () => 'fail';
    await start();
    await edit('alpha', 'one');
    expect((await named('alpha', 'first')).status).toBe(201);
    await expect.poll(() => receiver.calls.filter((c) => c.status === 500).length, POLL).toBeGreaterThanOrEqual(2);
    expect(await server!.stop('SIGTERM')).toBe(0);
    for (const c of clients.splice(0)) c.destroy();

    // 2. The receiver is away; more events; the process is killed.
    await receiver.stop();
    receiver.behaviour = () => 'ok';
    await start();
    await edit('beta', 'two');
    await edit('alpha', ' more');
    expect((await named('beta', 'second')).status).toBe(201);
    // Queued: 3 from the first process, 4 from this one (alpha's new changes are an event of their own:
    // its first document.changed was already tried).
    await expect.poll(pending, POLL).toBe(7);
    await server!.stop('SIGKILL');
    for (const c of clients.splice(0)) c.destroy();

    // 3. Back: a new process delivers everything.
    await receiver.start();
    await start();
    const types = () => receiver.accepted.map((e) => `${e.doc}:${e.type}`).sort();
    await expect.poll(() => types().filter((t) => t !== 'alpha:document.changed' && t !== 'beta:document.changed'), POLL).toEqual([
      'alpha:document.created',
      'alpha:version.named',
      'beta:document.created',
      'beta:version.named',
    ]);
    // Every stored seq of each document in exactly one document.changed.
    const covered = (doc: string) =>
      receiver.accepted
        .filter((e) => e.doc === doc && e.type === 'document.changed')
        .flatMap((e) => Array.from({ length: (e.data.toSeq as number) - (e.data.fromSeq as number) + 1 }, (_, i) => (e.data.fromSeq as number) + i))
        .sort((a, b) => a - b);
    await expect.poll(() => covered('alpha'), POLL).toEqual([1, 2]);
    await expect.poll(() => covered('beta'), POLL).toEqual([1]);
    // Nothing left to send, so no repeat can come: each event was accepted once.
    await expect.poll(pending, POLL).toBe(0);
    expect(receiver.accepted).toHaveLength(7);
    expect(new Set(receiver.accepted.map((e) => e.id)).size).toBe(7);
    expect(receiver.calls.every((c) => c.signatureOk)).toBe(true);
    expect(await server!.stop('SIGTERM')).toBe(0);
  });
});
