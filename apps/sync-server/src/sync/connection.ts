// One client's WebSocket: decodes its frames, holds them until its room is loaded, sends to it, and
// closes it with a named code when something goes wrong.

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { closeReason, TandemError } from '../errors.js';
import type { SyncEvents } from './events.js';
import { type ClientMessage, decodeClientMessage, encodeStoredAck } from './protocol.js';

export interface ConnectionHandler {
  receive(conn: Connection, message: ClientMessage): void;
}

export class Connection {
  readonly id = `conn-${randomUUID()}`;
  /** Identity recorded with every update this connection stores. */
  readonly author: string;
  /** Awareness client ids announced over this connection, removed when it closes. */
  readonly awarenessIds = new Set<number>();
  readonly closed: Promise<void>;
  private handler: ConnectionHandler | undefined;
  private queued: ClientMessage[] = [];
  private failed = false;
  private ackChain: Promise<unknown> = Promise.resolve();
  private acksDue = 0;
  readonly log: Logger;

  constructor(
    private readonly ws: WebSocket,
    readonly doc: string,
    logger: Logger,
    private readonly events: SyncEvents,
    /** Whether this client asked for stored-acks (`?acks=1`). */
    private readonly wantsAcks = false,
  ) {
    this.author = this.id;
    this.log = logger.child({ conn: this.id, doc });
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('error', (err: Error & { code?: string }) => {
      // `ws` has already started closing the socket (1009 for an oversized message, 1002 for a
      // protocol violation); this only records why.
      const kind = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too-large' : 'socket';
      this.log.warn({ event: 'socket-error', kind, wsCode: err.code, err }, err.message);
      this.events.error(kind);
    });
  }

  /** Hands messages to `handler` from now on, starting with those that arrived while the room was loading. */
  attach(handler: ConnectionHandler): void {
    this.handler = handler;
    const queued = this.queued;
    this.queued = [];
    for (const message of queued) {
      if (this.failed) return;
      handler.receive(this, message);
    }
  }

  get isClosed(): boolean {
    return this.ws.readyState === this.ws.CLOSED;
  }

  send(data: Uint8Array): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(data);
  }

  /**
   * Acknowledges one update message once `stored` resolves true, keeping acks in the order the
   * messages arrived. Acks due in the same turn go out as one message.
   */
  acknowledgeWhen(stored: Promise<boolean>): void {
    if (!this.wantsAcks) return;
    this.ackChain = this.ackChain
      .then(() => stored)
      .then((ok) => {
        if (!ok) return;
        this.acksDue += 1;
        if (this.acksDue === 1) {
          setImmediate(() => {
            const count = this.acksDue;
            this.acksDue = 0;
            this.send(encodeStoredAck(count));
          });
        }
      });
  }

  /** Logs the error, counts it, and closes this connection only, with the error's close code. */
  fail(error: TandemError): void {
    if (this.failed) return;
    this.failed = true;
    const level = error.status >= 500 ? 'error' : 'warn';
    this.log[level]({ event: 'connection-failed', code: error.code, closeCode: error.closeCode, err: error }, error.message);
    this.events.error(error.code);
    this.close(error.closeCode, closeReason(error));
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.CLOSED || this.ws.readyState === this.ws.CLOSING) return;
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    // Once failed, the rest of what this client sends is ignored; messages that arrive during a
    // clean close (a server shutdown) are still handled, so nothing sent before it is lost.
    if (this.failed) return;
    let message: ClientMessage;
    try {
      if (!isBinary) throw new TandemError('bad-message', 'Text frames are not part of the protocol');
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      message = decodeClientMessage(bytes);
    } catch (error) {
      this.fail(error as TandemError);
      return;
    }
    if (this.handler === undefined) this.queued.push(message);
    else this.handler.receive(this, message);
  }
}
