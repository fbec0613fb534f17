// Benchmark: grouping a long log into time sessions (SessionGrouper, in process, no store) must stay
// linear in the updates, netting included: two typists alternating every update, every tenth a
// deletion near the end, 200 ms apart — one session holding every update, the most netting spans.
// Printed beside the time to merely decode the same updates (the floor any grouping pays).
//   npx tsx bench/timeline-grouping.ts [-- --sizes 50000,100000,200000]

import { parseArgs } from 'node:util';
import { groupSessions } from '@tandem/persistence';
import * as Y from 'yjs';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '50000,100000,200000' } } });
function log(n: number) {
  // Two clients, not synced with each other (syncing is what costs here, not what is measured).
  const docs = [new Y.Doc(), new Y.Doc()];
  const out: Array<{ seq: number; update: Uint8Array; author: string; receivedAt: number }> = [];
  for (let i = 0; i < n; i++) {
    const w = i % 2; const d = docs[w]!; const t = d.getText('t');
    let u: Uint8Array | undefined; d.once('update', (x: Uint8Array) => (u = x));
    // Typing at the end, every 40th character a little way back, every tenth update deleting one of the
    // last 50 characters: each deletion splits a run of this session's text.
    if (i % 10 === 9 && t.length > 50) t.delete(t.length - 1 - (i % 50), 1);
    else t.insert(i % 40 === 0 ? Math.max(0, t.length - 20) : t.length, 'x');
    out.push({ seq: i + 1, update: u!, author: w ? 'bo' : 'ana', receivedAt: 1e12 + i * 200 });
  }
  return out;
}
let first: number | undefined;
for (const n of values.sizes.split(",").map(Number)) {
  const g0 = performance.now();
  const updates = log(n);
  console.log(`${n}: log written in ${(performance.now() - g0).toFixed(0)} ms`);
  const times: number[] = [];
  for (let r = 0; r < 3; r++) { const t0 = performance.now(); groupSessions(updates, 60_000); times.push(performance.now() - t0); }
  times.sort((a, b) => a - b);
  const d0 = performance.now();
  for (const u of updates) Y.decodeUpdate(u.update);
  const decodeMs = performance.now() - d0;
  const s = groupSessions(updates, 60_000);
  first ??= times[1]! / n;
  console.log(`${n} updates: median ${times[1]!.toFixed(0)} ms, ${((times[1]! / n) * 1000).toFixed(2)} µs/update (×${(times[1]! / n / first).toFixed(2)} the first size per update; decoding alone ${decodeMs.toFixed(0)} ms), sessions ${s.length}, authors ${s[0]!.authors.map(a => a.id + ':' + a.added + '/' + a.removed).join(' ')}`);
}
