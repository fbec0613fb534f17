// The page's "Saved" (sync-status.ts) against the real server: the stock y-websocket provider over real
// sockets (`ws` as the browser's WebSocket), the browser's other globals stubbed as little as it needs.

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { IDBKeyRange as FakeKeyRange, indexedDB as fakeIndexedDB } from 'fake-indexeddb';
import { IndexeddbPersistence } from 'y-indexeddb';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../../sync-server/src/testing/free-port.js';
import { startTestServer, type TestServer } from '../../../sync-server/src/testing/in-process.js';
import type { DocumentSync, SyncStatus } from './sync-status.js';

let server: TestServer;
/** The server the pages talk to (one test restarts its own). */
let serverUrl = '';
/** How late this browser's copy opens, and how late a deletion of one is done. */
let openDelay = 0;
let deleteDelay = 0;
/** How many times a page reloaded itself (location.reload). */
let reloads = 0;
let syncDocument: typeof import('./sync-status.js').syncDocument;

beforeAll(async () => {
  server = await startTestServer();
  serverUrl = server.url;
  const storage = new Map<string, string>();
  vi.stubGlobal('document', { baseURI: `${server.url}/` });
  vi.stubGlobal('location', {
    protocol: 'http:',
    get host() {
      return new URL(serverUrl).host;
    },
    reload: () => void (reloads += 1),
  });
  vi.stubGlobal('navigator', { onLine: true });
  vi.stubGlobal('window', new EventTarget());
  vi.stubGlobal('addEventListener', () => {});
  vi.stubGlobal('removeEventListener', () => {});
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
    removeItem: (k: string) => void storage.delete(k),
  });
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: string, init?: RequestInit) => realFetch(new URL(input, serverUrl), init));
  vi.stubGlobal('WebSocket', WebSocket);
  // IndexedDB in memory, each copy opening `openDelay` ms late (a long document on a slow disk).
  vi.stubGlobal('IDBKeyRange', FakeKeyRange);
  vi.stubGlobal('indexedDB', {
    open(name: string) {
      const request = fakeIndexedDB.open(name);
      const late: Record<string, ((event: Event) => void) | undefined> = {};
      request.onupgradeneeded = (event) => late.onupgradeneeded?.(event);
      request.onerror = (event) => late.onerror?.(event);
      request.onsuccess = (event) => void setTimeout(() => late.onsuccess?.(event), openDelay);
      return late;
    },
    deleteDatabase(name: string) {
      const request = fakeIndexedDB.deleteDatabase(name);
      const late: Record<string, ((event: Event) => void) | undefined> = {};
      request.onerror = (event) => late.onerror?.(event);
      request.onsuccess = (event) => void setTimeout(() => late.onsuccess?.(event), deleteDelay);
      return late;
    },
  });
  ({ syncDocument } = await import('./sync-status.js'));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await server.destroy();
});

const open: DocumentSync[] = [];
afterEach(() => {
  openDelay = 0;
  deleteDelay = 0;
  reloads = 0;
  for (const sync of open.splice(0)) sync.destroy();
});

/** A page's sync of `name`, and every status it was told. */
function page(name: string, doc = new Y.Doc()) {
  const sync = syncDocument(name, doc);
  open.push(sync);
  const seen: SyncStatus[] = [];
  sync.onStatus((s) => seen.push(s));
  return { doc, sync, seen };
}

