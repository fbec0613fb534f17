// createApp: the Hono app with every route mounted and the single error path.

import { type DocumentStore, PersistenceError } from '@tandem/persistence';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Authenticate } from './auth/authenticate.js';
import type { Revocations } from './auth/revocations.js';
import type { AuthorsWritten } from './authors/recorder.js';
import type { Config } from './config.js';
import type { Fanout } from './fanout/redis-fanout.js';
import type { SyncEvents } from './sync/events.js';
import { storageError, TandemError } from './errors.js';
import type { HistoryPool } from './history/pool.js';
import { commentsRoutes } from './http/comments.routes.js';
import { contentRoutes, isDocumentBody } from './http/content.routes.js';
import { adminRoutes } from './http/admin.routes.js';
import { docsRoutes } from './http/docs.routes.js';
import { trashRoutes } from './http/trash.routes.js';
import { documentMoveRoutes } from './http/document-moves.routes.js';
import { followRedirects } from './http/redirects.js';
import { editorRoutes } from './http/editor.routes.js';
import { type HealthDeps, healthRoutes } from './http/health.routes.js';
import { historyRoutes } from './http/history.routes.js';
import { apiApp } from './http/api-app.js';
import { openApiRoutes } from './http/openapi.routes.js';
import { namedVersionRoutes } from './http/named-versions.routes.js';
import { shareLinkRoutes } from './http/share-links.routes.js';
import type { ShareLinks } from './auth/share-links.js';
import { clientAddresses, requestAddress } from './http/request-address.js';
import { sameOrigin } from './http/same-origin.js';
import type { SendGuard } from './http/send-guard.js';
import { securityHeaders } from './http/security-headers.js';
import type { RoomRegistry } from './sync/rooms.js';
import type { DocumentEvents } from './webhooks/outbox.js';
import { syncRoutes } from './sync/ws-route.js';

/** The largest request body (every body the API takes is a small JSON object). */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

export interface AppDeps {
  readonly config: Config;
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly isShuttingDown: () => boolean;
  readonly authenticate: Authenticate;
  readonly events: SyncEvents;
  readonly history: HistoryPool;
  /** What the routes tell webhooks (restore, named version). */
  readonly documentEvents: DocumentEvents;
  readonly revocations: Revocations;
  /** With sign-in on: links that give each person who opens one a token of their own (see auth/share-links.ts). */
  readonly shareLinks?: ShareLinks;
  /** Told what each readiness check found (PostgreSQL only; see store-availability.ts). */
  readonly availability?: HealthDeps['availability'];
  /** Writes the sightings of these authors still held in memory before an answer names them (see authors/recorder.ts). */
  readonly authorsWritten?: AuthorsWritten;
  /** With several instances: told when a document goes to the trash or is renamed (see http/trash.routes.ts, http/document-moves.routes.ts). */
  readonly fanout?: Fanout;
  /** Bounds what clients that stop reading hold: a send timeout, a limit per address (see http/send-guard.ts). */
  readonly sends: SendGuard;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(securityHeaders());
  // Before every route, WebSocket upgrades included (./sync/upgrade.ts passes them through this app).
  app.use(sameOrigin({ host: deps.config.host, allowedOrigins: deps.config.allowedOrigins }));
  // Refused from Content-Length before reading; a chunked body is cut off once it passes the limit.
  // Document bodies (./http/content.routes.ts) have a limit of their own.
  const jsonLimit = bodyLimit({
    maxSize: MAX_JSON_BODY_BYTES,
    onError: () => {
      deps.events.limitHit('request-body');
      throw new TandemError('too-large', `Request bodies are limited to ${MAX_JSON_BODY_BYTES / 1024} KiB`);
    },
  });
  app.use(async (c, next) => (isDocumentBody(c.req.method, c.req.path, deps.config.basePath) ? next() : jsonLimit(c, next)));
  app.use(clientAddresses(deps.config.trustProxy));
  // Every response past this point, once its route has answered (the refusals above are a few bytes).
  app.use(deps.sends.middleware());
  // Everything lives under BASE_PATH (behind a proxy at https://intranet/docs/); health and metrics
  // also answer at the root, where probes and scrapers look by default.
  const { basePath } = deps.config;
  const routes = basePath === '' ? app : app.basePath(basePath);
  if (basePath !== '') app.route('/', healthRoutes(deps));
  // A document name that is not valid percent-encoding (UTF-8) is refused, not taken as written: "%E0%A4%A"
  // named a document "%E0%A4%A", reached too by "%25E0%25A4%25A" (found by a review).
  routes.use('/api/docs/*', async (c, next) => {
    try {
      decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      throw new TandemError('invalid-doc-name', 'Document name is not valid percent-encoding (UTF-8)');
    }
    await next();
  });
  // A renamed document's old name leads to the new one (every route of a document, before it runs).
  routes.use('/api/docs/*', followRedirects({ store: deps.store, basePath, authenticate: deps.authenticate }));
  // Every route of the HTTP API, declared with its schemas: what /api/openapi.json describes.
  const api = apiApp();
  api.route('/', healthRoutes(deps));
  api.route('/api/docs', docsRoutes(deps));
  api.route('/api/docs', historyRoutes(deps));
  api.route('/api/docs', contentRoutes(deps));
  api.route('/api/docs', commentsRoutes(deps));
  const trash = trashRoutes(deps);
  api.route('/api/docs', trash.docs);
  api.route('/api/trash', trash.trash);
  api.route('/api/docs', namedVersionRoutes(deps));
  api.route('/api/docs', documentMoveRoutes(deps));
  const share = shareLinkRoutes(deps);
  api.route('/api/docs', share.docs);
  api.route('/api/share-links', share.redeem);
  api.route('/api/admin', adminRoutes(deps));
  api.route('/', openApiRoutes(api, basePath));
  routes.route('/', api);
  routes.route('/ws', syncRoutes(deps));
  routes.route('/', editorRoutes(deps.config.editorDir, basePath, deps.config.authSecret === undefined ? deps.store : undefined));

