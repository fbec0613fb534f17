// What a client that stops reading may cost the server. An HTTP response holds its body in memory until
// the socket has taken all of it, and Node gives a response no send deadline of its own: a client that
// asks for a large document and never reads would hold it for as long as it keeps the connection open.
// So each response, once its route has answered, is sent in slices of SEND_SLICE_BYTES, each handed
// to the socket only when it has taken the one before; a response that makes no progress (no slice
// taken) for HTTP_SEND_TIMEOUT_MS is closed. A slow client that keeps reading is never cut off, and
// the time a route takes to compute its answer (a history diff, bounded by HISTORY_TIMEOUT_MS) does
// not count. One client address may have MAX_HTTP_SENDS_PER_IP responses being sent at once; past
// that it is answered 429 with Retry-After. And the bodies held for every client together are bounded:
// once MAX_HTTP_SEND_BYTES are held, requests are answered 503 with Retry-After (before their route
// runs, and again once it has answered, dropping that answer) until clients take enough of theirs or are
// cut off; health checks and metrics are still answered. WebSocket upgrades (sync/upgrade.ts) carry no response
// object and pass untouched: their connections have limits of their own (MAX_BUFFERED_BYTES).

import type { ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { TandemError } from '../errors.js';
import { addressKey } from '../ip-address.js';
import { requestAddress } from './request-address.js';

/**
 * A response's body goes to the socket in slices of this size. Node's socket high-water mark (16 KiB on
 * Node 20): each slice fills it, so the next is written once the socket has taken it ('drain'), and a
 * client is cut off only if it takes less than this in HTTP_SEND_TIMEOUT_MS.
 */
export const SEND_SLICE_BYTES = 16 * 1024;

/** What the guard reports (see metrics/metrics.ts). */
export interface SendEvents {
  sendStarted(): void;
  sendEnded(): void;
  sendTimedOut(): void;
  limitHit(kind: 'http-sends-per-ip' | 'http-send-bytes'): void;
  /** Body bytes held for responses being sent, after each change. */
  bytesHeld(bytes: number): void;
}

export interface SendGuardOptions {
  /** A response that makes no progress for this long is closed. */
  readonly sendTimeoutMs: number;
  /** Responses one client address may have being sent at once. */
  readonly maxPerAddress: number;
  /** Body bytes held for every response being sent, past which requests are refused (503). */
  readonly maxBytes: number;
  /** Paths answered whatever is held (health checks, metrics). */
  readonly alwaysAnswered?: (path: string) => boolean;
  readonly logger: Logger;
  readonly events: SendEvents;
}

interface Send {
  /** When the timer of this response fires unless the client takes more before. */
  deadline: number;
  /** Its body's bytes, once known (a body sent in slices; a small one or a stream counts 0). */
  bytes: number;
}

export class SendGuard {
  readonly #options: SendGuardOptions;
  /** The responses being sent, by addressKey of their client. */
  readonly #byAddress = new Map<string, Set<Send>>();
  /** Body bytes held for the responses being sent (Send.bytes summed). */
  #held = 0;

  constructor(options: SendGuardOptions) {
    this.#options = options;
  }

  /** Responses being sent now: to `address` (a client address as per-address limits count it), or to anyone. */
  inFlight(address?: string): number {
    if (address !== undefined) return this.#byAddress.get(addressKey(address))?.size ?? 0;
    let total = 0;
    for (const sends of this.#byAddress.values()) total += sends.size;
    return total;
  }

  /** Body bytes held for responses being sent now. */
  get bytesHeld(): number {
    return this.#held;
  }

  /** The middleware: after the client address is known (clientAddresses), before the routes. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
      // An upgrade (sync/upgrade.ts passes it through the app without a response object).
      if (outgoing === undefined) return next();
      const key = addressKey(requestAddress(c));
      const bounded = this.#options.alwaysAnswered?.(c.req.path) !== true;
      // Refused before the route runs, so a client at its limit costs no work...
      this.#admit(key, bounded);
      await next();
      // ...and again once it has answered: requests that came in together all passed the first check
      // (an answer refused now is dropped instead of held).
      this.#admit(key, bounded);
      if (!outgoing.destroyed) this.#track(c, key, outgoing);
    };
  }

  #admit(key: string, bounded: boolean): void {
    if (bounded && this.#held >= this.#options.maxBytes) {
      this.#options.events.limitHit('http-send-bytes');
      const holding = [...this.#byAddress.values()].flatMap((sends) => [...sends].filter((send) => send.bytes > 0));
      const retryAfterSeconds = secondsUntilFirstEnds(holding);
      throw new TandemError(
        'sends-busy',
        `The server holds ${this.#held} bytes of answers for clients still taking them (at most ${this.#options.maxBytes}); try again in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }
    const sends = this.#byAddress.get(key);
    if (sends === undefined || sends.size < this.#options.maxPerAddress) return;
    this.#options.events.limitHit('http-sends-per-ip');
    const retryAfterSeconds = secondsUntilFirstEnds(sends);
    throw new TandemError(
      'too-many-connections',
      `${sends.size} responses are still being sent to this address (at most ${this.#options.maxPerAddress}); try again in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }

  #track(c: Context, key: string, outgoing: ServerResponse): void {
    const { sendTimeoutMs, events, logger } = this.#options;
    const send: Send = { deadline: Date.now() + sendTimeoutMs, bytes: 0 };
    let sends = this.#byAddress.get(key);
    if (sends === undefined) this.#byAddress.set(key, (sends = new Set()));
    sends.add(send);
    events.sendStarted();
    const timer = setTimeout(() => {
      events.sendTimedOut();
      logger.warn(
        { event: 'http-send-timeout', method: c.req.method, path: c.req.path, ip: requestAddress(c), timeoutMs: sendTimeoutMs },
        `closed a response its client took nothing of for ${sendTimeoutMs} ms`,
      );
      outgoing.destroy();
    }, sendTimeoutMs);
    timer.unref();
    // The socket took what it had been given: the client is reading.
    const progressed = (): void => {
      send.deadline = Date.now() + sendTimeoutMs;
      timer.refresh();
    };
    outgoing.on('drain', progressed);
    let closed = false;
    // A response queued behind another on its connection (HTTP/1.1 pipelining) is given the socket only
    // once those before it are sent: if the connection goes first, that response never emits 'close'
    // (nor does destroying it, the timer's way, do anything), so the socket's own 'close' ends it too.
    const socket = outgoing.req?.socket;
    // Sent in full, or the connection gone: either way the body is no longer held.
    const ended = (): void => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      outgoing.off('drain', progressed);
      outgoing.off('close', ended);
      socket?.off('close', ended);
      sends.delete(send);
      if (sends.size === 0) this.#byAddress.delete(key);
      if (send.bytes > 0) this.#hold(-send.bytes);
      events.sendEnded();
    };
    outgoing.once('close', ended);
    if (socket !== undefined) {
      if (socket.closed) ended();
      else socket.once('close', ended);
    }
    sendInSlices(outgoing, (bytes) => {
      // The body of a response whose connection is gone already is never held.
      if (closed) return;
      send.bytes = bytes;
      this.#hold(bytes);
    });
  }

  #hold(bytes: number): void {
    this.#held += bytes;
    this.#options.events.bytesHeld(this.#held);
  }
}

/**
 * Makes `outgoing.end(body)` (how @hono/node-server sends a string or byte body, in one write) send a
 * large body in slices, each written once the socket has taken the one before. One write of the whole
 * body would show no progress until the last byte is taken, so a slow client would look like one that
 * reads nothing. Bodies that are streams (static files) are written chunk by chunk already.
 */
function sendInSlices(outgoing: ServerResponse, held: (bytes: number) => void): void {
  const end = outgoing.end;
  const sliced = function (this: ServerResponse, chunk?: unknown, encoding?: unknown, callback?: unknown): ServerResponse {
    const bytes =
      typeof chunk === 'string' && chunk.length > SEND_SLICE_BYTES / 3
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : chunk instanceof Uint8Array
          ? chunk
          : undefined;
    // Node's own end() for anything small, or that is not a body (end() alone, a callback).
    if (bytes === undefined || bytes.byteLength <= SEND_SLICE_BYTES) return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, encoding, callback);
    const done = typeof encoding === 'function' ? encoding : callback;
    held(bytes.byteLength);
    let offset = 0;
    const next = (): void => {
      while (!this.destroyed) {
        const slice = bytes.subarray(offset, offset + SEND_SLICE_BYTES);
        offset += slice.byteLength;
        if (offset >= bytes.byteLength) {
          (end as (...args: unknown[]) => ServerResponse).call(this, slice, done);
          return;
        }
        if (!this.write(slice)) {
          this.once('drain', next);
          return;
        }
      }
    };
    next();
    return this;
  };
  outgoing.end = sliced as ServerResponse['end'];
}

/** Whole seconds (at least 1) until the first of `sends` is closed at the latest (if its client reads nothing meanwhile). */
function secondsUntilFirstEnds(sends: Iterable<Send>): number {
  let firstDeadline = Infinity;
  for (const send of sends) firstDeadline = Math.min(firstDeadline, send.deadline);
  return Math.max(1, Math.ceil((firstDeadline - Date.now()) / 1000));
}
