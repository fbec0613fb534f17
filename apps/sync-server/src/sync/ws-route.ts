// The WebSocket endpoint: GET /ws/<url-encoded doc name> upgrades to the y-websocket protocol.
// Everything that can refuse a client (bad name, shutdown) answers before the upgrade.

import type { UpgradeWebSocket } from 'hono/ws';
import { Hono } from 'hono';
import type { WebSocket } from 'ws';
import { TandemError } from '../errors.js';
import { docParam } from '../http/doc-param.js';
import type { RoomRegistry } from './rooms.js';

export interface SyncRouteDeps {
  readonly rooms: RoomRegistry;
  readonly upgradeWebSocket: UpgradeWebSocket<WebSocket>;
  readonly isShuttingDown: () => boolean;
}

export function syncRoutes({ rooms, upgradeWebSocket, isShuttingDown }: SyncRouteDeps): Hono {
  const app = new Hono();
  app.get(
    '/:doc',
    async (c, next) => {
      if (isShuttingDown()) throw new TandemError('shutting-down', 'Server is shutting down');
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        throw new TandemError('bad-request', 'This endpoint only accepts WebSocket upgrades');
      }
      docParam(c);
      await next();
    },
    upgradeWebSocket((c) => {
      const doc = docParam(c);
      const acks = c.req.query('acks') === '1';
      return {
        // The raw `ws` socket is handed to the room layer, which listens to it directly: no
        // per-message event objects or buffer copies on the hot path.
        onOpen: (_event, ws) => {
          if (ws.raw !== undefined) rooms.connect(ws.raw, doc, { acks });
        },
      };
    }),
  );
  return app;
}
