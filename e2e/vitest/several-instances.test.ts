// Several built server processes on one PostgreSQL log with Redis between them (REDIS_URL, issue #15):
// stock y-websocket clients on different instances converge on exactly what the log replays; presence,
// restores and history cross instances; an instance killed with -9 loses nothing anyone had received
// (its clients reconnect through a round-robin TCP balancer to the others); Redis stopped for 10 s
// degrades delivery to the log's head check and resumes; a dead instance's people disappear from the
// others within seconds (its heartbeat on Redis stops), a stopped one's at once. Authentication is on (AUTH_SECRET, one token per user), so the
// log's authors are user ids.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { materialize, openPostgresStore } from '@tandem/persistence';
import { FRAGMENT } from '../../packages/schema/src/schema.js';
import { testSchema, type TestSchema } from '@tandem/persistence/testing/postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { connectClient, type TestClient } from '../../apps/sync-server/src/testing/clients.js';
import { startTestRedis, type TestRedis } from '../../apps/sync-server/src/testing/redis-server.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { backendOf, startTcpBalancer, type TcpBalancer } from '../support/tcp-balancer.js';

const SECRET = 'several-instances-test-secret-0123456789abcdef';
const HEAD_CHECK_MS = 300;
/** FANOUT_HEARTBEAT_MS's default: an instance not heard from for five of these is taken for dead. */
const HEARTBEAT_MS = 1_000;