  app.notFound((c) => c.json(new TandemError('not-found', `No route for ${c.req.method} ${c.req.path}`).toJSON(), 404));
  app.onError((error, c) => {
    const tandem =
      error instanceof TandemError
        ? error
        : error instanceof HTTPException
          ? fromHttpException(error)
        : isWriteRefused(error)
          ? storageError(error, 'The change could not be stored', { doc: error.doc })
          : isReadRefused(error)
            ? storageError(error, 'The store could not be read; try again later', { doc: error.doc })
            : new TandemError('internal', 'Internal server error', {}, { cause: error });
    if (tandem.code === 'unauthorized' || tandem.code === 'token-expired' || tandem.code === 'token-revoked' || tandem.code === 'forbidden') {
      deps.events.error(`auth-${tandem.code}`);
    }
    if (tandem.code === 'forbidden-origin' || tandem.code === 'misdirected') deps.events.error(tandem.code);
    const fields = { event: 'http-error', method: c.req.method, path: c.req.path, ip: requestAddress(c), code: tandem.code, ...tandem.context };
    // A client's mistake is worth a line; only our own failures deserve a stack.
    // A store that is away is logged once as such (see store-availability.ts); each request it refuses is a warning.
    if (tandem.code === 'storage-failed') deps.logger.warn({ ...fields, err: error }, tandem.message);
    else if (tandem.status >= 500) deps.logger.error({ ...fields, err: error }, tandem.message);
    else deps.logger.info(fields, tandem.message);
    const retryAfter = tandem.context.retryAfterSeconds;
    if (typeof retryAfter === 'number') c.header('retry-after', String(retryAfter));
    return c.json(tandem.toJSON(), tandem.status as 400);
  });
  return app;
}

/** Hono's own refusals (a malformed JSON body, a content type a route does not take), in our error format. */
const fromHttpException = (error: HTTPException): TandemError =>
  error.status === 415
    ? new TandemError('unsupported-media-type', 'The body is not of a content type this route takes (see /api/openapi.json)', {}, { cause: error })
    : error.status === 400
      ? new TandemError('bad-request', error.message || 'Malformed request', {}, { cause: error })
      : new TandemError('internal', 'Internal server error', {}, { cause: error });

/** A store that cannot be read right now (a database that is away): 503, as for a WebSocket (4503). */
const isReadRefused = (error: unknown): error is PersistenceError => error instanceof PersistenceError && error.code === 'read-failed';

const isWriteRefused = (error: unknown): error is PersistenceError =>
  error instanceof PersistenceError && (error.code === 'write-failed' || error.code === 'insufficient-storage');
