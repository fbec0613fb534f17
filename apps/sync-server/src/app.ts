// createApp: the Hono app with every route mounted and the single error path.

import type { DocumentStore } from '@tandem/persistence';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Authenticate } from './auth/authenticate.js';
import type { Config } from './config.js';
import type { SyncEvents } from './sync/events.js';
import { TandemError } from './errors.js';
import type { HistoryPool } from './history/pool.js';
import { docsRoutes } from './http/docs.routes.js';
import { editorRoutes } from './http/editor.routes.js';
import { healthRoutes } from './http/health.routes.js';
import { historyRoutes } from './http/history.routes.js';
import { namedVersionRoutes } from './http/named-versions.routes.js';
import type { RoomRegistry } from './sync/rooms.js';
import { syncRoutes } from './sync/ws-route.js';

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
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.route('/', healthRoutes(deps));
  app.route('/api/docs', docsRoutes(deps));
  app.route('/api/docs', historyRoutes(deps));
  app.route('/api/docs', namedVersionRoutes(deps));
  app.route('/ws', syncRoutes(deps));
  app.route('/', editorRoutes(deps.config.editorDir));

  app.notFound((c) => c.json(new TandemError('not-found', `No route for ${c.req.method} ${c.req.path}`).toJSON(), 404));
  app.onError((error, c) => {
    const tandem =
      error instanceof TandemError ? error : new TandemError('internal', 'Internal server error', {}, { cause: error });
    if (tandem.code === 'unauthorized' || tandem.code === 'token-expired' || tandem.code === 'forbidden') {
      deps.events.error(`auth-${tandem.code}`);
    }
    const fields = { event: 'http-error', method: c.req.method, path: c.req.path, code: tandem.code, ...tandem.context };
    // A client's mistake is worth a line; only our own failures deserve a stack.
    if (tandem.status >= 500) deps.logger.error({ ...fields, err: error }, tandem.message);
    else deps.logger.info(fields, tandem.message);
    const retryAfter = tandem.context.retryAfterSeconds;
    if (typeof retryAfter === 'number') c.header('retry-after', String(retryAfter));
    return c.json(tandem.toJSON(), tandem.status as 400);
  });
  return app;
}
