// Server-to-client WebSocket frames built once and written to many sockets. A broadcast goes to
// every client of a document; framing it per recipient (as `ws.send` does) repeats the same header
// work and two-buffer write for each. The frame is the same bytes for all of them.

/** One final, unmasked binary frame (RFC 6455 §5.2) carrying `payload`. */
export function binaryFrame(payload: Uint8Array): Buffer {
  const n = payload.byteLength;
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = 0x82; // FIN + opcode 2 (binary)
  if (n < 126) {
    frame[1] = n;
  } else if (n < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    frame.writeUInt32BE(n >>> 0, 6);
  }
  frame.set(payload, head);
  return frame;
}

/** A message to send to many connections: its bytes, and the frame that carries them. */
export interface Broadcast {
  readonly message: Uint8Array;
  readonly frame: Buffer;
}

export function prepareBroadcast(message: Uint8Array): Broadcast {
  return { message, frame: binaryFrame(message) };
}
