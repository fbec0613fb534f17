// The history API of one document: its timeline, any version in any format, attributed diffs,
// restoring an old version as a new edit, and taking such a restore back. The work itself runs on the history pool's threads
// (history/pool.ts); these routes check the request, hand it over, and send what comes back.

import { PersistenceError, resolveSeq, type DocumentStore } from '@tandem/persistence';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { type Authenticate, authorizeDoc } from '../auth/authenticate.js';
import type { AuthorsWritten } from '../authors/recorder.js';
import type { Fanout } from '../fanout/redis-fanout.js';
import type { Principal } from '../auth/token.js';
import type { Config } from '../config.js';
import { TandemError } from '../errors.js';
import type { HistoryPool } from '../history/pool.js';
import { exportHeaders, parseFormat } from '../history/formats.js';
import { trashedError } from '../sync/room.js';
import type { RoomRegistry } from '../sync/rooms.js';
import type { DocumentEvents } from '../webhooks/outbox.js';
import { storeRateKey } from '../sync/store-rate.js';
import { apiApp } from './api-app.js';
import { docParam } from './doc-param.js';
import { authorship, diff, restore, timeline, undoRestore, versionAtSeq, versionAtTime } from './history.schemas.js';
import { requestAddress } from './request-address.js';
import { requestAuthor } from './request-author.js';

export interface HistoryDeps {
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  readonly authenticate: Authenticate;
  readonly history: HistoryPool;
  readonly config: Pick<Config, 'historyMaxDiffChars'>;
  readonly documentEvents: DocumentEvents;
  readonly logger: Logger;
  /** Writes the queued sightings of these authors, if any: the answers that name authors read their records. */
  readonly authorsWritten?: AuthorsWritten;
  /** The other instances, told of a restore (their editors forget their undo steps, as ours do). */
  readonly fanout?: Fanout;
}

/** Maps the history layer's errors to HTTP ones. */
export function fromPersistence(error: unknown): never {
  if (error instanceof PersistenceError && error.code === 'not-found') throw new TandemError('not-found', error.message, { doc: error.doc });
  if (error instanceof PersistenceError && (error.code === 'out-of-range' || error.code === 'invalid-argument')) {
    throw new TandemError('bad-request', error.message, { doc: error.doc });
  }
  if (error instanceof PersistenceError && error.code === 'too-large') throw new TandemError('too-large', error.message, { doc: error.doc });
  throw error;
}

/**
 * An undo of a restore claimed this long ago and never settled (its server died) may be claimed again:
 * far longer than an undo takes, even behind other exclusive edits of the document.
 */
const UNDO_CLAIM_MS = 10 * 60_000;

export function requireEditor(principal: Principal, what: string): void {
  if (principal.role !== 'editor') throw new TandemError('forbidden', `Only editors may ${what}`, { user: principal.userId });
}

/**
 * Someone who did not come in through a share link: what cannot be taken back from history (deleting a
 * document for good), or would outlive the link (making links), is the document's people's, not a guest's.
 */
export function requireNoShareLink(principal: Principal, what: string, doc: string): void {
  if (principal.linkId !== undefined) throw new TandemError('forbidden', `Access from a share link cannot ${what}`, { doc, user: principal.userId });
}

