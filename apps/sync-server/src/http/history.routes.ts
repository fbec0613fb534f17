// The history API of one document: its timeline, any version in any format, attributed diffs, and
// restoring an old version as a new edit.

import { diffVersions, materialize, PersistenceError, readTimeline, resolveSeq, type DocumentStore } from '@tandem/persistence';
import { type Context, Hono } from 'hono';
import { type Authenticate, authorizeDoc } from '../auth/authenticate.js';
import type { Principal } from '../auth/token.js';
import { TandemError } from '../errors.js';
import { downloadName, parseFormat, render } from '../history/render.js';
import { restoreUpdate } from '../history/restore.js';
import type { RoomRegistry } from '../sync/rooms.js';
import { storeRateKey } from '../sync/store-rate.js';
import { docParam } from './doc-param.js';

export interface HistoryDeps {
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  readonly authenticate: Authenticate;
}

const intParam = (value: string | undefined, name: string, fallback?: number): number => {
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    throw new TandemError('bad-request', `Missing ${name}`);
  }
  if (!/^\d+$/.test(value)) throw new TandemError('bad-request', `${name} must be a non-negative integer, not ${JSON.stringify(value)}`);
  return Number(value);
};

const timeParam = (value: string): number => {
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at)) {
    throw new TandemError('bad-request', `at must be an ISO 8601 time (2026-11-25T10:00:00Z), not ${JSON.stringify(value)}`);
  }
  return at;
};

/** Maps the history layer's errors to HTTP ones. */
export function fromPersistence(error: unknown): never {
  if (error instanceof PersistenceError && error.code === 'not-found') throw new TandemError('not-found', error.message, { doc: error.doc });
  if (error instanceof PersistenceError && (error.code === 'out-of-range' || error.code === 'invalid-argument')) {
    throw new TandemError('bad-request', error.message, { doc: error.doc });
  }
  throw error;
}

export function requireEditor(principal: Principal, what: string): void {
  if (principal.role !== 'editor') throw new TandemError('forbidden', `Only editors may ${what}`, { user: principal.userId });
}

export function historyRoutes({ store, rooms, authenticate }: HistoryDeps): Hono {
  const app = new Hono();
  const access = async (c: Context) => {
    const doc = docParam(c);
    const principal = await authenticate(c);
    authorizeDoc(principal, doc);
    if ((await store.getDocument(doc)) === undefined) throw new TandemError('not-found', `No document named ${JSON.stringify(doc)}`, { doc });
    return { doc, principal };
  };
  // The time of update `seq`; null for version 0, or for a seq that compaction merged away.
  const receivedAt = async (doc: string, seq: number) => {
    const [update] = seq === 0 ? [] : await store.readUpdates(doc, { afterSeq: seq - 1, toSeq: seq });
    return update === undefined ? null : new Date(update.receivedAt).toISOString();
  };

  app.get('/:doc/history', async (c) => {
    const { doc } = await access(c);
    const limit = Math.min(intParam(c.req.query('limit'), 'limit', 50), 500);
    const gapMs = intParam(c.req.query('gap'), 'gap', 60) * 1000;
    const page = await readTimeline(store, doc, { afterSeq: intParam(c.req.query('after'), 'after', 0), limit, gapMs });
    return c.json({
      doc,
      lastSeq: (await store.getDocument(doc))!.lastSeq,
      sessions: page.sessions.map((s) => ({
        ...s,
        startedAt: new Date(s.startedAt).toISOString(),
        endedAt: new Date(s.endedAt).toISOString(),
      })),
      nextAfter: page.nextAfterSeq,
    });
  });

  const version = async (c: Context, doc: string, seq: number) => {
    const format = parseFormat(c.req.query('format'));
    const ydoc = await materialize(store, doc, seq);
    const rendered = render(ydoc, format, { doc, seq, at: await receivedAt(doc, seq) });
    ydoc.destroy();
    const disposition = c.req.query('download') === '1' ? 'attachment' : 'inline';
    const name = downloadName(doc, seq, rendered.extension);
    c.header('content-type', rendered.contentType);
    c.header('content-disposition', `${disposition}; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    c.header('x-tandem-seq', String(seq));
    return c.body(typeof rendered.body === 'string' ? rendered.body : (rendered.body as Uint8Array<ArrayBuffer>));
  };

  app.get('/:doc/versions/:seq', async (c) => {
    const { doc } = await access(c);
    const seq = await resolveSeq(store, doc, { seq: intParam(c.req.param('seq'), 'seq') }).catch(fromPersistence);
    return version(c, doc, seq);
  });

  app.get('/:doc/versions', async (c) => {
    const { doc } = await access(c);
    const at = c.req.query('at');
    if (at === undefined) throw new TandemError('bad-request', 'Give a time (?at=<ISO time>) or use /versions/<seq>');
    return version(c, doc, await resolveSeq(store, doc, { at: timeParam(at) }).catch(fromPersistence));
  });

  app.get('/:doc/diff', async (c) => {
    const { doc } = await access(c);
    const last = (await store.getDocument(doc))!.lastSeq;
    const from = await resolveSeq(store, doc, { seq: intParam(c.req.query('from'), 'from') }).catch(fromPersistence);
    const to = await resolveSeq(store, doc, { seq: intParam(c.req.query('to'), 'to', last) }).catch(fromPersistence);
    if (from > to) throw new TandemError('bad-request', `from (${from}) must not be after to (${to})`);
    return c.json({ doc, ...(await diffVersions(store, doc, from, to)) });
  });

  app.post('/:doc/restore', async (c) => {
    const { doc, principal } = await access(c);
    requireEditor(principal, 'restore a version');
    const body = (await c.req.json().catch(() => ({}))) as { seq?: unknown };
    if (typeof body.seq !== 'number') throw new TandemError('bad-request', 'Send {"seq": <sequence number>}');
    const seq = await resolveSeq(store, doc, { seq: body.seq }).catch(fromPersistence);
    const target = await materialize(store, doc, seq);
    const author = principal.userId === 'local' ? 'restore' : principal.userId;
    const ip = (c.env as { incoming?: { socket: { remoteAddress?: string } } } | undefined)?.incoming?.socket.remoteAddress ?? 'unknown';
    const rateKey = storeRateKey(principal, ip);
    const newSeq = await rooms.withRoom(doc, (room) => room.commitServerEdit(restoreUpdate(room.doc, target), author, rateKey));
    target.destroy();
    return c.json({ doc, restored: seq, seq: newSeq, author }, 201);
  });
  return app;
}
