// The WebSocket endpoint: GET /ws/<url-encoded doc name> upgrades to the y-websocket protocol.
// Everything that can refuse a client (shutdown, bad name, token, scope, connection limits; the origin
// and host are checked before, by ../http/same-origin.ts for the whole app)
// answers with an HTTP status before the upgrade, so a refused client never gets a socket. The
// handshake itself is completed by ./upgrade.ts for requests this route admits.

import { Hono } from 'hono';
import { authorizeDoc, type Authenticate, type Redirects } from '../auth/authenticate.js';
import { isAnonymous } from '../auth/token.js';
import { guestIdentity } from '../authors/guest-identity.js';
import { TandemError } from '../errors.js';
import { docParam } from '../http/doc-param.js';
import { requestAddress } from '../http/request-address.js';
import type { RoomRegistry } from './rooms.js';
import type { UpgradeEnv } from './upgrade.js';

export interface SyncRouteDeps {
  readonly rooms: RoomRegistry;
  readonly isShuttingDown: () => boolean;
  readonly authenticate: Authenticate;
  /** A token naming a renamed document by its old name still opens it. */
  readonly store: Redirects;
}

type Env = { Bindings: Partial<UpgradeEnv> };

export function syncRoutes({ rooms, isShuttingDown, authenticate, store }: SyncRouteDeps): Hono<Env> {
  const app = new Hono<Env>();
  app.get('/:doc', async (c) => {
    if (isShuttingDown()) throw new TandemError('shutting-down', 'Server is shutting down');
    const incoming = c.env?.incoming;
    if (c.env?.upgrade !== true || incoming === undefined || c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new TandemError('bad-request', 'This endpoint only accepts WebSocket upgrades');
    }
    const doc = docParam(c);
    const principal = await authenticate(c);
    await authorizeDoc(principal, doc, store);
    const ip = requestAddress(c);
    rooms.admit(doc, principal, ip);
    // The caller (./upgrade.ts) completes the handshake for an admitted request.
    // With authentication off, the editor may say who it is (unverified); with it on, the token decides.
    const guest = isAnonymous(principal) ? guestIdentity(c.req.query('author'), c.req.query('name')) : undefined;
    (c.env as UpgradeEnv).admitted = { doc, principal, ip, guest, acks: c.req.query('acks') === '1', probes: c.req.query('probes') === '1', authors: c.req.query('authors') === '1' };
    return c.body(null, 204);
  });
  return app;
}
