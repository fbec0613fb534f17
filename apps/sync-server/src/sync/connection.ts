// One client's WebSocket: who it is, the limits it must keep, decoding its frames (held until its
// room is loaded), sending to it, and closing it with a named code when something goes wrong.

import type { Writer } from './comment-rules.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { GUEST_PREFIX } from '@tandem/persistence';
import { isAnonymous, LOCAL_PRINCIPAL, type Principal } from '../auth/token.js';
import type { GuestIdentity } from '../authors/guest-identity.js';
import { closeReason, TandemError } from '../errors.js';
import type { SyncEvents } from './events.js';
import { type ClientMessage, decodeClientMessage, encodeDocumentCreated, encodeRefused, encodeRestored, encodeStoredAck, PROBE } from './protocol.js';
import { RateLimiter } from './rate-limiter.js';
import type { Broadcast } from './ws-frame.js';

export interface ConnectionHandler {
  receive(conn: Connection, message: ClientMessage): void;
  /** The connection stopped answering pings (`away`), or was heard from again. */
  awayChanged(conn: Connection, away: boolean): void;
}

export interface ConnectionLimits {
  readonly maxMessageBytes: number;
  readonly messagesPerSecond: number;
  readonly bytesPerSecond: number;
  readonly maxBufferedBytes: number;
}

/** What every connection of a registry shares: one object, so a connection holds a reference, not copies. */
export interface ConnectionDeps {
  readonly logger: Logger;
  readonly events: SyncEvents;
  readonly limits: ConnectionLimits;
  /** Called once when the socket has closed (for whatever reason). */
  readonly onClose?: (conn: Connection) => void;
}

export interface ConnectionOptions {
  readonly principal?: Principal;
  /** The identity the editor presented (`?author=&name=`), read only when authentication is off. */
  readonly guest?: GuestIdentity;
  /** Whether this client asked for stored-acks (`?acks=1`). */
  readonly acks?: boolean;
  /** Whether this client asked for the author of each Yjs client id (`?authors=1`, message 102). */
  readonly authors?: boolean;
  /** Whether this client answers Tandem's probes (`?probes=1`) instead of being pinged (see protocol.ts PROBE). */
  readonly probes?: boolean;
  /** The client's address, for per-address limits. */
  readonly ip?: string;
  /**
   * The socket under `ws`, when the caller has it (the upgrade does): broadcasts are written to it
   * as prepared frames. `ws` (no compression) writes each frame synchronously to this same socket,
   * so the two kinds of writes keep their order.
   */
  readonly socket?: Duplex;
}

const LIMIT_CODES = new Set(['too-large', 'rate-limited', 'store-rate', 'slow-consumer', 'insufficient-storage']);

// setTimeout cannot wait longer than this; longer token lifetimes re-arm the timer.
const MAX_TIMER_MS = 2 ** 31 - 1;

// The Connection of a socket, for the socket's listeners below: they are shared by every socket
// (`ws` calls a listener with the socket as `this`), so a connection costs no closures of its own.
const CONNECTION = Symbol('tandem.connection');
type OwnedSocket = WebSocket & { [CONNECTION]?: Connection };

function onSocketMessage(this: OwnedSocket, data: RawData, isBinary: boolean): void {
  this[CONNECTION]?.onMessage(data, isBinary);
}

function onSocketError(this: OwnedSocket, err: Error & { code?: string }): void {
  this[CONNECTION]?.onError(err);
}

function onSocketClose(this: OwnedSocket): void {
  this[CONNECTION]?.onClose();
}

function onSocketPong(this: OwnedSocket): void {
  this[CONNECTION]?.onPong();
}

// Fields are made on first use where most connections never need them, and nothing per connection
// is a closure: an idle connection should cost little more than its socket (see bench/idle.ts).
export class Connection {
  readonly principal: Principal;
  readonly ip: string;
  private readonly guest: GuestIdentity | undefined;
  private readonly socket: Duplex | undefined;
  private readonly acks: boolean;
  private readonly probes: boolean;
  /** Asked for author bindings (`?authors=1`). */
  readonly wantsAuthors: boolean;
  private connId: string | undefined;
  private childLog: Logger | undefined;
  private handler: ConnectionHandler | undefined;
  private queued: ClientMessage[] | undefined;
  private failed = false;
  private ackChain: Promise<unknown> | undefined;
  private acksDue = 0;
  private expiryTimer: NodeJS.Timeout | undefined;
  private rate: RateLimiter | undefined;
  private closedPromise: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;
  /** Heard from (a pong or a message) since the last ping; pings in a row unanswered; marked away. */
  private answered = true;
  private missedPings = 0;
  private away = false;
  /** The largest message written since the send buffer last held at most MAX_BUFFERED_BYTES (see mayWrite). */
  private largestWaiting = 0;

