// The typists' thread: each typist has its own socket and Yjs client id and types one character per
// update (encoded as Yjs would, ./keystrokes.ts) at the rate the main thread sets, never applying
// what it receives. Reports each update's send time (by its Yjs id) in batches, and its own
// event-loop lag, to the main thread (./typists.ts).

import { parentPort, workerData } from 'node:worker_threads';
import * as encoding from 'lib0/encoding';
import { FRAMINGS } from '../peers/framing.js';
import { Keystrokes } from './keystrokes.js';
import { updateKey, wallNow } from './ledger.js';
import { LagMonitor } from './meters.js';
import { SendOnlySocket } from './send-only-socket.js';
import type { TypistsMessage, TypistsRequest, TypistsSetup, TypistsStats } from './typists.js';

const port = parentPort!;
const setup = workerData as TypistsSetup;
const framing = FRAMINGS[setup.peer];

// Due typists are found by scanning all of them this often; sends are timestamped when they happen,
// so the tick only sets how evenly they are spread.
const TICK_MS = 2;
// Further behind than this, the worker skips what it missed (and counts it) instead of sending a burst.
const MAX_BEHIND_MS = 250;
const REPORT_EVERY_MS = 100;
// Each socket reads what has arrived once every this many ticks (sockets take turns), so the
// kernel holds ~50 ms of incoming frames per socket (tens of KB at the highest burst rates, within
// its default receive buffer) and hands them over in one read.
const READ_EVERY_TICKS = 25;
const readBuffer = Buffer.allocUnsafe(256 * 1024);
const CONNECT_CONCURRENCY = 32;

function updateMessage(doc: string, update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // sync
  encoding.writeVarUint(e, 2); // update
  encoding.writeVarUint8Array(e, update);
  return framing.wrap(doc, encoding.toUint8Array(e));
}

class Typist {
  private readonly keystrokes = new Keystrokes();
  /** When the next keystroke is due (wallNow ms). */
  next = Infinity;

  constructor(
    readonly socket: SendOnlySocket,
    private readonly docName: string,
  ) {}

  type(): void {
    const key = updateKey(this.keystrokes.client, this.keystrokes.clock);
    const message = updateMessage(this.docName, this.keystrokes.next());
    sent.push(key, wallNow());
    this.socket.send(message);
  }
}

const typists: Typist[] = [];
let interval = Infinity;
/** Flat (key, send time) pairs not yet reported. */
let sent: number[] = [];
let sentCount = 0;
let missed = 0;
let receivedBefore = 0;
const lag = new LagMonitor();

let ticks = 0;

function tick(): void {
  ticks += 1;
  for (let i = ticks % READ_EVERY_TICKS; i < typists.length; i += READ_EVERY_TICKS) typists[i]!.socket.drain();
  if (interval === Infinity) return;
  const now = wallNow();
  for (const typist of typists) {
    if (typist.next > now || typist.socket.closed) continue;
    if (now - typist.next > MAX_BEHIND_MS) {
      const skipped = Math.floor((now - typist.next) / interval);
      missed += skipped;
      typist.next += skipped * interval;
    }
    // Several due at once (a fast rate, or a late tick) leave in one write.
    const several = typist.next + interval <= now;
    if (several) typist.socket.cork();
    while (typist.next <= now) {
      typist.type();
      sentCount += 1;
      typist.next += interval;
    }
    if (several) typist.socket.uncork();
  }
}

function report(): void {
  if (sent.length === 0) return;
  const pairs = Float64Array.from(sent);
  sent = [];
  port.postMessage({ type: 'sent', pairs } satisfies TypistsMessage, [pairs.buffer]);
}

async function add(count: number, doc: string): Promise<number> {
  const url = framing.url(setup.url, doc);
  let left = count;
  const connectOne = async (): Promise<void> => {
    while (left > 0) {
      left -= 1;
      const socket = await SendOnlySocket.open(url, readBuffer);
      for (const m of framing.hello(doc)) socket.send(m);
      const typist = new Typist(socket, doc);
      // Keystrokes are spread over the interval rather than all falling on one tick.
      typist.next = wallNow() + Math.random() * (interval === Infinity ? 0 : interval);
      typists.push(typist);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, connectOne));
  return typists.length;
}

function setRate(perSecond: number): void {
  interval = perSecond > 0 ? 1000 / perSecond : Infinity;
  const now = wallNow();
  for (const typist of typists) typist.next = now + Math.random() * (interval === Infinity ? 0 : interval);
}

function stats(): TypistsStats {
  const received = typists.reduce((sum, t) => sum + t.socket.bytesReceived, 0);
  const result: TypistsStats = {
    typists: typists.length,
    sent: sentCount,
    missed,
    closed: typists.filter((t) => t.socket.closed).length,
    receivedBytes: received - receivedBefore,
    lagP99Ms: lag.percentileMs(99),
    lagMaxMs: lag.maxMs,
  };
  sentCount = 0;
  missed = 0;
  receivedBefore = received;
  lag.reset();
  return result;
}

async function handle(request: TypistsRequest): Promise<unknown> {
  switch (request.op) {
    case 'add':
      return add(request.count, request.doc ?? setup.doc);
    case 'rate':
      return setRate(request.perSecond);
    case 'stats':
      return stats();
    case 'clock':
      return wallNow();
    case 'close':
      interval = Infinity;
      for (const typist of typists) typist.socket.destroy();
      return typists.length;
  }
}

const ticker = setInterval(tick, TICK_MS);
const reporter = setInterval(report, REPORT_EVERY_MS);
port.on('message', (request: TypistsRequest) => {
  handle(request).then(
    (result) => {
      // Sends made before the request are handed over before its answer.
      report();
      port.postMessage({ type: 'reply', id: request.id, result } satisfies TypistsMessage);
      if (request.op === 'close') {
        clearInterval(ticker);
        clearInterval(reporter);
        lag.disable();
      }
    },
    (err: unknown) => port.postMessage({ type: 'failed', id: request.id, message: String(err) } satisfies TypistsMessage),
  );
});
