// Webhooks end to end: the real server, real y-websocket clients, and a real HTTP receiver that checks
// every signature, fails when told to, hangs, or is away while the server restarts.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { type ReceivedEvent, startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';

const SECRET = 'webhook-secret-that-is-long-enough-0123456789';
const POLL = { timeout: 15_000, interval: 50 };

let servers: TestServer[] = [];
let receiver: WebhookReceiver | undefined;
let clients: TestClient[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  for (const s of servers) await s.destroy();
  servers = [];
  await receiver?.close();
  receiver = undefined;
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

// A query string stands in for a credential in the URL: logs and metrics must not show it.
const webhookEnv = (extra: Record<string, string> = {}) => ({
  WEBHOOK_URL: `${receiver!.url}?key=not-for-logs`,
  WEBHOOK_SECRET: SECRET,
  WEBHOOK_DEBOUNCE_MS: '300',
  ...extra,
});

const start = async (env: Record<string, string>, dataDir?: string) => {
  const server = await startTestServer(env, dataDir);
  servers.push(server);
  return server;
};

const connect = async (server: TestServer, doc: string) => {
  const client = connectClient(server.url, doc);
  clients.push(client);
  await client.synced();
  return client;
};

const api = (server: TestServer, doc: string, route: string, body: unknown) =>
  fetch(`${server.url}/api/docs/${encodeURIComponent(doc)}${route}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

const ofType = (type: string, doc: string) => receiver!.accepted.filter((e) => e.type === type && e.doc === doc);

/** The seqs the document.changed events of `doc` cover, each once: throws on an overlap. */
function coveredSeqs(events: readonly ReceivedEvent[]): number[] {
  const seqs: number[] = [];
  for (const e of events) for (let s = e.data.fromSeq as number; s <= (e.data.toSeq as number); s++) seqs.push(s);
  expect(new Set(seqs).size).toBe(seqs.length);
  return seqs.sort((a, b) => a - b);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function metric(server: TestServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/** Types `count` characters one update at a time, each seen by `reader` before the next: the time it took. */
async function typeThrough(writer: TestClient, reader: TestClient, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const seen = new Promise<void>((resolve) => reader.doc.once('update', () => resolve()));
    writer.text.insert(writer.text.length, 'x');
    await seen;
  }
  return performance.now() - started;
}

describe('webhooks', () => {
  it('sends signed document.created, document.changed, version.named, document.restored and document.deleted events', async () => {
    receiver = await startWebhookReceiver(SECRET);
    const server = await start(webhookEnv());
    const ada = await connect(server, 'report');
    // Into the editor's content (what a restore restores), as the editor writes it.
    const paragraph = new Y.XmlElement('paragraph');
    ada.doc.getXmlFragment('prosemirror').insert(0, [paragraph]);
    const line = new Y.XmlText('hello');
    paragraph.insert(0, [line]);
    line.insert(5, ' world');
    await expect.poll(() => ofType('document.created', 'report').length, POLL).toBe(1);
    expect(ofType('document.created', 'report')[0]!.data).toMatchObject({ seq: 1, authors: [{ id: expect.stringMatching(/^conn-/), verified: false }] });
    const lastSeq = async () => (await server.store.getDocument('report'))!.lastSeq;
    await expect.poll(async () => coveredSeqs(ofType('document.changed', 'report')), POLL).toEqual(range(await lastSeq()));
    const changed = ofType('document.changed', 'report')[0]!;
    expect(changed.data).toMatchObject({ fromSeq: 1, firstChangeAt: expect.any(String), lastChangeAt: expect.any(String) });
    expect(Date.parse(changed.data.lastChangeAt as string)).toBeGreaterThanOrEqual(Date.parse(changed.data.firstChangeAt as string));

    expect((await api(server, 'report', '/named-versions', { label: 'Sent to legal' })).status).toBe(201);
    await expect.poll(() => ofType('version.named', 'report').length, POLL).toBe(1);
    expect(ofType('version.named', 'report')[0]!.data).toMatchObject({ label: 'Sent to legal', seq: await lastSeq(), versionId: expect.any(Number) });

    const restore = (await (await api(server, 'report', '/restore', { seq: 1 })).json()) as { seq: number };
    await expect.poll(() => ofType('document.restored', 'report').length, POLL).toBe(1);
    expect(ofType('document.restored', 'report')[0]!.data).toMatchObject({ seq: restore.seq, restoredTo: 1, authors: [{ id: 'restore' }] });
    // The restore is a change too.
    await expect.poll(async () => coveredSeqs(ofType('document.changed', 'report')), POLL).toEqual(range(restore.seq));

    // Deleted: moved to the trash, by whom.
    ada.destroy();
    expect((await fetch(`${server.url}/api/docs/report`, { method: 'DELETE', headers: { 'content-type': 'application/json' } })).status).toBe(200);
    await expect.poll(() => ofType('document.deleted', 'report').length, POLL).toBe(1);
    expect(ofType('document.deleted', 'report')[0]!.data).toMatchObject({ authors: [{ id: 'api' }] });
    expect(receiver.calls.every((c) => c.signatureOk)).toBe(true);
    expect(new Set(receiver.accepted.map((e) => e.id)).size).toBe(receiver.accepted.length);
    expect(await metric(server, 'tandem_webhooks_delivered_total')).toBe(receiver.accepted.length);
  });

  it('announces a restore with the time it is recorded with: one clock reading, not two', async () => {
    receiver = await startWebhookReceiver(SECRET);
    const server = await start(webhookEnv());
    const ada = await connect(server, 'minutes');
    const paragraph = new Y.XmlElement('paragraph');
    ada.doc.getXmlFragment('prosemirror').insert(0, [paragraph]);
    paragraph.insert(0, [new Y.XmlText('first')]);
    await expect.poll(async () => (await server.store.getDocument('minutes'))?.lastSeq ?? 0, POLL).toBeGreaterThanOrEqual(2);
    // A clock that moves on every reading (as a loaded machine's does between two readings across a
    // store write): two readings of it differ, one reading agrees with itself.
    const now = Date.now.bind(Date);
    let ticks = 0;
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => now() + ++ticks);
    let restore: { seq: number };
    try {
      restore = (await (await api(server, 'minutes', '/restore', { seq: 1 })).json()) as { seq: number };
    } finally {
      spy.mockRestore();
    }
    await expect.poll(() => ofType('document.restored', 'minutes').length, POLL).toBe(1);
    const recorded = await server.store.getRestore('minutes', restore.seq);
    expect(recorded).toBeDefined();
    expect(ofType('document.restored', 'minutes')[0]!.occurredAt).toBe(new Date(recorded!.at).toISOString());
  });

  it('sends document.renamed under the new name, and the changes made just before a rename arrive under it too', async () => {
    receiver = await startWebhookReceiver(SECRET);
    // A long debounce: the changes are still held (in memory or pending in the store) when the rename lands.
    const server = await start(webhookEnv({ WEBHOOK_DEBOUNCE_MS: '1500' }));
    const ada = await connect(server, 'draft');
    ada.text.insert(0, 'hello');
    await expect.poll(() => ofType('document.created', 'draft').length, POLL).toBe(1);
    ada.text.insert(5, ' again');
    await expect.poll(async () => (await server.store.getDocument('draft'))?.lastSeq, POLL).toBe(2);
    const renamed = await api(server, 'draft', '/rename', { to: 'final' });
    expect(renamed.status).toBe(201);
    await expect.poll(() => ofType('document.renamed', 'final').length, POLL).toBe(1);
    expect(ofType('document.renamed', 'final')[0]!.data).toMatchObject({ previousName: 'draft', authors: [{ id: 'api' }] });
    // Every change is reported once, the ones after the first call under the document's new name.
    await expect.poll(() => coveredSeqs([...ofType('document.changed', 'draft'), ...ofType('document.changed', 'final')]), POLL).toEqual(range(2));
    expect(ofType('document.changed', 'final').length).toBeGreaterThan(0);
  });

  it('drops the pending document.changed of a purged document; a new document of its name is reported from seq 1', async () => {
    receiver = await startWebhookReceiver(SECRET);
    // A long debounce: the first document's changes are still held (in memory or pending in the store) when it is purged.
    const server = await start(webhookEnv({ WEBHOOK_DEBOUNCE_MS: '1500' }));
    const ada = await connect(server, 'reused');
    for (const c of 'old') ada.text.insert(ada.text.length, c);
    await expect.poll(() => ofType('document.created', 'reused').length, POLL).toBe(1);
    // Written after document.created was queued: held in memory for the next write when the purge comes.
    for (const c of ' more') ada.text.insert(ada.text.length, c);
    await expect.poll(async () => (await server.store.getDocument('reused'))?.lastSeq, POLL).toBe(8);
    ada.destroy();
    const del = (route: string) => fetch(`${server.url}/api${route}`, { method: 'DELETE', headers: { 'content-type': 'application/json' } });
    expect((await del('/docs/reused')).status).toBe(200);
    expect((await del('/trash/reused')).status).toBe(200);
    await expect.poll(() => ofType('document.deleted', 'reused').length, POLL).toBe(1);

    const bob = await connect(server, 'reused');
    bob.text.insert(0, 'new');
    await expect.poll(() => ofType('document.created', 'reused').length, POLL).toBe(2);
    await expect.poll(() => ofType('document.changed', 'reused').length, POLL).toBe(1);
    await expect.poll(() => metric(server, 'tandem_webhooks_pending'), POLL).toBe(0);
    // Only the new document's change: seq 1, by its one writer; nothing of the purged one's.
    const [changed] = ofType('document.changed', 'reused');
    expect(changed!.data).toMatchObject({ fromSeq: 1, toSeq: 1 });
    expect(changed!.data.authors!.map((a) => a.id)).toEqual([ofType('document.created', 'reused')[1]!.data.authors![0]!.id]);
    expect(ofType('document.changed', 'reused')).toHaveLength(1);
  });

  it('sends at most one document.changed per document per WEBHOOK_DEBOUNCE_MS, covering every change', async () => {
    receiver = await startWebhookReceiver(SECRET);
    const server = await start(webhookEnv({ WEBHOOK_DEBOUNCE_MS: '500' }));
    const [ada, bob] = [await connect(server, 'busy'), await connect(server, 'busy')];
    const started = Date.now();
    for (let i = 0; i < 40; i++) {
      (i % 2 === 0 ? ada : bob).text.insert(0, 'x');
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const typedFor = Date.now() - started;
    const lastSeq = (await server.store.getDocument('busy'))!.lastSeq;
    await expect.poll(async () => coveredSeqs(ofType('document.changed', 'busy')), POLL).toEqual(range(lastSeq));
    const calls = receiver.calls.filter((c) => JSON.parse(c.body).type === 'document.changed');
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(typedFor / 500) + 1);
    // Measured on arrival: a call's own latency (a loaded test machine) may move it by a little.
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(350);
    const authors = new Set(ofType('document.changed', 'busy').flatMap((e) => e.data.authors!.map((a) => a.id)));
    expect(authors.size).toBe(2);
  });

  it('retries a receiver that fails (500) until it accepts, logging each failure without the URL query', async () => {
    receiver = await startWebhookReceiver(SECRET);
    receiver.behaviour = ({ attempt }) => (attempt < 3 ? 'fail' : 'ok');
    const server = await start(webhookEnv());
    const ada = await connect(server, 'flaky');
    ada.text.insert(0, 'hi');
    await expect.poll(() => ofType('document.created', 'flaky').length, POLL).toBe(1);
    await expect.poll(() => ofType('document.changed', 'flaky').length, POLL).toBe(1);
    for (const e of receiver.accepted) expect(receiver.calls.filter((c) => c.eventId === e.id).map((c) => c.status)).toEqual([500, 500, 204]);
    const failures = server.logs.filter((l) => l.event === 'webhook-failed');
    expect(failures).toHaveLength(4);
    for (const l of failures) {
      expect(l).toMatchObject({ target: receiver.url, error: 'HTTP 500', retryInMs: expect.any(Number) });
      expect(JSON.stringify(l)).not.toContain('not-for-logs');
    }
    expect(await metric(server, 'tandem_webhook_attempts_failed_total')).toBe(4);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).not.toContain('not-for-logs');
    await expect.poll(() => metric(server, 'tandem_webhooks_pending'), POLL).toBe(0);
  });

  it('names a target in /metrics, which answers anyone, by its host and a fingerprint: never its path, where capability URLs keep their secret', async () => {
    receiver = await startWebhookReceiver(SECRET);
    receiver.behaviour = ({ attempt }) => (attempt < 2 ? 'fail' : 'ok');
    // As Zapier's, Slack's or Discord's incoming webhooks are made: whoever knows the path may post to it.
    const capability = `${new URL(receiver.url).origin}/hooks/catch/4711/s3cr3t-path-token/`;
    const server = await start(webhookEnv({ WEBHOOK_URL: capability }));
    const ada = await connect(server, 'capability');
    ada.text.insert(0, 'hi');
    await expect.poll(() => ofType('document.created', 'capability').length, POLL).toBe(1);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).not.toContain('s3cr3t-path-token');
    expect(text).not.toContain('/hooks/catch');
    const label = new RegExp(`^tandem_webhooks_delivered_total\\{target="${new URL(receiver.url).origin}/…#[0-9a-f]{16}"\\} [1-9]`, 'm');
    expect(text).toMatch(label);
    expect(await metric(server, 'tandem_webhook_attempts_failed_total')).toBeGreaterThan(0);
  });

  it('sends the credentials of a URL with user:pass@ as Basic authorization, never in a log line or the store', async () => {
    receiver = await startWebhookReceiver(SECRET);
    const url = new URL(receiver.url);
    url.username = 'tandem%20hooks';
    url.password = 'hunter2:not-for-logs';
    const server = await start(webhookEnv({ WEBHOOK_URL: url.toString() }));
    expect((await fetch(`${server.url}/api/docs/report`, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: '# Report' })).status).toBe(201);
    await expect.poll(() => ofType('document.created', 'report').length, POLL).toBe(1);
    expect(receiver.calls[0]!.authorization).toBe(`Basic ${Buffer.from('tandem hooks:hunter2:not-for-logs').toString('base64')}`);
    expect(server.logs.filter((l) => JSON.stringify(l).includes('not-for-logs'))).toEqual([]);
  });

  it('keeps the credentials out of the log and the store when a delivery fails before any answer', async () => {
    receiver = await startWebhookReceiver(SECRET);
    await receiver.stop(); // nothing listens: each attempt fails to connect
    const url = new URL(receiver.url);
    url.username = 'tandem';
    url.password = 'not-for-logs';
    const server = await start(webhookEnv({ WEBHOOK_URL: `${url.toString()}?key=not-for-logs` }));
    expect((await fetch(`${server.url}/api/docs/report`, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: '# Report' })).status).toBe(201);
    await expect.poll(() => server.logs.filter((l) => l.event === 'webhook-failed').length, POLL).toBeGreaterThan(0);
    expect(server.logs.filter((l) => l.event === 'webhook-failed')[0]).toMatchObject({ error: 'ECONNREFUSED' });
    expect(server.logs.filter((l) => JSON.stringify(l).includes('not-for-logs'))).toEqual([]);
    // Put back for its retry only after the failure is logged (see the next test): polled.
    let pending: Awaited<ReturnType<typeof server.store.claimWebhooks>> = [];
    await expect.poll(async () => (pending = await server.store.claimWebhooks(Date.now() + 3_600_000, 60_000, 10)).length, POLL).toBeGreaterThan(0);
    // Neither the error nor where the row goes: the store keeps the URL without credentials or query, and
    // a fingerprint keyed with WEBHOOK_SECRET that tells the configured URLs apart.
    expect(JSON.stringify(pending)).not.toContain('not-for-logs');
    expect(pending[0]!.target).toMatch(new RegExp(`^${receiver.url.replace(/[.?]/g, '\\$&')}#[0-9a-f]{16}$`));
  });

  it('moves a delivery an earlier release queued under the whole URL (credentials and all) to the URL\'s key, and sends it', async () => {
    receiver = await startWebhookReceiver(SECRET);
    receiver.behaviour = () => 'fail';
    const url = new URL(receiver.url);
    url.username = 'tandem';
    url.password = 'not-for-logs';
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-webhooks-legacy-'));
    dirs.push(dir);
    const before = await startTestServer({}, dir);
    await before.store.enqueueWebhooks([
      { eventId: 'queued-before-upgrade', target: url.toString(), type: 'version.named', doc: 'memo', occurredAt: Date.now(), dueAt: Date.now(), data: { label: 'draft' } },
    ]);
    await before.close();

    const server = await start(webhookEnv({ WEBHOOK_URL: url.toString() }), dir);
    await expect.poll(() => receiver!.calls.filter((c) => c.eventId === 'queued-before-upgrade').length, POLL).toBeGreaterThan(0);
    expect(receiver.calls[0]!.authorization).toBe(`Basic ${Buffer.from('tandem:not-for-logs').toString('base64')}`);
    await expect.poll(() => server.logs.some((l) => l.event === 'webhook-failed' && l.eventId === 'queued-before-upgrade'), POLL).toBe(true);
    // The failure is logged before the row is put back for its retry (a commit of its own, slower on
    // PostgreSQL): claimed until then, the row is not to be had yet (seen in CI: []).
    let pending: Awaited<ReturnType<typeof server.store.claimWebhooks>> = [];
    await expect
      .poll(async () => (pending = await server.store.claimWebhooks(Date.now() + 3_600_000, 60_000, 10)).map((d) => d.eventId), POLL)
      .toEqual(['queued-before-upgrade']);
    expect(JSON.stringify(pending)).not.toContain('not-for-logs');
    expect(server.logs.filter((l) => JSON.stringify(l).includes('not-for-logs'))).toEqual([]);
  });

  it('delivers every event once after the receiver was away while the server restarted', async () => {
    receiver = await startWebhookReceiver(SECRET);
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-webhooks-'));
    dirs.push(dir);
    await receiver.stop();
    const first = await start(webhookEnv(), dir);
    const ada = await connect(first, 'away');
    ada.text.insert(0, 'while the receiver is away');
    await expect.poll(async () => (await first.store.getDocument('away'))?.lastSeq, POLL).toBe(1);
    expect((await api(first, 'away', '/named-versions', { label: 'v1' })).status).toBe(201);
    await expect.poll(() => first.logs.filter((l) => l.event === 'webhook-failed').length, POLL).toBeGreaterThanOrEqual(2);
    ada.destroy();
    servers = servers.filter((s) => s !== first);
    await first.close();

    await receiver.start();
    const second = await start(webhookEnv(), dir);
    await expect.poll(() => receiver!.accepted.map((e) => e.type).sort(), POLL).toEqual(['document.changed', 'document.created', 'version.named']);
    expect(coveredSeqs(ofType('document.changed', 'away'))).toEqual(range((await second.store.getDocument('away'))!.lastSeq));
    // Nothing more comes: none twice.
    await expect.poll(() => metric(second, 'tandem_webhooks_pending'), POLL).toBe(0);
    expect(new Set(receiver.accepted.map((e) => e.id)).size).toBe(3);
  });

  it('does not slow editing while the receiver never answers; each call times out and is retried', async () => {
    receiver = await startWebhookReceiver(SECRET);
    const baseline = await start({});
    const [a0, b0] = [await connect(baseline, 'typing'), await connect(baseline, 'typing')];
    const normal = await typeThrough(a0, b0, 150);

    receiver.behaviour = () => 'hang';
    const server = await start(webhookEnv({ WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_DEBOUNCE_MS: '200' }));
    const [a, b] = [await connect(server, 'typing'), await connect(server, 'typing')];
    const hanging = await typeThrough(a, b, 150);
    expect(b.text.toString()).toBe(a.text.toString());
    expect(hanging).toBeLessThan(normal * 2 + 250);
    await expect.poll(() => server.logs.some((l) => l.event === 'webhook-failed' && l.error === 'no answer within 300 ms'), POLL).toBe(true);
  });
  it('gives up a delivery still failing after WEBHOOK_RETRY_FOR: logged, counted, removed', async () => {
    receiver = await startWebhookReceiver(SECRET);
    receiver.behaviour = () => 'fail';
    const server = await start(webhookEnv({ WEBHOOK_RETRY_FOR: '1s' }));
    expect((await api(server, 'missing', '/named-versions', { label: 'x' })).status).toBe(404);
    const ada = await connect(server, 'doomed');
    ada.text.insert(0, 'x');
    await expect.poll(() => server.logs.filter((l) => l.event === 'webhook-given-up').map((l) => l.type).sort(), POLL).toEqual(['document.changed', 'document.created']);
    expect(await metric(server, 'tandem_webhooks_given_up_total')).toBe(2);
    await expect.poll(() => metric(server, 'tandem_webhooks_pending'), POLL).toBe(0);
    expect(receiver.accepted).toEqual([]);
  });
});

