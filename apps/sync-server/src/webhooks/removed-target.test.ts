// A URL taken out of WEBHOOK_URL keeps receiving calls: the pending deliveries in the store name their
// target URL, and the dispatcher sends each row to the URL it names, not to the ones configured now.
// An operator who removes a receiver (a wrong host, one that leaked, rotated credentials in the URL)
// still has signed document events POSTed to it, with the old credentials, for up to WEBHOOK_RETRY_FOR (24 h).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';

const SECRET = 'webhook-secret-that-is-long-enough-0123456789';
const POLL = { timeout: 15_000, interval: 50 };

let servers: TestServer[] = [];
let receivers: WebhookReceiver[] = [];
let clients: TestClient[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  for (const s of servers) await s.destroy();
  servers = [];
  for (const r of receivers) await r.close();
  receivers = [];
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

it('stops calling a URL once it is no longer in WEBHOOK_URL', async () => {
  const removed = await startWebhookReceiver(SECRET);
  const kept = await startWebhookReceiver(SECRET);
  receivers.push(removed, kept);
  removed.behaviour = () => 'fail';
  const dir = await mkdtemp(path.join(tmpdir(), 'tandem-webhooks-removed-'));
  dirs.push(dir);

  const first = await startTestServer({ WEBHOOK_URL: removed.url, WEBHOOK_SECRET: SECRET, WEBHOOK_DEBOUNCE_MS: '100' }, dir);
  servers.push(first);
  const ada = connectClient(first.url, 'memo');
  clients.push(ada);
  await ada.synced();
  ada.text.insert(0, 'confidential');
  await expect.poll(() => first.logs.filter((l) => l.event === 'webhook-failed').length, POLL).toBeGreaterThanOrEqual(1);
  ada.destroy();
  servers = servers.filter((s) => s !== first);
  await first.close();

  // The operator takes the failing receiver out of the configuration and restarts.
  const callsBefore = removed.calls.length;
  const second = await startTestServer({ WEBHOOK_URL: kept.url, WEBHOOK_SECRET: SECRET, WEBHOOK_DEBOUNCE_MS: '100' }, dir);
  servers.push(second);
  const bob = connectClient(second.url, 'other');
  clients.push(bob);
  await bob.synced();
  bob.text.insert(0, 'x');
  await expect.poll(() => kept.accepted.some((e) => e.doc === 'other'), POLL).toBe(true);
  // Long enough for the retries (1 s, then 2 s, with jitter) that the rows of the first run would get.
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  expect(removed.calls.slice(callsBefore).map((c) => `${c.eventId} attempt ${c.attempt}`)).toEqual([]);
}, 30_000);
