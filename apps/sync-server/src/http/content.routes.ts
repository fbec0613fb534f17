// The document API for other programs: create a document from Markdown, HTML, ProseMirror JSON or a Yjs update
// (PUT /api/docs/<doc>), apply a Yjs update as an edit (POST …/updates), replace the content with
// Markdown, HTML or JSON as one edit computed against what is there (POST …/content), and read the current
// content in any export format (GET …/content?format=). Every write goes the way a client's edit goes:
// tried by the update gate, stored durably before anyone sees it, attributed to the token's user, and
// counted against the same size and rate limits. Parsing what is sent and rendering what is read run
// on the history threads (history/import.ts), within their time budget, never on the thread that
// serves everyone.

import { bodyLimit } from 'hono/body-limit';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import * as Y from 'yjs';
import { markdownMayExpand } from '@tandem/schema/import-limits';
import { type Authenticate, authorizeDoc } from '../auth/authenticate.js';
import type { Principal } from '../auth/token.js';
import type { Config } from '../config.js';
import { TandemError } from '../errors.js';
import type { HistoryJob, HistoryResult } from '../history/jobs.js';
import type { HistoryPool } from '../history/pool.js';
import { exportHeaders, parseFormat, type Rendered } from '../history/formats.js';
import type { SyncEvents } from '../sync/events.js';
import { trashedError } from '../sync/room.js';
import type { RoomRegistry } from '../sync/rooms.js';
import { storeRateKey } from '../sync/store-rate.js';
import { apiApp } from './api-app.js';
import { getContent, postUpdate, putDocument, replaceContent } from './content.schemas.js';
import { docParam } from './doc-param.js';
import { fromPersistence, requireEditor } from './history.routes.js';
import { requestAddress } from './request-address.js';
import type { DocumentStore } from '@tandem/persistence';
import { isAnonymous } from '../auth/token.js';
import { requestAuthor } from './request-author.js';

// The jobs (the schema's parsers and exporters, y-prosemirror) load on the first small import or export
// done on this thread, not at start: they cost the server's start a few hundred milliseconds.
let jobs: Promise<typeof import('../history/jobs.js')> | undefined;
const inlineJobs = () => (jobs ??= import('../history/jobs.js'));

export interface ContentDeps {
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  readonly authenticate: Authenticate;
  readonly events: SyncEvents;
  /** Parsing what is sent and rendering what is read run there (a megabyte of Markdown takes a while). */
  readonly history: HistoryPool;
  readonly config: Pick<Config, 'maxMessageBytes'>;
}

/** Content types a document can be written in; the same list same-origin.ts lets through. */
export const CONTENT_TYPES = {
  markdown: 'text/markdown',
  html: 'text/html',
  json: 'application/json',
  yjs: 'application/octet-stream',
} as const;

/** Whether a request carries a document (its own body limit), not a small JSON object. */
export function isDocumentBody(method: string, path: string, basePath: string): boolean {
  if (!path.startsWith(`${basePath}/api/docs/`)) return false;
  const rest = path.slice(basePath.length + '/api/docs/'.length);
  if (method === 'PUT') return /^[^/]+$/.test(rest);
  return method === 'POST' && /^[^/]+\/(updates|content)$/.test(rest);
}

/**
 * Bodies and documents up to this size are converted on this thread: a few milliseconds, no hop to a
 * history thread, and never refused because the history threads are busy (a script creating many small
 * documents at once). Bigger ones go to the history threads.
 */
export const INLINE_MAX_BYTES = 32 * 1024;

/**
 * Markdown and HTML cost far more per byte to parse than JSON or a rendering: 32 KiB of list items or
 * image openers (`<li>a`, `![`) held the server's thread for 0.2 to 0.6 s (found by a review), so only
 * bodies up to this size are parsed here (a few milliseconds at worst).
 */
const INLINE_PARSE_MAX_BYTES = 512;

const typeOf = (c: Context) => c.req.header('content-type')?.split(';')[0]!.trim().toLowerCase();


