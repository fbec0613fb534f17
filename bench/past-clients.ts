// Benchmark: what one keystroke costs as a document's past client ids pile up. Yjs makes each transaction
// cost time in the number of client ids the document ever held (yjs/yjs#415), and every page load of an
// editor used to add one: a document a team opens daily reaches thousands. For each count, each server:
// a document holding that many clients' writing (one character each, stored as one update), then one
// typist sends keystrokes one at a time (each waits for its delivery) to an observer on another socket.
// Both are bare sockets that apply nothing (the typist's updates are made beforehand), so the figures are
// the server's alone: the server's CPU per keystroke (from /proc) and the keystroke's delivery time.
// Also printed: an empty Yjs transaction on such a document, what every page pays per key and per change.
// Rounds interleave the servers; each figure is the median of the rounds with min and max.
//   npm run bench:past-clients [-- --counts 10,1000,5000 --rounds 3 --keys 200 --servers tandem,y-websocket-server,hocuspocus --out FILE]

import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { type Framing, selectServers } from './peers/servers.js';
import { formatSpread, roundOrder, spread, type Spread } from './load/rounds.js';

const { values } = parseArgs({
  options: {
    counts: { type: 'string', default: '10,1000,5000' },
    rounds: { type: 'string', default: '3' },
    keys: { type: 'string', default: '200' },
    servers: { type: 'string', default: 'tandem,y-websocket-server,hocuspocus' },
    out: { type: 'string' },
  },
});
const COUNTS = values.counts.split(',').map(Number);
const ROUNDS = Number(values.rounds);
const KEYS = Number(values.keys);
const SERVERS = selectServers(values.servers);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time (user + system) of process `pid` so far, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A document of one paragraph whose text `count` clients wrote a character each; and `keys` keystrokes of another client into it. */
function makeDocument(count: number, keys: number): { state: Uint8Array; keystrokes: Uint8Array[]; emptyTransactionUs: number } {
  const base = new Y.Doc();
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText('x')]);
  base.getXmlFragment('prosemirror').insert(0, [paragraph]);
  const baseState = Y.encodeStateAsUpdate(base);
  const baseVector = Y.encodeStateVector(base);
  const parts = [baseState];
  for (let i = 0; i < count; i++) {
    const d = new Y.Doc();
    Y.applyUpdate(d, baseState);
    ((d.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'y');
    parts.push(Y.encodeStateAsUpdate(d, baseVector));
  }
  const state = Y.mergeUpdates(parts);
  const typist = new Y.Doc();
  Y.applyUpdate(typist, state);
  const keystrokes: Uint8Array[] = [];
  typist.on('update', (update: Uint8Array) => keystrokes.push(update));
  const text = (typist.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(0) as Y.XmlText;
  for (let i = 0; i < keys; i++) text.insert(i % 7, 'a');
  const started = performance.now();
  for (let i = 0; i < 200; i++) typist.transact(() => {});
  return { state, keystrokes, emptyTransactionUs: ((performance.now() - started) / 200) * 1000 };
}

const syncMessage = (write: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  write(e);
  return encoding.toUint8Array(e);
};

/** A bare socket on a document, speaking `framing`. */
interface Socket {
  send(message: Uint8Array): void;
  close(): void;
}

/** Opens a bare socket on `doc`: sends sync step 1 (with an empty state) and resolves once the server's step 2 is in. */
async function open(framing: Framing, url: string, doc: string, onUpdate: () => void = () => {}): Promise<Socket> {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let synced: () => void = () => {};
  const ready = new Promise<void>((resolve) => (synced = resolve));
  const send = (message: Uint8Array) => ws.send(framing.wrap(doc, message));
  ws.on('message', (data: ArrayBuffer) => {
    const message = framing.unwrap(new Uint8Array(data));
    if (message === undefined) return;
    const d = decoding.createDecoder(message);
    if (decoding.readVarUint(d) !== 0) return;
    const kind = decoding.readVarUint(d);
    if (kind === syncProtocol.messageYjsSyncStep2) synced();
    else if (kind === syncProtocol.messageYjsUpdate) onUpdate();
    else if (kind === syncProtocol.messageYjsSyncStep1) {
      // Answer the server's step 1 with nothing (this socket holds nothing), as a client must.
      send(syncMessage((e) => (encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2), encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(new Y.Doc())))));
    }
  });
  for (const hello of framing.hello(doc)) ws.send(hello);
  send(syncMessage((e) => (encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1), encoding.writeVarUint8Array(e, new Uint8Array([0])))));
  await ready;
  return { send, close: () => ws.close() };
}

