// The document API for other programs: create a document from Markdown, HTML, ProseMirror JSON or a Yjs update
// (PUT /api/docs/<doc>), apply a Yjs update as an edit (POST …/updates), replace the content with
// Markdown, HTML or JSON as one edit computed against what is there (POST …/content), and read the current
// content in any export format (GET …/content?format=). Every write goes the way a client's edit goes:
// tried by the update gate, stored durably before anyone sees it, attributed to the token's user, and
// counted against the same size and rate limits.

import { FRAGMENT, fromHtml, fromMarkdown, fromProseMirrorJson, ImportError } from '@tandem/schema';
import { bodyLimit } from 'hono/body-limit';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Node } from 'prosemirror-model';
import { prosemirrorToYXmlFragment, updateYFragment } from 'y-prosemirror';
import * as Y from 'yjs';
import { type Authenticate, authorizeDoc } from '../auth/authenticate.js';
import type { Principal } from '../auth/token.js';
import type { Config } from '../config.js';
import { TandemError } from '../errors.js';
import { exportHeaders, parseFormat, render } from '../history/render.js';
import type { SyncEvents } from '../sync/events.js';
import type { RoomRegistry } from '../sync/rooms.js';
import { storeRateKey } from '../sync/store-rate.js';
import { apiApp } from './api-app.js';
import { getContent, postUpdate, putDocument, replaceContent } from './content.schemas.js';
import { docParam } from './doc-param.js';
import { requireEditor } from './history.routes.js';
import { requestAddress } from './request-address.js';
import type { DocumentStore } from '@tandem/persistence';

export interface ContentDeps {
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  readonly authenticate: Authenticate;
  readonly events: SyncEvents;
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

const typeOf = (c: Context) => c.req.header('content-type')?.split(';')[0]!.trim().toLowerCase();

/** The author an API edit is stored with: the token's user, or `api` without authentication. */
const apiAuthor = (principal: Principal) => (principal.userId === 'local' ? 'api' : principal.userId);

async function readDocument(c: Context, allowed: readonly string[]): Promise<Node | Uint8Array> {
  const type = typeOf(c);
  if (type === undefined || !allowed.includes(type)) {
    throw new TandemError('unsupported-media-type', `Send the content as ${allowed.join(', ')}, not ${JSON.stringify(type ?? 'no content type')}`);
  }
  try {
    if (type === CONTENT_TYPES.markdown) return fromMarkdown(await c.req.text());
    if (type === CONTENT_TYPES.html) return fromHtml(await c.req.text());
    if (type === CONTENT_TYPES.json) {
      const body = (await c.req.json().catch(() => {
        throw new ImportError('The body is not JSON');
      })) as { content?: unknown; type?: unknown };
      // A version as GET …?format=json gives it ({ doc, seq, content }) goes back in as it came out.
      return fromProseMirrorJson(body.type === undefined && body.content !== undefined ? body.content : body);
    }
    return new Uint8Array(await c.req.arrayBuffer());
  } catch (error) {
    if (error instanceof ImportError) throw new TandemError('bad-request', error.message);
    throw error;
  }
}

/** `node` as the update that writes it into an empty document. */
function documentUpdate(node: Node): Uint8Array {
  const ydoc = new Y.Doc();
  try {
    prosemirrorToYXmlFragment(node, ydoc.getXmlFragment(FRAGMENT));
    return Y.encodeStateAsUpdate(ydoc);
  } finally {
    ydoc.destroy();
  }
}

/**
 * The update that turns `current` into `node`, as y-prosemirror's binding computes an editor's change:
 * what stays the same stays (its items, its authors, anyone's cursor in it), only what differs is
 * deleted and inserted. Undefined when nothing differs.
 */
function replacementUpdate(current: Y.Doc, node: Node): Uint8Array | undefined {
  const copy = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(current));
    const before = Y.encodeStateVector(copy);
    const fragment = copy.getXmlFragment(FRAGMENT);
    copy.transact(() => updateYFragment(copy, fragment, node, { mapping: new Map(), isOMark: new Map() }));
    const update = Y.encodeStateAsUpdate(copy, before);
    const changed = Y.decodeUpdate(update);
    return changed.structs.length === 0 && changed.ds.clients.size === 0 ? undefined : update;
  } finally {
    copy.destroy();
  }
}

export function contentRoutes({ store, rooms, authenticate, config }: ContentDeps): OpenAPIHono {
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
  const stored = (doc: string, seq: number | undefined) => ({ doc, seq: seq ?? null, changed: seq !== undefined });

  app.openapi({ ...putDocument, middleware: limit }, async (c) => {
    const { doc, principal, rateKey } = await editor(c, 'create documents');
    const content = await readDocument(c, Object.values(CONTENT_TYPES));
    const update = content instanceof Uint8Array ? content : documentUpdate(content);
    // Creating a document at a renamed one's old name takes the name back: the old links lead here now.
    // Only if it is created: a PUT that fails, or stores nothing, leaves the redirect as it was.
    const redirect = (await store.resolveRedirect(doc)) === undefined ? undefined : (await store.listRedirects()).find((r) => r.from === doc);
    if (redirect !== undefined) await store.removeRedirect(doc);
    let seq: number | undefined;
    try {
      seq = await rooms.withRoom(doc, async (room) => {
        if (room.lastSeq > 0 || ((await store.getDocument(doc))?.lastSeq ?? 0) > 0) {
          throw new TandemError('conflict', `${JSON.stringify(doc)} exists already: POST /api/docs/<doc>/content replaces its content`, { doc });
        }
        return room.commitApiUpdate(update, apiAuthor(principal), rateKey);
      });
    } finally {
      if (redirect !== undefined && seq === undefined) await store.importRedirects([redirect]);
    }
    return c.json(stored(doc, seq), 201);
  });

  app.openapi({ ...postUpdate, middleware: limit }, async (c) => {
    const { doc, principal, rateKey } = await editor(c, 'edit documents');
    const update = (await readDocument(c, [CONTENT_TYPES.yjs])) as Uint8Array;
    const seq = await rooms.withRoom(doc, (room) => room.commitApiUpdate(update, apiAuthor(principal), rateKey));
    return c.json(stored(doc, seq), seq === undefined ? 200 : 201);
  });

  app.openapi({ ...replaceContent, middleware: limit }, async (c) => {
    const { doc, principal, rateKey } = await editor(c, 'edit documents');
    const node = (await readDocument(c, [CONTENT_TYPES.markdown, CONTENT_TYPES.html, CONTENT_TYPES.json])) as Node;
    const seq = await rooms.withRoom(doc, async (room) => {
      const update = replacementUpdate(room.doc, node);
      return update === undefined ? undefined : room.commitApiUpdate(update, apiAuthor(principal), rateKey);
    });
    return c.json(stored(doc, seq), seq === undefined ? 200 : 201);
  });

  app.openapi(getContent, async (c) => {
    const doc = docParam(c);
    await authorizeDoc(await authenticate(c), doc, store);
    const format = parseFormat(c.req.valid('query').format);
    if ((await store.getDocument(doc)) === undefined) throw new TandemError('not-found', `No document named ${JSON.stringify(doc)}`, { doc });
    const { rendered, seq } = await rooms.withRoom(doc, async (room) => ({
      rendered: render(room.doc, format, { doc, seq: room.lastSeq, at: new Date().toISOString() }),
      seq: room.lastSeq,
    }));
    return c.body(rendered.body as string, 200, exportHeaders(doc, seq, rendered, c.req.query('download') !== '1'));
  });
  return app;
}