/** The body as sent, if its content type is one of `allowed`: parsing it is the history thread's work. */
async function readBody<T extends string>(c: Context, allowed: readonly T[]): Promise<{ type: T; body: Uint8Array }> {
  const type = typeOf(c);
  if (type === undefined || !(allowed as readonly string[]).includes(type)) {
    throw new TandemError('unsupported-media-type', `Send the content as ${allowed.join(', ')}, not ${JSON.stringify(type ?? 'no content type')}`);
  }
  return { type: type as T, body: new Uint8Array(await c.req.arrayBuffer()) };
}

export function contentRoutes({ store, rooms, authenticate, history, config }: ContentDeps): OpenAPIHono {
  const app = apiApp();
  // Documents are bigger than the API's JSON bodies (64 KiB): up to one WebSocket message's size.
  const limit = bodyLimit({
    maxSize: config.maxMessageBytes,
    onError: () => {
      throw new TandemError('too-large', `Document bodies are limited to ${config.maxMessageBytes} bytes (MAX_MESSAGE_BYTES)`);
    },
  });
  const editor = async (c: Context, what: string) => {
    const doc = docParam(c);
    const principal = await authenticate(c);
    await authorizeDoc(principal, doc, store);
    requireEditor(principal, what);
    return { doc, principal, rateKey: storeRateKey(principal, requestAddress(c)) };
  };
  // `bytes`: how much the job reads (the body, the live state, the stored log); see INLINE_MAX_BYTES.
  const convert = <K extends 'import' | 'export' | 'version'>(job: Extract<HistoryJob, { kind: K }>, bytes: number, signal?: AbortSignal): Promise<HistoryResult<K>> =>
    (bytes <= INLINE_MAX_BYTES ? (inlineJobs().then((jobs) => jobs.runHistoryJob(store, job)) as Promise<HistoryResult<K>>) : history.run(job, signal)).catch(fromPersistence);
  // What an import reads, for INLINE_MAX_BYTES: Markdown that may grow far beyond its size (a padded
  // table) counts as big, so that it is parsed (and refused) off this thread.
  // Markdown and HTML past INLINE_PARSE_MAX_BYTES count as big too.
  const importBytes = (type: string, body: Uint8Array) =>
    (type === CONTENT_TYPES.markdown || type === CONTENT_TYPES.html) && body.byteLength > INLINE_PARSE_MAX_BYTES
      ? Infinity
      : type === CONTENT_TYPES.markdown && markdownMayExpand(new TextDecoder().decode(body))
        ? Infinity
        : body.byteLength;
  const stored = (doc: string, seq: number | undefined) => ({ doc, seq: seq ?? null, changed: seq !== undefined });

  app.openapi({ ...putDocument, middleware: limit }, async (c) => {
    const { doc, principal, rateKey } = await editor(c, 'create documents');
    const { type, body } = await readBody(c, Object.values(CONTENT_TYPES));
    const update =
      type === CONTENT_TYPES.yjs ? body : ((await convert({ kind: 'import', doc, type, body }, importBytes(type, body), c.req.raw.signal)) as Uint8Array);
    // Creating a document at a renamed one's old name takes the name back: the old links lead here now.
    // Only if it is created: a PUT that fails, or stores nothing, leaves the redirect as it was.
    const redirect = await store.getRedirect(doc);
    if (redirect !== undefined) await store.removeRedirect(doc);
    let seq: number | undefined;
    try {
      seq = await rooms.withRoom(doc, (room) =>
        room.exclusive(async () => {
          if (room.lastSeq > 0 || ((await store.getDocument(doc))?.lastSeq ?? 0) > 0) {
            throw new TandemError('conflict', `${JSON.stringify(doc)} exists already: POST /api/docs/<doc>/content replaces its content`, { doc });
          }
          return room.commitApiUpdate(update, requestAuthor(c, principal, 'api'), rateKey, !isAnonymous(principal));
        }),
      );
    } finally {
      if (redirect !== undefined && seq === undefined) await store.importRedirects([redirect]);
    }
    if (seq === undefined) throw new TandemError('bad-request', 'The update holds no content: nothing was created', { doc });
    return c.json(stored(doc, seq), 201);
  });

  app.openapi({ ...postUpdate, middleware: limit }, async (c) => {
    const { doc, principal, rateKey } = await editor(c, 'edit documents');
    const { body: update } = await readBody(c, [CONTENT_TYPES.yjs]);
    // Caught up first: an update built on edits stored through another instance applies here too.
    const seq = await rooms.withRoom(doc, async (room) => (await room.caughtUp(), room.commitApiUpdate(update, requestAuthor(c, principal, 'api'), rateKey, !isAnonymous(principal))));
    return c.json(stored(doc, seq), seq === undefined ? 200 : 201);
  });

  app.openapi({ ...replaceContent, middleware: limit }, async (c) => {
    const { doc, principal, rateKey } = await editor(c, 'edit documents');
    const { type, body } = await readBody(c, [CONTENT_TYPES.markdown, CONTENT_TYPES.html, CONTENT_TYPES.json]);
    const seq = await rooms.withRoom(doc, (room) =>
      // Computed on a history thread against the live state as it is now; edits arriving meanwhile are
      // kept beside it, as with any concurrent edit (and as a restore does); not those stored before it
      // through another instance (caught up first), nor another replacement or restore (they take turns).
      room.exclusive(async () => {
        await room.caughtUp();
        const current = Y.encodeStateAsUpdate(room.doc);
        const author = requestAuthor(c, principal, 'api');
        // Under the author's id for the server's edits of this document, not a new one each time (server-edit-client.ts).
        const createdAt = (await store.getDocument(doc).catch(fromPersistence))?.createdAt;
        return rooms.serverEditIds.writing(doc, createdAt, author, async (client) => {
          const update = await convert({ kind: 'import', doc, type, body, current, client }, Math.max(importBytes(type, body), current.byteLength));
          return update === null ? undefined : room.commitApiUpdate(update, author, rateKey, !isAnonymous(principal));
        });
      }),
    );
    return c.json(stored(doc, seq), seq === undefined ? 200 : 201);
  });

  app.openapi(getContent, async (c) => {
    const doc = docParam(c);
    await authorizeDoc(await authenticate(c), doc, store);
    const format = parseFormat(c.req.valid('query').format);
    const info = await store.getDocument(doc);
    if (info === undefined) throw new TandemError('not-found', `No document named ${JSON.stringify(doc)}`, { doc });
    if ((await store.inTrash(doc)) !== undefined) throw trashedError(doc);
    const at = new Date().toISOString();
    // Open here: its live state (all of it stored), rendered on a history thread as a version is. Not
    // open: the stored version at the head, read there too, so this thread does not load the document.
    const room = rooms.loaded(doc);
    // One instance: the edits stored and not yet applied (paced) are applied first, so an export asked
    // for just after an edit was acknowledged holds it.
    if (room !== undefined && !room.sharesLog) await room.caughtUp();
    // Behind the log (another instance's edits not heard here yet): the stored head, as if not open.
    const live = room === undefined || (room.sharesLog && room.lastSeq < info.lastSeq) ? undefined : { current: Y.encodeStateAsUpdate(room.doc), seq: room.lastSeq };
    const seq = live?.seq ?? info.lastSeq;
    const rendered: Rendered =
      live === undefined
        ? await convert({ kind: 'version', doc, seq, format, at }, info.sizeBytes, c.req.raw.signal)
        : format === 'yjs'
          ? { body: live.current, contentType: 'application/octet-stream', extension: 'yjs' }
          : await convert({ kind: 'export', doc, seq, format, at, current: live.current }, live.current.byteLength, c.req.raw.signal);
    return c.body(rendered.body as Uint8Array<ArrayBuffer>, 200, exportHeaders(doc, seq, rendered, c.req.query('inline') === '1'));
  });
  return app;
}
