// The floors of the benchmarks: a bare `ws` relay speaking y-websocket framing, with no Yjs and no
// storage. Per room (the URL path) it forwards each client message to every other client of the room,
// answers a sync step 1 with an empty sync step 2 (so clients count as synced), and relays awareness.
// No server can beat it.
//
// With LOG_FILE set it is the durable relay: the sync messages (updates) received in one event-loop
// turn are appended to that file and fdatasync'ed (on the thread pool) before they are relayed;
// messages arriving while a flush runs join the next one (group commit, pipelined: the next flush
// starts as soon as the previous one ends). No flush-before-broadcast server can beat it on this disk.
// Awareness is relayed at once, as it is not stored.
//
// PORT and LOG_FILE come from the environment. Plain JavaScript, so it runs under bare node.
import { fdatasync, openSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { WebSocketServer } from 'ws';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const SYNC_STEP_1 = 0;
// messageSync, syncStep2, a 2-byte update: 0 structs, empty delete set.
const EMPTY_SYNC_STEP_2 = Uint8Array.of(MESSAGE_SYNC, 1, 2, 0, 0);

const port = Number(process.env.PORT);
const logFile = process.env.LOG_FILE ? openSync(process.env.LOG_FILE, 'a') : undefined;
const datasync = promisify(fdatasync);

/** @type {Map<string, Set<import('ws').WebSocket>>} */
const rooms = new Map();

/** @param {Set<import('ws').WebSocket>} room @param {import('ws').WebSocket} from @param {Buffer} data */
function relay(room, from, data) {
  for (const client of room) if (client !== from && client.readyState === 1) client.send(data);
}

// Group commit: `pending` gathers this turn's messages (and any that arrive while a flush runs).
/** @type {{ room: Set<import('ws').WebSocket>, from: import('ws').WebSocket, data: Buffer }[]} */
let pending = [];
let flushing = false;
let scheduled = false;

function schedule() {
  if (flushing || scheduled) return;
  scheduled = true;
  setImmediate(flush); // after this turn's other messages have joined
}

async function flush() {
  scheduled = false;
  if (pending.length === 0 || logFile === undefined) return;
  flushing = true;
  const batch = pending;
  pending = [];
  try {
    // The append only copies into the page cache (microseconds), as a database's write does; the
    // flush is what waits for the disk, and it runs on the thread pool.
    writeSync(logFile, Buffer.concat(batch.map((m) => m.data)));
    await datasync(logFile);
  } catch (err) {
    console.error(JSON.stringify({ event: 'flush-failed', message: String(err) }));
    process.exit(1);
  }
  flushing = false;
  // What arrived during this flush goes to the disk now, while this batch is being relayed.
  if (pending.length > 0) {
    scheduled = true;
    void flush();
  }
  for (const m of batch) relay(m.room, m.from, m.data);
}

const wss = new WebSocketServer({ port, host: '127.0.0.1' });
wss.on('connection', (ws, request) => {
  const name = request.url ?? '/';
  let room = rooms.get(name);
  if (room === undefined) rooms.set(name, (room = new Set()));
  room.add(ws);
  ws.on('message', (/** @type {Buffer} */ data) => {
    if (data.length === 0) return;
    if (data[0] === MESSAGE_SYNC) {
      if (data[1] === SYNC_STEP_1) ws.send(EMPTY_SYNC_STEP_2);
      else if (logFile === undefined) relay(room, ws, data);
      else {
        pending.push({ room, from: ws, data });
        schedule();
      }
    } else if (data[0] === MESSAGE_AWARENESS) relay(room, ws, data);
    // Anything else (a query for awareness) has no state to answer with.
  });
  ws.on('error', () => ws.terminate()); // a client's broken socket is that client's end, not the relay's
  ws.on('close', () => {
    room.delete(ws);
    if (room.size === 0) rooms.delete(name);
  });
});
wss.on('listening', () => console.log(JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}`, durable: logFile !== undefined })));
process.on('SIGTERM', () => {
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
});