const token = (user: string) => mintToken(SECRET, { userId: user, docs: ['*'], role: 'editor' });

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const m of text.matchAll(new RegExp(`^tandem_${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) total += Number(m[1]);
  return total;
}

/** Types `count` copies of `label` at random places, one per `ms`. */
async function type(client: TestClient, label: string, count: number, ms = 3): Promise<void> {
  for (let i = 0; i < count; i++) {
    client.text.insert(Math.floor(Math.random() * (client.text.length + 1)), label);
    await new Promise((r) => setTimeout(r, ms));
  }
}

/** True when `state` holds everything `vector` names (every client's clock at least as far). */
const covers = (doc: Y.Doc, vector: Map<number, number>) => {
  const have = Y.decodeStateVector(Y.encodeStateVector(doc));
  return [...vector].every(([client, clock]) => (have.get(client) ?? 0) >= clock);
};

const nameOn = (c: TestClient, id: number) =>
  (c.provider.awareness.getStates().get(id) as { user?: { name?: string } } | undefined)?.user?.name;

describe('several server processes on one PostgreSQL log, Redis between them', () => {
  let db: TestSchema;
  let redis: TestRedis;
  let balancer: TcpBalancer | undefined;
  const dataDirs: string[] = [];
  /** Three live instances at the start of every test (afterEach starts one in place of any killed). */
  const instances: ServerProcess[] = [];
  const clients: TestClient[] = [];

  const startInstance = async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-multi-'));
    dataDirs.push(dataDir);
    return startServerProcess(dataDir, {
      DATABASE_URL: db.url,
      DATABASE_SCHEMA: db.schema,
      REDIS_URL: redis.url,
      FANOUT_HEAD_CHECK_MS: String(HEAD_CHECK_MS),
      AUTH_SECRET: SECRET,
    });
  };
  const dead = (s: ServerProcess) => s.child.exitCode !== null || s.child.signalCode !== null;

  beforeAll(async () => {
    db = testSchema('multi');
    redis = await startTestRedis();
    // All three at once, on an empty schema, as a compose file starts them.
    instances.push(...(await Promise.all([startInstance(), startInstance(), startInstance()])));
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await balancer?.close();
    balancer = undefined;
    for (let i = 0; i < instances.length; i++) if (dead(instances[i]!)) instances[i] = await startInstance();
  });

  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await Promise.all(instances.map((s) => (dead(s) ? undefined : s.stop('SIGKILL'))));
    await redis?.stop();
    await db?.drop();
    await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  const client = async (url: string, doc: string, user: string) => {
    const c = connectClient(url, doc, { params: { token: await token(user) } });
    clients.push(c);
    return c;
  };
  const api = async (url: string, user: string, route: string, body?: unknown) =>
    fetch(`${url}/api/docs/${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${await token(user)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  /** The document as a replay of the PostgreSQL log (its head), read on a read-only store of its own. */
  const replay = async (doc: string): Promise<Y.Doc> => {
    const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
    try {
      const head = (await store.getDocument(doc))?.lastSeq ?? 0;
      return await materialize(store, doc, head);
    } finally {
      await store.close();
    }
  };

  /** Every client shows one content (by default its text), and it is exactly the log's replay. */
  const converged = async (doc: string, all: TestClient[], timeout = 10_000, content = (d: Y.Doc) => d.getText('t').toString()) => {
    await expect.poll(() => new Set(all.map((c) => content(c.doc))).size, { timeout, interval: 50 }).toBe(1);
    await expect.poll(async () => content(await replay(doc)), { timeout, interval: 100 }).toBe(content(all[0]!.doc));
  };

  it("writes one author's replacements of the content through A, B and C in turn under one client id per instance, each built on the one before", async () => {
    const send = async (url: string, method: string, route: string, markdown: string) =>
      fetch(`${url}/api/docs/${route}`, { method, headers: { authorization: `Bearer ${await token('ann')}`, 'content-type': 'text/markdown' }, body: markdown });
    const [a, b, c] = instances as [ServerProcess, ServerProcess, ServerProcess];
    expect((await send(a.url, 'PUT', 'turns', 'one')).status).toBe(201);
    const watcher = await client(b.url, 'turns', 'ben');
    await watcher.synced();
    const prose = (d: Y.Doc) => d.getXmlFragment(FRAGMENT).toArray().map((block) => (block as Y.XmlElement).toArray().join('')).join('\n');
    const created = new Set((await replay('turns')).store.clients.keys());
    // Back to back: each instance catches up with the log (the one before's edit) before it builds its own.
    for (const [server, words] of [[b, 'two'], [c, 'three'], [a, 'four'], [b, 'five']] as const) expect((await send(server.url, 'POST', 'turns/content', words)).status).toBe(201);
    const log = await replay('turns');
    expect(prose(log)).toBe('five');
    // Each instance its own (never one id written by two of them), and B's second edit under B's first's.
    expect(log.store.clients.size).toBe(created.size + 3);
    await expect.poll(() => prose(watcher.doc), { timeout: 5000 }).toBe('five');
  });

  it('converges typists spread over three processes, and the PostgreSQL log replays to what each of them shows', async () => {
    const typists = await Promise.all(instances.flatMap((s, i) => [client(s.url, 'shared', `u${i}a`), client(s.url, 'shared', `u${i}b`)]));
    await Promise.all(typists.map((c) => c.synced()));
    const receivedBefore = await Promise.all(instances.map((s) => metric(s.url, 'fanout_received_total')));
    await Promise.all(typists.map((c, i) => type(c, String.fromCharCode(97 + i), 40)));
    await converged('shared', typists);
    expect(typists[0]!.text.length).toBe(typists.length * 40);
    for (const letter of 'abcdef') expect(typists[0]!.text.toString().split(letter).length - 1).toBe(40);
    // Delivered through Redis, not only healed from the log.
    for (const [i, s] of instances.entries()) expect(await metric(s.url, 'fanout_received_total')).toBeGreaterThan(receivedBefore[i]!);
    // Each update is in the log once: 240 keystrokes, 240 updates at most (a client may merge some).
    const head = (await (await api(instances[2]!.url, 'u0a', 'shared')).json()) as { lastSeq: number };
    expect(head.lastSeq).toBeLessThanOrEqual(240);
  });

  it('carries presence across instances, shows a restore made through A live on B, and lists A\'s and B\'s edits by author on C', async () => {
    const [a, b, c] = instances as [ServerProcess, ServerProcess, ServerProcess];
    const ann = await client(a.url, 'notes', 'ann');
    const ben = await client(b.url, 'notes', 'ben');
    const cat = await client(c.url, 'notes', 'cat');
    await Promise.all([ann.synced(), ben.synced(), cat.synced()]);

    ann.provider.awareness.setLocalStateField('user', { name: 'Ann' });
    ben.provider.awareness.setLocalStateField('user', { name: 'Ben' });
    for (const [viewer, person, name] of [[ben, ann, 'Ann'], [cat, ann, 'Ann'], [ann, ben, 'Ben'], [cat, ben, 'Ben']] as const) {
      await expect.poll(() => nameOn(viewer, person.doc.clientID), { timeout: 5000 }).toBe(name);
    }

    // Paragraphs of the editor's ProseMirror fragment: what a restore replaces.
    const paragraph = (d: Y.Doc) => {
      const text = new Y.XmlText();
      const block = new Y.XmlElement('paragraph');
      block.insert(0, [text]);
      d.getXmlFragment(FRAGMENT).push([block]);
      return text;
    };
    const write = async (text: Y.XmlText, words: string) => {
      for (const ch of words) {
        text.insert(text.length, ch);
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    const prose = (d: Y.Doc) => d.getXmlFragment(FRAGMENT).toArray().map((block) => (block as Y.XmlElement).toArray().join('')).join('\n');

    await write(paragraph(ann.doc), 'Ann wrote this on A.');
    await converged('notes', [ann, ben, cat], 10_000, prose);
    const annVersion = (await (await api(a.url, 'ann', 'notes')).json()) as { lastSeq: number };
    await write(paragraph(ben.doc), 'Ben added this on B.');
    await converged('notes', [ann, ben, cat], 10_000, prose);
    expect(prose(ben.doc)).toBe('Ann wrote this on A.\nBen added this on B.');

    const restored = await api(a.url, 'ann', 'notes/restore', { seq: annVersion.lastSeq });
    expect(restored.status).toBe(201);
    const restore = (await restored.json()) as { seq: number; author: string };
    expect(restore.author).toBe('ann');
    // Live on B (and C), through Redis: no reconnect, no reload.
    await expect.poll(() => prose(ben.doc), { timeout: 5000 }).toBe('Ann wrote this on A.');
    await converged('notes', [ann, ben, cat], 10_000, prose);

    const history = await api(c.url, 'cat', 'notes/history');
    expect(history.status).toBe(200);
    type Session = { fromSeq: number; toSeq: number; authors: Array<{ id: string; updates: number }> };
    const { sessions, lastSeq, authors } = (await history.json()) as { lastSeq: number; sessions: Session[]; authors: Record<string, { name: string }> };
    expect(lastSeq).toBe(restore.seq);
    // Seconds apart: one session, Ann's typing and restore and Ben's typing counted for each.
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ fromSeq: 1, toSeq: restore.seq });
    expect(sessions[0]!.authors.map((a) => [a.id, a.updates])).toEqual([
      ['ann', annVersion.lastSeq + 1],
      ['ben', restore.seq - annVersion.lastSeq - 1],
    ]);
    expect(Object.keys(authors).sort()).toEqual(['ann', 'ben']);
  });

  it('loses nothing anyone had received when an instance is killed with -9 mid-typing; its clients reconnect to another through the balancer and go on', async () => {
    balancer = await startTcpBalancer(instances.map((s) => backendOf(s.url)));
    const typists: TestClient[] = [];
    for (let i = 0; i < 6; i++) {
      // One at a time, so that round robin puts two on each instance.
      const c = await client(balancer.url, 'crash', `k${i}`);
      await c.synced();
      typists.push(c);
    }
    expect(balancer.routed).toEqual([0, 1, 2, 0, 1, 2]);
    const victims = [typists[0]!, typists[3]!];

    const perTypist = 120;
    const typing = Promise.all(typists.map((c, i) => type(c, String.fromCharCode(97 + i), perTypist, 10)));
    await new Promise((r) => setTimeout(r, 400));
    // What every client holds right when the instance dies: all of it must survive.
    const killed = instances[0]!.stop('SIGKILL');
    const heldAtKill = typists.map((c) => Y.decodeStateVector(Y.encodeStateVector(c.doc)));
    expect(await killed).toBe('SIGKILL');
    await typing;

    // The victims went through the balancer to a live instance and are synced there.
    await expect.poll(() => victims.every((c) => c.provider.synced), { timeout: 10_000 }).toBe(true);
    expect(balancer.routed.slice(6).length).toBeGreaterThanOrEqual(2);
    expect(balancer.routed.slice(6).every((i) => i !== 0)).toBe(true);

    await converged('crash', typists);
    // Every keystroke of every typist, the victims' included (those lost in flight were sent again).
    expect(typists[0]!.text.length).toBe(typists.length * perTypist);
    const log = await replay('crash');
    for (const held of heldAtKill) expect(covers(log, held)).toBe(true);
    // After the crash, the victims' edits reach the others (and the log) from their new instance.
    const more = victims.map((c, i) => type(c, String(i), 5));
    await Promise.all(more);
    await converged('crash', typists);
    expect(typists[1]!.text.length).toBe(typists.length * perTypist + 10);
  });

  it('keeps every instance editing while Redis is stopped for 10 s, converges through the log meanwhile, and delivers through Redis again once it is back', async () => {
    const typists = await Promise.all(instances.map((s, i) => client(s.url, 'outage', `r${i}`)));
    await Promise.all(typists.map((c) => c.synced()));
    await Promise.all(typists.map((c, i) => type(c, String.fromCharCode(97 + i), 10)));
    await converged('outage', typists);

    await redis.stop();
    const stoppedAt = performance.now();
    for (const s of instances) await expect.poll(() => metric(s.url, 'redis_connected'), { timeout: 5000 }).toBe(0);
    const healedBefore = await Promise.all(instances.map((s) => metric(s.url, 'fanout_healed_updates_total')));
    // Typing on every instance for most of the outage.
    await Promise.all(typists.map((c, i) => type(c, String.fromCharCode(120 + i), 60, 100)));
    const typedUntil = performance.now() - stoppedAt;
    await converged('outage', typists, 5000);
    const convergedAt = performance.now() - stoppedAt;
    expect(typists[0]!.text.length).toBe(3 * 70);
    for (const [i, s] of instances.entries()) {
      expect(await metric(s.url, 'fanout_healed_updates_total')).toBeGreaterThan(healedBefore[i]!);
      expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    }
    console.info(`redis outage: typed for ${Math.round(typedUntil)} ms, converged ${Math.round(convergedAt - typedUntil)} ms after the last keystroke`);
    // Converged through the log while Redis was still down.
    expect(convergedAt).toBeLessThan(10_000);
    await new Promise((r) => setTimeout(r, 10_000 - (performance.now() - stoppedAt)));

    await redis.start();
    for (const s of instances) await expect.poll(() => metric(s.url, 'redis_connected'), { timeout: 10_000 }).toBe(1);
    const receivedBefore = await Promise.all(instances.map((s) => metric(s.url, 'fanout_received_total')));
    await Promise.all(typists.map((c, i) => type(c, String(i), 10)));
    await converged('outage', typists);
    expect(typists[0]!.text.length).toBe(3 * 80);
    for (const [i, s] of instances.entries()) expect(await metric(s.url, 'fanout_received_total')).toBeGreaterThan(receivedBefore[i]!);
  }, 45_000);

  it('drops the people of an instance killed with -9 from the other instances within seconds, and of a stopped one at once', async () => {
    const [a, b, c] = instances as [ServerProcess, ServerProcess, ServerProcess];
    const ann = await client(a.url, 'presence', 'ann');
    const ben = await client(b.url, 'presence', 'ben');
    const cat = await client(c.url, 'presence', 'cat');
    await Promise.all([ann.synced(), ben.synced(), cat.synced()]);
    ann.provider.awareness.setLocalStateField('user', { name: 'Ann' });
    ben.provider.awareness.setLocalStateField('user', { name: 'Ben' });
    cat.provider.awareness.setLocalStateField('user', { name: 'Cat' });
    await expect.poll(() => nameOn(ben, ann.doc.clientID), { timeout: 5000 }).toBe('Ann');
    await expect.poll(() => nameOn(cat, ann.doc.clientID), { timeout: 5000 }).toBe('Ann');
    await expect.poll(() => nameOn(ben, cat.doc.clientID), { timeout: 5000 }).toBe('Cat');
    // The instance killed in an earlier test is forgotten once its silence is long enough.
    await expect.poll(() => metric(b.url, 'fanout_instances'), { timeout: 10 * HEARTBEAT_MS }).toBe(2);
    // Ann's instance dies: no clean close (which would remove her everywhere at once), no goodbye; her
    // client retries the dead address in vain. Her state would live 30 s more (y-protocols' timeout);
    // the others stop hearing her instance's heartbeat and drop what it held.
    const killedAt = performance.now();
    await a.stop('SIGKILL');
    const annId = ann.doc.clientID;
    await expect
      .poll(() => ben.provider.awareness.getStates().has(annId) || cat.provider.awareness.getStates().has(annId), { timeout: 20 * HEARTBEAT_MS, interval: 100 })
      .toBe(false);
    const goneAfter = performance.now() - killedAt;
    console.info(`presence of a killed instance's client gone from the others after ${Math.round(goneAfter)} ms`);
    // Five heartbeats of silence, found by a check that runs every heartbeat, plus delivery.
    expect(goneAfter).toBeLessThan(7 * HEARTBEAT_MS + 1_000);
    // Gone from the instances too, not only from their clients: someone joining does not get her state.
    for (const s of [b, c]) {
      const late = await client(s.url, 'presence', 'dan');
      await late.synced();
      await expect.poll(() => nameOn(late, ben.doc.clientID), { timeout: 5000 }).toBe('Ben');
      expect(late.provider.awareness.getStates().has(annId)).toBe(false);
    }
    await expect.poll(() => metric(b.url, 'fanout_instances'), { timeout: 2 * HEARTBEAT_MS }).toBe(1);
    // Ben, on a live instance, is still there for everyone.
    expect(nameOn(cat, ben.doc.clientID)).toBe('Ben');

    // Cat's instance is stopped (SIGTERM): her state goes at once, with the instance's goodbye.
    const stoppedAt = performance.now();
    await c.stop('SIGTERM');
    await expect.poll(() => ben.provider.awareness.getStates().has(cat.doc.clientID), { timeout: 5 * HEARTBEAT_MS, interval: 50 }).toBe(false);
    expect(performance.now() - stoppedAt).toBeLessThan(3 * HEARTBEAT_MS);
  }, 60_000);
});