describe('webhooks from several instances on one PostgreSQL database', () => {
  it('sends each event once, whichever instance claims it, with one debounced document.changed for all of them', async () => {
    const db = testSchema('hooks');
    try {
      receiver = await startWebhookReceiver(SECRET);
      const env = webhookEnv({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', WEBHOOK_DEBOUNCE_MS: '400' });
      const instances = [await start(env), await start(env), await start(env)];
      const writers = await Promise.all(instances.map((server) => connect(server, 'shared')));
      for (let round = 0; round < 15; round++) {
        writers.forEach((w, i) => w.text.insert(0, String(i)));
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      for (const [i, server] of instances.entries()) expect((await api(server, 'shared', '/named-versions', { label: `v${i}` })).status).toBe(201);
      const lastSeq = async () => (await instances[0]!.store.getDocument('shared'))!.lastSeq;
      await expect.poll(async () => coveredSeqs(ofType('document.changed', 'shared')), POLL).toEqual(range(await lastSeq()));
      await expect.poll(() => ofType('version.named', 'shared').map((e) => e.data.label).sort(), POLL).toEqual(['v0', 'v1', 'v2']);
      expect(ofType('document.created', 'shared')).toHaveLength(1);
      await expect.poll(() => metric(instances[0]!, 'tandem_webhooks_pending'), POLL).toBe(0);
      expect(new Set(receiver.accepted.map((e) => e.id)).size).toBe(receiver.accepted.length);
      expect(receiver.calls.filter((c) => c.status !== 204)).toEqual([]);
      // Every author of the document is in some document.changed.
      expect(new Set(ofType('document.changed', 'shared').flatMap((e) => e.data.authors!.map((a) => a.id))).size).toBe(3);
    } finally {
      for (const c of clients.splice(0)) c.destroy();
      for (const s of servers.splice(0)) await s.destroy();
      await db.drop();
    }
  });
});

it('calls a URL named twice in WEBHOOK_URL once per event', async () => {
  receiver = await startWebhookReceiver(SECRET);
  const server = await start({ WEBHOOK_URL: `${receiver.url},${receiver.url}`, WEBHOOK_SECRET: SECRET, WEBHOOK_DEBOUNCE_MS: '100' });
  const ada = await connect(server, 'twice');
  ada.text.insert(0, 'hello');
  await expect.poll(() => ofType('document.changed', 'twice').length, POLL).toBeGreaterThanOrEqual(1);
  // Long enough for a second call of the same event, had one been queued.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const ids = receiver.calls.map((c) => c.eventId);
  expect(ids.length).toBeGreaterThanOrEqual(2); // document.created and document.changed
  expect(new Set(ids).size).toBe(ids.length);
});

it('stops calling a URL once it is no longer in WEBHOOK_URL', async () => {
  const removed = (receiver = await startWebhookReceiver(SECRET));
  const kept = await startWebhookReceiver(SECRET);
  try {
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
  } finally {
    await kept.close();
  }
}, 30_000);
