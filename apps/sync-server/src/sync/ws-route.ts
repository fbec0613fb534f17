// The WebSocket endpoint: GET /ws/<url-encoded doc name> upgrades to the y-websocket protocol.
// Everything that can refuse a client (shutdown, bad name, origin, token, scope, connection limits)
// answers with an HTTP status before the upgrade, so a refused client never gets a socket.

import { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { WebSocket } from 'ws';
import { authorizeDoc, type Authenticate } from '../auth/authenticate.js';
import type { Principal } from '../auth/token.js';
import { TandemError } from '../errors.js';
import { docParam } from '../http/doc-param.js';
import type { RoomRegistry } from './rooms.js';

export interface SyncRouteDeps {
  readonly rooms: RoomRegistry;
  readonly upgradeWebSocket: UpgradeWebSocket<WebSocket>;
  readonly isShuttingDown: () => boolean;
  readonly authenticate: Authenticate;
  readonly config: { readonly allowedOrigins: readonly string[] };
}

interface Admitted {
  readonly doc: string;
  readonly principal: Principal;
  readonly ip: string;
}

type Env = { Variables: { admitted: Admitted }; Bindings: { incoming?: { socket?: { remoteAddress?: string } } } };

export function syncRoutes({ rooms, upgradeWebSocket, isShuttingDown, authenticate, config }: SyncRouteDeps): Hono<Env> {
  const app = new Hono<Env>();
  const origins = new Set(config.allowedOrigins.map((o) => new URL(o).origin));
  app.get(
    '/:doc',
    async (c, next) => {
      if (isShuttingDown()) throw new TandemError('shutting-down', 'Server is shutting down');
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        throw new TandemError('bad-request', 'This endpoint only accepts WebSocket upgrades');
      }
      const doc = docParam(c);
      if (origins.size > 0) {
        const origin = c.req.header('origin');
        if (origin === undefined || !origins.has(origin)) {
          throw new TandemError('forbidden', `Origin ${JSON.stringify(origin ?? '')} is not allowed`, { doc });
        }
      }
      const principal = await authenticate(c);
      authorizeDoc(principal, doc);
      const ip = c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
      rooms.admit(doc, ip);
      c.set('admitted', { doc, principal, ip });
      await next();
    },
    upgradeWebSocket((c) => {
      const { doc, principal, ip } = c.get('admitted');
      const acks = c.req.query('acks') === '1';
      return {
        // The raw `ws` socket is handed to the room layer, which listens to it directly: no
        // per-message event objects or buffer copies on the hot path.
        onOpen: (_event, ws) => {
          if (ws.raw !== undefined) rooms.connect(ws.raw, doc, { acks, principal, ip });
        },
      };
    }),
  );
  return app;
}
