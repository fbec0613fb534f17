// The HTTP Upgrade handshake for /ws/<doc>. The Hono route decides (name, origin, token, limits)
// and answers every refusal with its usual status and JSON body; only an admitted request becomes a
// WebSocket, handed straight to the room layer. Nothing of the request (headers, Hono context,
// closures) outlives the handshake: an idle connection costs only its socket and its Connection.

import type { IncomingMessage, Server } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Principal } from '../auth/token.js';
import type { GuestIdentity } from '../authors/guest-identity.js';
import { TandemError } from '../errors.js';
import type { RoomRegistry } from './rooms.js';

/** What the route decided for an admitted upgrade; it travels in the request's env. */
export interface AdmittedUpgrade {
  readonly doc: string;
  readonly principal: Principal;
  readonly ip: string;
  readonly acks: boolean;
  readonly probes: boolean;
  /** The identity the editor presented (authentication off only). */
  readonly guest?: GuestIdentity;
  readonly authors: boolean;
}

/** The env of a request that arrived as an HTTP Upgrade; the route fills `admitted`. */
export interface UpgradeEnv {
  readonly upgrade: true;
  readonly incoming: IncomingMessage;
  admitted?: AdmittedUpgrade;
}

export interface UpgradeDeps {
  readonly app: Hono;
  readonly rooms: RoomRegistry;
  readonly logger: Logger;
  /** `ws` cuts off any frame past this size with 1009 (the room layer refuses smaller ones by its own limit). */
  readonly maxPayload: number;
}

/** Routes the server's upgrade requests through `app` and turns admitted ones into sync connections. */
export function handleUpgrades(server: Server | Http2Server | Http2SecureServer, deps: UpgradeDeps): WebSocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: deps.maxPayload,
    perMessageDeflate: false,
    // Never echo the subprotocol that carries a token (../auth/authenticate.ts); answer `tandem` if offered.
    handleProtocols: (protocols) => (protocols.has('tandem') ? 'tandem' : false),
  });
  (server as Server).on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets during the (asynchronous) admission must not take the process down.
    const ignore = (): void => undefined;
    socket.on('error', ignore);
    void admit(deps.app, req).then(
      ({ admitted, response }) => {
        if (admitted === undefined) return refuse(socket, response);
        socket.off('error', ignore);
        wss.handleUpgrade(req, socket, head, (ws) => {
          deps.rooms.connect(ws, admitted.doc, { acks: admitted.acks, probes: admitted.probes, authors: admitted.authors, principal: admitted.principal, ip: admitted.ip, guest: admitted.guest, socket });
        });
      },
      (err: unknown) => {
        deps.logger.error({ event: 'upgrade-failed', err }, 'upgrade failed');
        void refuse(socket, answer(new TandemError('internal', 'Internal server error')));
      },
    );
  });
  return wss;
}

const answer = (error: TandemError) => Response.json(error.toJSON(), { status: error.status });

async function admit(app: Hono, req: IncomingMessage): Promise<{ admitted?: AdmittedUpgrade; response: Response }> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    // e.g. `//[bad/ws/x`: a bad request, answered as one (and the URL, which may hold a token, is not logged).
    return { response: answer(new TandemError('bad-request', 'Malformed request URL')) };
  }
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.append(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const env: UpgradeEnv = { upgrade: true, incoming: req };
  const response = await app.request(url, { headers }, env);
  return { admitted: env.admitted, response };
}

/** Answers a refused upgrade with the route's status and body, then closes the socket. */
async function refuse(socket: Duplex, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  if (socket.destroyed) return;
  const type = response.headers.get('content-type');
  const head =
    `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\nConnection: close\r\n` +
    (type !== null ? `Content-Type: ${type}\r\n` : '') +
    `Content-Length: ${body.byteLength}\r\n\r\n`;
  // One end() with head and body: a second end() after the first is ignored, and the body with it.
  socket.end(Buffer.concat([Buffer.from(head), body]));
}
