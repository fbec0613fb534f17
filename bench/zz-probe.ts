import { startSession } from './load/session.ts';
import { PEERS } from './peers/servers.ts';
import { percentile, wallNow } from './load/ledger.ts';
const clients = Number(process.argv[2] ?? 50), seconds = Number(process.argv[3] ?? 8), cps = 5;
const peer = PEERS.find((p) => p.name === (process.argv[4] ?? 'tandem'))!;
const s = await startSession(peer, { scenario: 'probe', doc: 'probe', observers: 3 });
await s.typists.add(clients - 3);
await s.typists.setRate(cps);
await new Promise((r) => setTimeout(r, 1000));
const started = wallNow();
await new Promise((r) => setTimeout(r, seconds * 1000));
const ended = wallNow();
await s.typists.setRate(0);
await s.ledger.settled(started, ended, 1000);
const w = s.ledger.window(started, ended);
console.log('p50', percentile(w.latencies, 0.5).toFixed(2), 'p99', percentile(w.latencies, 0.99).toFixed(2), 'max', w.latencies.at(-1)?.toFixed(1), 'sent', w.sent);
if (peer.name === 'tandem') {
  const text = await (await fetch(`${s.server.url}/metrics`)).text();
  const lines = text.split('\n').filter((l) => l.startsWith('tandem_update_stage_seconds'));
  const by: Record<string, Array<[number, number]>> = {}; const sums: Record<string, number> = {}; const counts: Record<string, number> = {};
  for (const l of lines) {
    let m = /_bucket\{le="([^"]+)",stage="(\w+)"\} (\d+)/.exec(l) ?? /_bucket\{stage="(\w+)",le="([^"]+)"\} (\d+)/.exec(l);
    if (m) { const [le, st] = l.includes('{le=') ? [m[1], m[2]] : [m[2], m[1]]; (by[st] ??= []).push([le === '+Inf' ? Infinity : Number(le), Number(m[3])]); continue; }
    m = /_sum\{stage="(\w+)"\} (\S+)/.exec(l); if (m) sums[m[1]] = Number(m[2]);
    m = /_count\{stage="(\w+)"\} (\S+)/.exec(l); if (m) counts[m[1]] = Number(m[2]);
  }
  for (const [st, b] of Object.entries(by)) {
    const n = counts[st]; const q = (p: number) => b.find(([, c]) => c >= p * n)?.[0];
    console.log(st.padEnd(10), 'n', n, 'mean ms', ((sums[st] / n) * 1000).toFixed(3), 'p50<=', (q(0.5)! * 1000), 'p99<=', (q(0.99)! * 1000));
  }
}
await s.stop(); await s.dispose(); process.exit(0);