/** The text `t` of what `on` has stored of `name`. */
async function storedText(on: TestServer, name: string): Promise<string> {
  const doc = new Y.Doc();
  for (const { update } of await on.store.readUpdates(name)) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

describe('Saved (sync-status.ts) against the real server', () => {
  it('says Saved once an edit is stored', async () => {
    const a = page('saved-basic');
    a.doc.getText('t').insert(0, 'hello');
    await expect.poll(() => a.sync.status().saved, { timeout: 10_000 }).toBe(true);
  });

  it('is not Saved while an edit typed as the server closes the socket (a restart) was never sent', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-status-'));
    const port = String(await freePort());
    let own = await startTestServer({ PORT: port }, dir);
    serverUrl = own.url;
    try {
      const a = page('restarted');
      a.doc.getText('t').insert(0, 'before');
      await expect.poll(() => a.sync.status().saved, { timeout: 10_000 }).toBe(true);
      // A key pressed after the server's close frame arrived, before the socket's close event (one round
      // trip later): y-websocket sends nothing on a socket that is not open.
      const ws = a.sync.provider.ws as unknown as WebSocket;
      const close = ws.close.bind(ws);
      let savedAfterKey: boolean | undefined;
      ws.close = (...args: Parameters<WebSocket['close']>) => {
        close(...args);
        if (savedAfterKey !== undefined || a.sync.provider.ws !== (ws as unknown)) return;
        a.doc.getText('t').insert(6, ' after');
        savedAfterKey = a.sync.status().saved;
      };
      await own.close();
      expect(savedAfterKey).toBe(false);
      own = await startTestServer({ PORT: port }, dir);
      await expect.poll(() => a.sync.status().saved, { timeout: 15_000 }).toBe(true);
      expect(await storedText(own, 'restarted')).toBe('before after');
    } finally {
      serverUrl = server.url;
      await own.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is not Saved before the edits kept in this browser are read from it (and sent)', async () => {
    // Typed offline in an earlier visit: kept in this browser's copy only.
    const earlier = new Y.Doc();
    earlier.getText('t').insert(0, 'typed offline');
    const copy = new IndexeddbPersistence('tandem/kept-offline', earlier);
    await copy.whenSynced;
    await copy.destroy();
    openDelay = 1_000;
    const a = page('kept-offline');
    const savedWithout: string[] = [];
    a.sync.onStatus((s) => {
      if (s.saved && a.doc.getText('t').toString() !== 'typed offline') savedWithout.push(a.doc.getText('t').toString());
    });
    await expect.poll(() => a.doc.getText('t').toString(), { timeout: 10_000 }).toBe('typed offline');
    await expect.poll(() => a.sync.status().saved, { timeout: 10_000 }).toBe(true);
    expect(await storedText(server, 'kept-offline')).toBe('typed offline');
    expect(savedWithout).toEqual([]);
  });

  it('is Saved only with what the server stored, across going offline and back with changes unacknowledged', async () => {
    const a = page('offline-and-back');
    const t = a.doc.getText('t');
    // Each time the page says Saved: how much of this page's writing it claims stored.
    const claimed: number[] = [];
    a.sync.onStatus((s) => void (s.saved && claimed.push(Y.getState(a.doc.store, a.doc.clientID))));
    await expect.poll(() => a.sync.status().connection, { timeout: 10_000 }).toBe('connected');
    for (let round = 0; round < 5; round++) {
      t.insert(t.length, `a${round} `);
      (navigator as { onLine: boolean }).onLine = false;
      window.dispatchEvent(new Event('offline'));
      t.insert(t.length, `b${round} `);
      (navigator as { onLine: boolean }).onLine = true;
      window.dispatchEvent(new Event('online'));
      t.insert(t.length, `c${round} `);
      await new Promise((resolve) => setTimeout(resolve, round * 20));
    }
    await expect.poll(() => a.sync.status().saved, { timeout: 10_000 }).toBe(true);
    expect(await storedText(server, 'offline-and-back')).toBe(t.toString());
    const stored = new Y.Doc();
    for (const { update } of await server.store.readUpdates('offline-and-back')) Y.applyUpdate(stored, update);
    expect(Math.max(...claimed)).toBeLessThanOrEqual(Y.getState(stored.store, a.doc.clientID));
  });

  it('two tabs of a document: each Saved only once its own changes are stored', async () => {
    const a = page('two-tabs');
    const b = page('two-tabs');
    await expect.poll(() => a.sync.status().saved && b.sync.status().saved, { timeout: 10_000 }).toBe(true);
    for (let i = 0; i < 20; i++) {
      a.doc.getText('t').insert(0, 'a');
      b.doc.getText('t').insert(0, 'b');
      if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await expect.poll(() => a.sync.status().saved && b.sync.status().saved, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => b.doc.getText('t').toString()).toBe(a.doc.getText('t').toString());
    expect(await storedText(server, 'two-tabs')).toBe(a.doc.getText('t').toString());
  });

  it('a renamed document: the page hears it moved only once the edits kept in this browser are in its document', async () => {
    // Created, then renamed while this browser was offline with edits of its own in its copy.
    const created = page('before-rename');
    created.doc.getText('t').insert(0, 'stored ');
    await expect.poll(() => created.sync.status().saved, { timeout: 10_000 }).toBe(true);
    created.sync.destroy();
    const earlier = new Y.Doc();
    Y.applyUpdate(earlier, Y.encodeStateAsUpdate(created.doc));
    earlier.getText('t').insert(7, 'typed offline');
    const copy = new IndexeddbPersistence('tandem/before-rename', earlier);
    await copy.whenSynced;
    await copy.destroy();
    const renamed = await fetch(`${server.url}/api/docs/before-rename/rename`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'after-rename' }),
    });
    expect(renamed.status).toBe(201);
    openDelay = 1_000;
    const a = page('before-rename');
    // What the page takes along to the new name as it hears of the move (DocumentSync.moveTo), before it
    // drops this browser's copy of the old name.
    const carried: string[] = [];
    a.sync.onStatus((s) => void (s.connection === 'denied' && carried.push(a.doc.getText('t').toString())));
    await expect.poll(() => carried.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(a.sync.status().deniedReason).toMatch(/^4430 /);
    expect(carried[0]).toBe('stored typed offline');
  });

  it('a renamed document moves in place: the same Y.Doc under the new name, Saved only once stored there, and this browser\'s copy follows', async () => {
    // A copy of another, older document is in this browser under the new name: it must not come in.
    const stale = new Y.Doc();
    stale.getText('t').insert(0, 'STALE ');
    const staleCopy = new IndexeddbPersistence('tandem/moved-here', stale);
    await staleCopy.whenSynced;
    await staleCopy.destroy();

    const a = page('moving-away');
    a.doc.getText('t').insert(0, 'before ');
    await expect.poll(() => a.sync.status().saved, { timeout: 10_000 }).toBe(true);
    const renamed = await fetch(`${server.url}/api/docs/moving-away/rename`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'moved-here' }),
    });
    expect(renamed.status).toBe(201);
    await expect.poll(() => a.sync.status().deniedReason, { timeout: 10_000 }).toMatch(/^4430 /);
    a.doc.getText('t').insert(7, 'during ');
    const moved = a.sync.moveTo('moved-here');
    a.doc.getText('t').insert(14, 'switch');
    // Not saved until the new name's room has it.
    expect(a.sync.status().saved).toBe(false);
    expect(a.sync.status().connection).toBe('connecting');
    await moved;
    await expect.poll(() => a.sync.status().saved, { timeout: 10_000 }).toBe(true);
    expect(a.doc.getText('t').toString()).toBe('before during switch');
    expect(await storedText(server, 'moved-here')).toBe('before during switch');
    // This browser's copy is under the new name, whole, and the old name's is gone.
    const names = (await fakeIndexedDB.databases()).map((d) => d.name);
    expect(names).toContain('tandem/moved-here');
    expect(names).not.toContain('tandem/moving-away');
    const reread = new Y.Doc();
    const copy = new IndexeddbPersistence('tandem/moved-here', reread);
    await copy.whenSynced;
    await copy.destroy();
    expect(reread.getText('t').toString()).toBe('before during switch');
    // Typed after the move: stored under the new name.
    a.doc.getText('t').insert(0, '+');
    await expect.poll(() => storedText(server, 'moved-here'), { timeout: 10_000 }).toBe('+before during switch');
  });

  it("the page's own tag counts when the server says which document the name holds, not the one this browser keeps for the name now", async () => {
    // Renamed onto a name this browser once kept a purged document's copy under: the page dropped that stale tag
    // while it deleted the old copy, and the server's [105] for the new name, heard meanwhile, was compared with
    // it: the page took its own copy for the purged one's, dropped it and reloaded, and what was typed during
    // the move was lost (found by a review, with slow deletions). Here the stale tag stands while it reconnects.
    const a = page('own-tag-counts');
    a.doc.getText('t').insert(0, 'before ');
    await expect.poll(() => a.sync.status().saved, { timeout: 10_000 }).toBe(true);
    localStorage.setItem('tandem:copy-of:own-tag-counts', '2020-01-01T00:00:00.000Z');
    (navigator as { onLine: boolean }).onLine = false;
    window.dispatchEvent(new Event('offline'));
    a.doc.getText('t').insert(7, 'offline ');
    (navigator as { onLine: boolean }).onLine = true;
    window.dispatchEvent(new Event('online'));
    await expect.poll(() => a.sync.status().saved, { timeout: 10_000 }).toBe(true);
    expect(reloads).toBe(0);
    expect(await storedText(server, 'own-tag-counts')).toBe('before offline ');
  });
});
