// A room registry behind a bare WebSocket server, for tests of the registry and its rooms without the
// HTTP app: every connection joins document "doc" with the options `optionsOf` gives for its request.

import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { ConnectionOptions } from '../sync/connection.js';
import type { RoomRegistry } from '../sync/rooms.js';

export interface RoomsSocket {
  /** A client connected at `/<query>` (binary messages as Buffers), once open. */
  open(query?: string): Promise<WebSocket>;
  close(): Promise<void>;
}

export async function serveRooms(
  rooms: RoomRegistry,
  optionsOf: (req: IncomingMessage) => Omit<ConnectionOptions, 'socket'> = () => ({ acks: false }),
): Promise<RoomsSocket> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (ws, req) => rooms.connect(ws, 'doc', { socket: req.socket, ...optionsOf(req) }));
  await new Promise((resolve) => wss.once('listening', resolve));
  return {
    open: (query = '') =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/${query}`);
        ws.binaryType = 'nodebuffer';
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      }),
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}