  constructor(
    private readonly ws: WebSocket,
    readonly doc: string,
    private readonly deps: ConnectionDeps,
    options: ConnectionOptions = {},
  ) {
    this.principal = options.principal ?? LOCAL_PRINCIPAL;
    this.ip = options.ip ?? 'unknown';
    // A token decides who someone is: what the client says of itself counts only without one.
    this.guest = isAnonymous(this.principal) ? options.guest : undefined;
    this.socket = options.socket;
    this.acks = options.acks === true;
    this.probes = options.probes === true;
    this.wantsAuthors = options.authors === true;
    (ws as OwnedSocket)[CONNECTION] = this;
    ws.on('message', onSocketMessage);
    ws.on('error', onSocketError);
    ws.on('close', onSocketClose);
    ws.on('pong', onSocketPong);
    if (this.principal.expiresAt !== undefined) this.armExpiry(this.principal.expiresAt);
  }

  get readOnly(): boolean {
    return this.principal.role === 'viewer';
  }

  /** Who this connection's updates are judged as (see comment-rules.ts): a commenter changes comments only. */
  get writer(): Writer {
    return { author: this.author, mayEdit: this.principal.role === 'editor' };
  }

  /** Resolves once the socket has closed. */
  get closed(): Promise<void> {
    if (this.closedPromise === undefined) {
      this.closedPromise = this.isClosed ? Promise.resolve() : new Promise((resolve) => (this.resolveClosed = resolve));
    }
    return this.closedPromise;
  }

  /** @internal The socket's 'close' listener. */
  onClose(): void {
    clearTimeout(this.expiryTimer);
    this.resolveClosed?.();
    this.deps.onClose?.(this);
  }

  /** @internal The socket's 'error' listener. */
  onError(err: Error & { code?: string }): void {
    // `ws` has already started closing the socket (1009 past its hard size cap, 1002 for a
    // protocol violation); this only records why.
    const kind = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too-large' : 'socket';
    this.log.warn({ event: 'socket-error', kind, wsCode: err.code, err }, err.message);
    this.deps.events.error(kind);
  }

  get id(): string {
    return (this.connId ??= `conn-${randomUUID()}`);
  }

  /**
   * Identity recorded with every update this connection stores: the token's user; else the editor's
   * own id (`guest:<id>`, unverified); else the connection.
   */
  get author(): string {
    if (!isAnonymous(this.principal)) return this.principal.userId;
    return this.guest === undefined ? this.id : `${GUEST_PREFIX}${this.guest.id}`;
  }

  /** The author's display name for the authors table; undefined for a per-connection author (not recorded). */
  get authorName(): string | undefined {
    if (!isAnonymous(this.principal)) return this.principal.name;
    if (this.guest === undefined) return undefined;
    return this.guest.name ?? `Guest ${this.guest.id.slice(0, 6)}`;
  }

  /** Whether `author` was proven (a token), not self-declared. */
  get verified(): boolean {
    return !isAnonymous(this.principal);
  }

  /** This connection's logger, made on first use: most connections never log, and a child costs memory. */
  get log(): Logger {
    return (this.childLog ??= this.deps.logger.child({ conn: this.id, doc: this.doc, user: this.principal.userId, ip: this.ip }));
  }

  private armExpiry(expiresAt: number): void {
    const delay = expiresAt - Date.now();
    this.expiryTimer = setTimeout(
      () => {
        if (Date.now() < expiresAt) this.armExpiry(expiresAt);
        else this.fail(new TandemError('token-expired', 'The token has expired'));
      },
      Math.max(0, Math.min(delay, MAX_TIMER_MS)),
    );
    this.expiryTimer.unref();
  }

  /** Whether this client stopped answering pings (its network may have dropped); see heartbeat.ts. */
  get isAway(): boolean {
    return this.away;
  }

  /** @internal Pings the client; returns how many pings in a row it left unanswered before this one. */
  heartbeat(): number {
    this.missedPings = this.answered ? 0 : this.missedPings + 1;
    this.answered = false;
    if (this.probes) this.send(PROBE);
    else if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
    return this.missedPings;
  }

  /** @internal The socket's 'pong' listener: proof of life, except from a client that answers probes. */
  onPong(): void {
    if (!this.probes) this.heard();
  }

  /** @internal The client answered nothing since the last ping. */
  markAway(): void {
    if (this.away) return;
    this.away = true;
    if (this.deps.logger.isLevelEnabled('debug')) this.log.debug({ event: 'connection-away' }, 'no answer to a ping');
    this.handler?.awayChanged(this, true);
  }

  /** @internal A pong or a message: the client is there. */
  heard(): void {
    this.answered = true;
    if (!this.away) return;
    this.away = false;
    this.handler?.awayChanged(this, false);
  }

  /** Hands messages to `handler` from now on, starting with those that arrived while the room was loading. */
  attach(handler: ConnectionHandler): void {
    this.handler = handler;
    const queued = this.queued ?? [];
    this.queued = undefined;
    for (const message of queued) {
      if (this.failed) return;
      handler.receive(this, message);
    }
  }

  /** True once this connection was refused (its later messages are ignored). */
  get hasFailed(): boolean {
    return this.failed;
  }

  get isClosed(): boolean {
    return this.ws.readyState === this.ws.CLOSED;
  }

  send(data: Uint8Array): void {
    if (this.mayWrite(data.byteLength)) this.ws.send(data);
  }