export function historyRoutes({ store, rooms, authenticate, history, config, documentEvents, logger, authorsWritten, fanout }: HistoryDeps): OpenAPIHono {
  const app = apiApp();
  // Someone who has just typed may still wait in the author recorder's queue (it writes at most once a
  // second): the answers that name authors read their records, so those of the people in the document,
  // and of those who wrote in it since it opened (one who left, or reconnected, as turning the authorship
  // colours on does), are written first. Only theirs: a scrub sends a request per frame, and the queue
  // holds every document's.
  const peopleHereWritten = async (doc: string) => {
    const room = rooms.loaded(doc);
    if (room !== undefined) await authorsWritten?.([...new Set([...[...room.connections].map((conn) => conn.author), ...room.writers()])]);
  };
  const access = async (c: Context) => {
    const doc = docParam(c);
    const principal = await authenticate(c);
    await authorizeDoc(principal, doc, store);
    if ((await store.getDocument(doc)) === undefined) throw new TandemError('not-found', `No document named ${JSON.stringify(doc)}`, { doc });
    if ((await store.inTrash(doc)) !== undefined) throw trashedError(doc);
    return { doc, principal };
  };
  // The time of update `seq`; null for version 0, or for a seq that compaction merged away.
  const receivedAt = async (doc: string, seq: number) => {
    const [update] = seq === 0 ? [] : await store.readUpdates(doc, { afterSeq: seq - 1, toSeq: seq });
    return update === undefined ? null : new Date(update.receivedAt).toISOString();
  };

  app.openapi(timeline, async (c) => {
    const { doc } = await access(c);
    const query = c.req.valid('query');
    const [limit, gapMs, afterSeq] = [Math.min(query.limit, 500), query.gap * 1000, query.after];
    await peopleHereWritten(doc);
    const page = await history.run({ kind: 'timeline', doc, afterSeq, limit, gapMs }, c.req.raw.signal).catch(fromPersistence);
    return c.json({
      doc,
      lastSeq: (await store.getDocument(doc))!.lastSeq,
      sessions: page.sessions.map((s) => ({
        ...s,
        startedAt: new Date(s.startedAt).toISOString(),
        endedAt: new Date(s.endedAt).toISOString(),
      })),
      nextAfter: page.nextAfterSeq,
      authors: page.authors,
    });
  });

  // Who inserted each run of the current document still present, and when: the editor's authorship
  // colours. `ranges`: [client, clock, length, author, receivedAt ms]; viewers may read it, as the history.
  app.openapi(authorship, async (c) => {
    const { doc } = await access(c);
    await peopleHereWritten(doc);
    const body = await history.run({ kind: 'authorship', doc }, c.req.raw.signal).catch(fromPersistence);
    return c.body(body as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  const version = async (c: Context, doc: string, seq: number) => {
    const format = parseFormat(c.req.query('format'));
    const at = await receivedAt(doc, seq);
    const rendered = await history.run({ kind: 'version', doc, seq, format, at }, c.req.raw.signal).catch(fromPersistence);
    // A download unless ?inline=1 (`download=1`, which older links carry, changes nothing).
    for (const [key, value] of Object.entries(exportHeaders(doc, seq, rendered, c.req.query('inline') === '1'))) c.header(key, value);
    return c.body(rendered.body as Uint8Array<ArrayBuffer>);
  };

  app.openapi(versionAtSeq, async (c) => {
    const { doc } = await access(c);
    const seq = await resolveSeq(store, doc, { seq: c.req.valid('param').seq }).catch(fromPersistence);
    return version(c, doc, seq);
  });

  app.openapi(versionAtTime, async (c) => {
    const { doc } = await access(c);
    return version(c, doc, await resolveSeq(store, doc, { at: c.req.valid('query').at }).catch(fromPersistence));
  });

  app.openapi(diff, async (c) => {
    const { doc } = await access(c);
    const last = (await store.getDocument(doc))!.lastSeq;
    const query = c.req.valid('query');
    const from = await resolveSeq(store, doc, { seq: query.from }).catch(fromPersistence);
    const to = await resolveSeq(store, doc, { seq: query.to ?? last }).catch(fromPersistence);
    if (from > to) throw new TandemError('bad-request', `from (${from}) must not be after to (${to})`);
    await peopleHereWritten(doc);
    const body = await history.run({ kind: 'diff', doc, from, to, maxChars: config.historyMaxDiffChars }, c.req.raw.signal).catch(fromPersistence);
    return c.body(body as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.openapi(restore, async (c) => {
    const { doc, principal } = await access(c);
    requireEditor(principal, 'restore a version');
    const seq = await resolveSeq(store, doc, { seq: c.req.valid('json').seq }).catch(fromPersistence);
    const author = requestAuthor(c, principal, 'restore');
    const rateKey = storeRateKey(principal, requestAddress(c));
    // One reading of the clock for the restore: the time it is recorded with is the time it is announced
    // with (two readings, across the store's write, gave a webhook a time the record did not have).
    let at = 0;
    const newSeq = await rooms.withRoom(doc, (room) =>
      // The edit is built on a worker from the live state as it is now; edits arriving meanwhile are
      // kept beside it, as with any concurrent edit. Edits stored before it (through another instance,
      // not yet heard here) are not "meanwhile": the room catches up with the log first; nor is another
      // restore or replacement (they take turns).
      room.exclusive(async () => {
        await room.caughtUp();
        const current = Y.encodeStateAsUpdate(room.doc);
        // Under the author's id for the server's edits of this document, not a new one each time (server-edit-client.ts).
        const createdAt = (await store.getDocument(doc).catch(fromPersistence))?.createdAt;
        const stored = await rooms.serverEditIds.writing(doc, createdAt, author, async (client) => {
          const update = await history.run({ kind: 'restore', doc, seq, current, client }).catch(fromPersistence);
          return room.commitServerEdit(update, author, rateKey);
        });
        // What "Undo restore" may take back, recorded before the next exclusive edit runs: an undo waiting
        // for its turn checks for later restores then (found by a review: one asked while this restore was
        // built took an earlier restore back on top of it, words doubled). Not recording it does not undo
        // the restore (it is stored): the undo is then refused, which the log line says why.
        if (stored !== undefined) {
          at = Date.now();
          await store.recordRestore(doc, { seq: stored, restoredTo: seq, author, at }).catch((err: unknown) => {
            logger.warn({ event: 'restore-record-failed', doc, seq: stored, err }, 'the restore is stored, but not recorded as one: it cannot be taken back');
          });
        }
        return stored;
      }),
    );
    // The version is the content already: nothing is stored, recorded or announced (no empty edit in the
    // history, no "restored" event, and editors keep their undo steps).
    if (newSeq === undefined) {
      const head = (await store.getDocument(doc).catch(fromPersistence))?.lastSeq ?? seq;
      return c.json({ doc, restored: seq, restoredAt: await receivedAt(doc, seq), seq: head, changesUndone: 0, author, unchanged: true }, 200);
    }
    // Editors on the other instances forget their undo steps too (their instance asks the store which restore).
    fanout?.announceRestored(doc);
    documentEvents.restored(doc, { seq: newSeq, restoredTo: seq, author, at });
    // What the editor tells the person: the version's time, and how many changes the restore took back.
    return c.json({ doc, restored: seq, restoredAt: await receivedAt(doc, seq), seq: newSeq, changesUndone: newSeq - 1 - seq, author, unchanged: false }, 201);
  });

  // Takes back the restore stored at `seq` (its inverse, as a new edit): what it replaced comes back,
  // and edits made since it stay. Not "restore the version before it", which would drop those edits.
  app.openapi(undoRestore, async (c) => {
    const { doc, principal } = await access(c);
    requireEditor(principal, 'undo a restore');
    const seq = await resolveSeq(store, doc, { seq: c.req.valid('json').seq }).catch(fromPersistence);
    if (seq === 0) throw new TandemError('bad-request', 'seq must be the sequence number of a restore, not 0');
    // Taking back any other update this way would revert someone's edit under the name of an undone restore.
    const record = await store.getRestore(doc, seq).catch(fromPersistence);
    if (record === undefined) throw new TandemError('bad-request', `Update ${seq} is not a restore`, { doc, seq });
    // Taken back once: a second undo would bring back what the restore replaced a second time. Claimed in
    // the store first (one undo at a time, on any instance), settled with the undo's seq.
    const undoneBy = record.undoneBy;
    if (undoneBy !== undefined && undoneBy > 0) {
      throw new TandemError('conflict', `Restore ${seq} was taken back already (update ${undoneBy})`, { doc, seq });
    }
    // A later restore, not taken back, replaced what this one made: the inverse of this one would put back
    // what the later one brought already, beside it (words doubled). That one is taken back first. Asked
    // again in this undo's turn (below): a restore being built now is stored and recorded before it.
    const laterRestore = async () => {
      const later = (await store.listRestores(doc).catch(fromPersistence)).find((r) => r.seq > seq && !(r.undoneBy !== undefined && r.undoneBy > 0));
      if (later !== undefined) {
        throw new TandemError('conflict', `A later restore (update ${later.seq}) replaced what restore ${seq} made: take that one back first`, { doc, seq, later: later.seq });
      }
    };
    await laterRestore();
    const stale = undoneBy !== undefined && Date.now() + undoneBy > UNDO_CLAIM_MS;
    const claim = -Date.now();
    if ((undoneBy !== undefined && !stale) || !(await store.markRestoreUndone(doc, seq, claim, undoneBy).catch(fromPersistence))) {
      const now = await store.getRestore(doc, seq).catch(() => undefined);
      const by = now?.undoneBy ?? 0;
      throw new TandemError('conflict', by > 0 ? `Restore ${seq} was taken back already (update ${by})` : `Restore ${seq} is being taken back`, { doc, seq });
    }
    const author = requestAuthor(c, principal, 'restore');
    const rateKey = storeRateKey(principal, requestAddress(c));
    let newSeq: number | undefined;
    try {
      newSeq = await rooms.withRoom(doc, (room) =>
        room.exclusive(async () => {
          await room.caughtUp();
          await laterRestore();
          const current = Y.encodeStateAsUpdate(room.doc);
          const createdAt = (await store.getDocument(doc).catch(fromPersistence))?.createdAt;
          return rooms.serverEditIds.writing(doc, createdAt, author, async (client) => {
            const update = await history.run({ kind: 'undo-restore', doc, seq, current, client }).catch(fromPersistence);
            return room.commitServerEdit(update, author, rateKey);
          });
        }),
      );
    } catch (error) {
      await store.markRestoreUndone(doc, seq, undefined, claim).catch((err: unknown) => {
        logger.warn({ event: 'undo-restore-release-failed', doc, seq, err }, `the failed undo's claim stays ${UNDO_CLAIM_MS / 1000} s`);
      });
      throw error;
    }
    // An undo that changed nothing (what the restore replaced is back already) settles it too.
    await store.markRestoreUndone(doc, seq, newSeq ?? seq, claim).catch((err: unknown) => {
      logger.warn({ event: 'undo-restore-record-failed', doc, seq, err }, 'the undo is stored, but not recorded: it could be taken again once its claim is stale');
    });
    if (newSeq === undefined) {
      const head = (await store.getDocument(doc).catch(fromPersistence))?.lastSeq ?? seq;
      return c.json({ doc, undone: seq, seq: head, author, unchanged: true }, 200);
    }
    return c.json({ doc, undone: seq, seq: newSeq, author, unchanged: false }, 201);
  });
  return app;
}
