// Benchmark: idle connections. 2000 connections over 500 documents, each synced and then silent;
// server memory (RSS, from /proc) per connection, for Tandem and the peers in one run. Two figures:
// the average growth over all connections (which includes one-off costs: loading the 500 documents,
// the JavaScript heap's young generation growing once), and the marginal cost, from the RSS at half the
// connections to the RSS at all of them (every document is loaded by then: only connections are added).
//   npm run bench:idle [-- --connections 2000 --docs 500 --servers tandem,hocuspocus]

import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { PEERS, type Peer, selectServers } from './peers/servers.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '2000' },
    docs: { type: 'string', default: '500' },
    servers: { type: 'string', default: PEERS.map((p) => p.name).join(',') },
    out: { type: 'string' },
  },
});
const CONNECTIONS = Number(values.connections);
const DOCS = Number(values.docs);

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sync step 1 with an empty state vector: "send me the document". */
function step1(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint8Array(e, new Uint8Array([0]));
  return encoding.toUint8Array(e);
}

async function measure(peer: Peer) {
  const dataDir = await mkdtemp(path.join(tmpdir(), `bench-idle-${peer.name}-`));
  const server = await peer.start(dataDir);
  await sleep(1000);
  const before = rssMiB(server.pid);
  const sockets: WebSocket[] = [];
  let answered = 0;
  let half = NaN;
  const settled = async (count: number) => {
    for (let waited = 0; answered < count && waited < 20_000; waited += 100) await sleep(100);
    await sleep(2000); // let the server settle
  };
  for (let i = 0; i < CONNECTIONS; i++) {
    if (i === CONNECTIONS / 2) {
      await settled(i);
      half = rssMiB(server.pid);
    }
    const doc = `idle-${i % DOCS}`;
    const ws = new WebSocket(peer.framing.url(server.url, doc));
    sockets.push(ws);
    ws.once('message', () => (answered += 1));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => {
        for (const m of peer.framing.hello(doc)) ws.send(m);
        ws.send(peer.framing.wrap(doc, step1()));
        resolve();
      });
      ws.once('error', reject);
    });
  }
  await settled(CONNECTIONS);
  const after = rssMiB(server.pid);
  for (const ws of sockets) ws.terminate();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
  return {
    server: peer.name,
    connections: CONNECTIONS,
    answered,
    rssBeforeMiB: before,
    rssHalfMiB: half,
    rssAfterMiB: after,
    kibPerConnection: ((after - before) * 1024) / CONNECTIONS,
    marginalKibPerConnection: ((after - half) * 1024) / (CONNECTIONS - CONNECTIONS / 2),
  };
}

const results = [];
for (const peer of selectServers(values.servers)) results.push(await measure(peer));
const others = results.filter((r) => !r.server.startsWith('tandem'));
const best = Math.min(...others.map((r) => r.kibPerConnection));
const bestMarginal = Math.min(...others.map((r) => r.marginalKibPerConnection));
console.log(`idle: ${CONNECTIONS} connections over ${DOCS} documents; server RSS growth per connection (average; marginal, over the second half)`);
for (const r of results) {
  const tandem = r.server.startsWith('tandem') && others.length > 0;
  const ratio = tandem ? ` (${(r.kibPerConnection / best).toFixed(2)}×)` : '';
  const marginalRatio = tandem ? ` (${(r.marginalKibPerConnection / bestMarginal).toFixed(2)}×)` : '';
  console.log(
    `${r.server.padEnd(20)} ${r.kibPerConnection.toFixed(1).padStart(8)} KiB/conn${ratio}   marginal ${r.marginalKibPerConnection.toFixed(1)} KiB/conn${marginalRatio}   rss ${r.rssBeforeMiB.toFixed(0)} → ${r.rssHalfMiB.toFixed(0)} → ${r.rssAfterMiB.toFixed(0)} MiB   answered ${r.answered}`,
  );
}
const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'idle.json');
await writeFile(file, JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n');
console.log(`results: ${path.relative(process.cwd(), file)}`);