  /** Sends a message prepared once for many connections. */
  sendBroadcast(broadcast: Broadcast): void {
    if (!this.mayWrite(broadcast.frame.byteLength)) return;
    const socket = this.socket;
    if (socket === undefined) this.ws.send(broadcast.message);
    else socket.write(broadcast.frame);
  }

  private mayWrite(bytes: number): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    // bufferedAmount includes what waits in the socket, direct writes too.
    const buffered = this.ws.bufferedAmount;
    const { maxBufferedBytes } = this.deps.limits;
    // One message may be larger than the limit (a new client's sync step 2 of a document under
    // MAX_DOC_BYTES): while it drains, the limit is counted on top of it, or the next small message
    // (an ack, a cursor) would drop a client that reads at the speed of its network.
    if (buffered <= maxBufferedBytes) this.largestWaiting = 0;
    else if (buffered > maxBufferedBytes + this.largestWaiting) {
      // A client that stopped reading: drop it rather than buffer without bound. It reconnects and resyncs.
      this.fail(new TandemError('slow-consumer', `More than ${maxBufferedBytes} bytes wait to be sent`, { buffered, largestMessage: this.largestWaiting }));
      this.ws.terminate();
      return false;
    }
    if (bytes > this.largestWaiting) this.largestWaiting = bytes;
    return true;
  }

  /**
   * Acknowledges one update message once `stored` resolves true, keeping acks in the order the
   * messages arrived. Acks due in the same turn go out as one message. A refused update (`{ reason }`)
   * is said so in its place (see encodeRefused), after the acks due before it.
   */
  acknowledgeWhen(stored: Promise<boolean | { readonly reason: string }>): void {
    if (!this.acks) return;
    this.ackChain = (this.ackChain ?? Promise.resolve())
      .then(() => stored)
      .then((outcome) => {
        if (typeof outcome === 'object') {
          this.sendAcksDue();
          this.send(encodeRefused(outcome.reason));
          return;
        }
        if (!outcome) return;
        this.acksDue += 1;
        if (this.acksDue === 1) setImmediate(() => this.sendAcksDue());
      });
  }

  private sendAcksDue(): void {
    const count = this.acksDue;
    this.acksDue = 0;
    if (count > 0) this.send(encodeStoredAck(count));
  }

  /** The seq of the document's latest restore (see encodeRestored); only a client with stored-acks hears it. */
  tellRestored(seq: number): void {
    if (this.acks) this.send(encodeRestored(seq));
  }

  /** Which document the name holds (see encodeDocumentCreated); only a client with stored-acks hears it. */
  tellDocument(createdAt: number): void {
    if (this.acks) this.send(encodeDocumentCreated(createdAt));
  }

  /** Logs the error, counts it, and closes this connection only, with the error's close code. */
  fail(error: TandemError): void {
    if (this.failed) return;
    this.failed = true;
    // A store that is away is logged once as such (see store-availability.ts); each client it refuses is a warning.
    const level = error.status >= 500 && error.code !== 'slow-consumer' && error.code !== 'storage-failed' ? 'error' : 'warn';
    this.log[level]({ event: 'connection-failed', code: error.code, closeCode: error.closeCode, err: error }, error.message);
    // A limit may name itself more precisely than its code (`too-large` of a message, a document, a presence state).
    const limit = typeof error.context.limit === 'string' ? error.context.limit : error.code;
    if (LIMIT_CODES.has(error.code)) this.deps.events.limitHit(limit);
    else this.deps.events.error(error.code);
    this.close(error.closeCode, closeReason(error));
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.CLOSED || this.ws.readyState === this.ws.CLOSING) return;
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  /** @internal Cuts off a client that answered no ping for too long (no close frame can reach it). */
  dropSilent(): void {
    this.log.info({ event: 'connection-silent', missedPings: this.missedPings }, 'no answer to pings; connection dropped');
    this.ws.terminate();
  }

  /** @internal The socket's 'message' listener. */
  onMessage(data: RawData, isBinary: boolean): void {
    // Once failed, the rest of what this client sends is ignored; messages that arrive during a
    // clean close (a server shutdown) are still handled, so nothing sent before it is lost.
    if (this.failed) return;
    this.heard();
    let message: ClientMessage;
    try {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      const { maxMessageBytes, messagesPerSecond, bytesPerSecond } = this.deps.limits;
      if (bytes.byteLength > maxMessageBytes) {
        throw new TandemError('too-large', `Message of ${bytes.byteLength} bytes exceeds the limit of ${maxMessageBytes}`);
      }
      if (!(this.rate ??= new RateLimiter(messagesPerSecond, bytesPerSecond)).take(bytes.byteLength)) {
        throw new TandemError('rate-limited', 'Too many messages or bytes per second');
      }
      if (!isBinary) throw new TandemError('bad-message', 'Text frames are not part of the protocol');
      message = decodeClientMessage(bytes);
    } catch (error) {
      this.fail(error as TandemError);
      return;
    }
    if (this.handler === undefined) (this.queued ??= []).push(message);
    else this.handler.receive(this, message);
  }
}