interface Result {
  server: string;
  count: number;
  round: number;
  cpuUsPerKey: number;
  p50Ms: number;
  p99Ms: number;
}

async function measure(peer: (typeof SERVERS)[number], count: number, round: number, made: ReturnType<typeof makeDocument>): Promise<Result> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `bench-past-clients-${peer.name}-`));
  const server = await peer.start(dataDir);
  try {
    const doc = `past-${count}-${round}`;
    const url = peer.framing.url(server.url, doc);
    const seeder = await open(peer.framing, url, doc);
    seeder.send(syncMessage((e) => (encoding.writeVarUint(e, syncProtocol.messageYjsUpdate), encoding.writeVarUint8Array(e, made.state))));
    await sleep(1_000); // stored and applied (the server acknowledges nothing a stock client would read)
    seeder.close();
    let arrived: () => void = () => {};
    const observer = await open(peer.framing, url, doc, () => arrived());
    const typist = await open(peer.framing, url, doc);
    await sleep(300);
    const times: number[] = [];
    const before = cpuMs(server.pid);
    for (const keystroke of made.keystrokes) {
      const delivered = new Promise<void>((resolve, reject) => {
        const late = setTimeout(() => reject(new Error(`${peer.name}: a keystroke was not delivered within 10 s (${count} past clients)`)), 10_000);
        arrived = () => {
          clearTimeout(late);
          resolve();
        };
      });
      const sent = performance.now();
      typist.send(syncMessage((e) => (encoding.writeVarUint(e, syncProtocol.messageYjsUpdate), encoding.writeVarUint8Array(e, keystroke))));
      await delivered;
      times.push(performance.now() - sent);
    }
    const cpu = cpuMs(server.pid) - before;
    observer.close();
    typist.close();
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    return { server: peer.name, count, round, cpuUsPerKey: (cpu * 1000) / times.length, p50Ms: at(0.5), p99Ms: at(0.99) };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const results: Result[] = [];
const transactions: Record<number, number> = {};
for (const count of COUNTS) {
  const made = makeDocument(count, KEYS);
  transactions[count] = made.emptyTransactionUs;
  for (let round = 0; round < ROUNDS; round++) {
    for (const peer of roundOrder(SERVERS, round)) {
      const result = await measure(peer, count, round, made);
      results.push(result);
      console.log(`${count} clients, round ${round + 1}, ${peer.name}: ${result.cpuUsPerKey.toFixed(0)} µs CPU per key, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`);
    }
  }
}

const of = (server: string, count: number, pick: (r: Result) => number): Spread => spread(results.filter((r) => r.server === server && r.count === count).map(pick));
console.log(`\n${KEYS} keystrokes, ${ROUNDS} rounds; median [min–max]`);
console.log('| past client ids | empty Yjs transaction | ' + SERVERS.map((p) => `${p.name} CPU µs per key | ${p.name} p50 ms | ${p.name} p99 ms`).join(' | ') + ' |');
for (const count of COUNTS) {
  const cells = SERVERS.flatMap((p) => [formatSpread(of(p.name, count, (r) => r.cpuUsPerKey), 0), formatSpread(of(p.name, count, (r) => r.p50Ms), 2), formatSpread(of(p.name, count, (r) => r.p99Ms), 2)]);
  console.log(`| ${count} | ${transactions[count]!.toFixed(0)} µs | ${cells.join(' | ')} |`);
}
if (values.out !== undefined) writeFileSync(values.out, JSON.stringify({ keys: KEYS, rounds: ROUNDS, emptyTransactionUs: transactions, results }, null, 2));
process.exit(0);
