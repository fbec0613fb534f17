// A WebSocket client for simulated typists, which send and never read: binary frames go out masked as
// the protocol requires, and whatever the server sends is skipped frame by frame without being
// assembled into messages. On one document every typist receives every other typist's updates, so a
// full client (`ws`) would spend the generator's CPU on that fan-out; skipping it keeps the
// generator's cost proportional to what it sends. Pings are answered, so servers that check
// liveness (the reference server closes a socket that misses a pong) keep the connection.
//
// Reading is batched too: after each read the socket stops reading until the owner calls `drain()`
// (every few tens of milliseconds), so the kernel gathers many frames into one read instead of the
// thread waking for each. Reads go into one buffer shared by every socket of the thread.

import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
const OP_BINARY = 0x2;
const FIN = 0x80;
const MASKED = 0x80;
const CONNECT_TIMEOUT_MS = 10_000;

/** One frame: FIN, opcode, masked length, and an all-zero mask key. */
function frame(opcode: number, payload: Uint8Array): Buffer {
  const n = payload.byteLength;
  const lengthBytes = n < 126 ? 0 : n < 65_536 ? 2 : 8;
  const head = 2 + lengthBytes;
  const out = Buffer.allocUnsafe(head + 4 + n);
  out[0] = FIN | opcode;
  if (n < 126) out[1] = MASKED | n;
  else if (n < 65_536) {
    out[1] = MASKED | 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = MASKED | 127;
    out.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    out.writeUInt32BE(n >>> 0, 6);
  }
  // Masking protects intermediaries from scripted cache poisoning; a server cannot tell a zero key
  // from a random one, and a zero key means the payload is copied, not XOR'ed byte by byte.
  out.fill(0, head, head + 4);
  out.set(payload, head + 4);
  return out;
}

export class SendOnlySocket {
  /** Bytes received from the server, frames included. */
  bytesReceived = 0;
  private closedFlag = false;
  // Returning false from `onread` stops reading without putting the stream in paused mode
  // (`isPaused()` stays false), so whether reading is stopped is tracked here.
  private readingStopped = false;
  // Frame-skipping state: the header being read, then how much payload is left to skip.
  private readonly header = Buffer.alloc(14);
  private headerLength = 0;
  private headerNeeded = 2;
  private skip = 0;
  /** Payload of a control frame being read (pings must be echoed), or undefined while skipping data. */
  private control: { opcode: number; payload: Buffer; have: number } | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('close', () => (this.closedFlag = true));
    socket.on('error', () => (this.closedFlag = true));
  }

  /**
   * Opens `url` (ws://host:port/path) and resolves once the server has switched protocols; rejects
   * if it refuses, or has not answered within ten seconds. `readBuffer` receives every read; it may
   * be shared by all the sockets of one thread, since each read is handled before the next.
   */
  static open(url: string, readBuffer: Buffer): Promise<SendOnlySocket> {
    const { hostname, port, pathname, search } = new URL(url);
    return new Promise((resolve, reject) => {
      let ws: SendOnlySocket | undefined;
      let response = Buffer.alloc(0);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const socket = connect({
        host: hostname,
        port: Number(port),
        noDelay: true,
        onread: {
          buffer: readBuffer,
          callback: (bytes: number, buffer: Uint8Array): boolean => {
            if (ws !== undefined) return ws.receive(buffer, bytes);
            response = Buffer.concat([response, buffer.subarray(0, bytes)]);
            const end = response.indexOf('\r\n\r\n');
            if (end < 0) return true;
            clearTimeout(timer);
            socket.off('error', fail);
            const status = response.subarray(0, response.indexOf('\r\n')).toString();
            if (!/^HTTP\/1\.1 101 /.test(status)) {
              fail(new Error(`${url}: upgrade refused: ${status}`));
              return false;
            }
            // The Sec-WebSocket-Accept check guards against caches answering for the server; these are
            // our own servers on loopback, so it is skipped.
            ws = new SendOnlySocket(socket);
            const rest = response.subarray(end + 4);
            resolve(ws);
            return ws.receive(rest, rest.byteLength);
          },
        },
      });
      const timer = setTimeout(() => fail(new Error(`${url}: no upgrade within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.write(
          `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  send(payload: Uint8Array): void {
    if (!this.closedFlag) this.socket.write(frame(OP_BINARY, payload));
  }

  /** Holds writes until `uncork`, so several frames sent in one turn leave in one system call. */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  /** Reads what has arrived since the last read (the socket pauses after each one). */
  drain(): void {
    if (this.closedFlag || !this.readingStopped) return;
    this.readingStopped = false;
    this.socket.resume();
  }

  destroy(): void {
    this.closedFlag = true;
    this.socket.destroy();
  }

  /** Skips the frames in `chunk[0, length)`; returns false, which pauses reading until `drain()`. */
  private receive(chunk: Uint8Array, length: number): boolean {
    this.bytesReceived += length;
    let i = 0;
    while (i < length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, length - i);
        if (this.control !== undefined) {
          this.control.payload.set(chunk.subarray(i, i + n), this.control.have);
          this.control.have += n;
        }
        i += n;
        this.skip -= n;
        if (this.skip === 0) this.controlDone();
        continue;
      }
      this.header[this.headerLength++] = chunk[i++]!;
      if (this.headerLength === 2) {
        const len7 = this.header[1]! & 0x7f;
        this.headerNeeded = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (this.header[1]! & MASKED ? 4 : 0);
      }
      if (this.headerLength < this.headerNeeded) continue;
      const len7 = this.header[1]! & 0x7f;
      const payloadLength =
        len7 === 126 ? this.header.readUInt16BE(2) : len7 === 127 ? this.header.readUInt32BE(2) * 2 ** 32 + this.header.readUInt32BE(6) : len7;
      const opcode = this.header[0]! & 0x0f;
      this.headerLength = 0;
      this.headerNeeded = 2;
      this.skip = payloadLength;
      // Servers do not mask, so a control payload can be echoed as it came.
      this.control = opcode >= OP_CLOSE ? { opcode, payload: Buffer.alloc(payloadLength), have: 0 } : undefined;
      if (payloadLength === 0) this.controlDone();
    }
    this.readingStopped = true;
    return false;
  }

  private controlDone(): void {
    const control = this.control;
    this.control = undefined;
    if (control === undefined || this.closedFlag) return;
    if (control.opcode === OP_PING) this.socket.write(frame(OP_PONG, control.payload));
    else if (control.opcode === OP_CLOSE) {
      this.socket.end(frame(OP_CLOSE, control.payload.subarray(0, 2)));
      this.closedFlag = true;
    }
  }
}
