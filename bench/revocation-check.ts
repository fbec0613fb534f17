// Benchmark: what withdrawing access costs an authentication. Every request and upgrade with a token
// verifies it (HS256, jose) and then looks it up in the in-memory revocation list (no store query);
// this measures both, with an empty list and with a large one, and the sweep over
// the live connections each time a revocation is learned (one lookup per connection).
//   npm run bench:revocations [-- --revocations 100000 --connections 10000 --out FILE]

import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { RevocationList } from '../apps/sync-server/src/auth/revocation-list.js';
import { mintToken, type Principal, verifyToken } from '../apps/sync-server/src/auth/token.js';

const { values } = parseArgs({
  options: { revocations: { type: 'string', default: '100000' }, connections: { type: 'string', default: '10000' }, out: { type: 'string' } },
});
const REVOCATIONS = Number(values.revocations);
const CONNECTIONS = Number(values.connections);
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';

/** ns per call of `fn`, the median of 5 rounds of `n` calls. */
function nsPerCall(n: number, fn: (i: number) => unknown): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    rounds.push(Number(process.hrtime.bigint() - start) / n);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

async function verifyNs(token: string, n: number): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await verifyToken(SECRET, token);
    rounds.push(Number(process.hrtime.bigint() - start) / n);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

const token = await mintToken(SECRET, { userId: 'alice', docs: ['team/*'], role: 'editor', ttl: '1h' });
const principal: Principal = await verifyToken(SECRET, token);
const empty = new RevocationList();
const full = new RevocationList();
const now = Date.now();
full.add(Array.from({ length: REVOCATIONS }, (_, i) => ({ kind: i % 2 ? 'user' : 'token', value: `v${i}`, until: null, createdAt: now, reason: '' }) as const));

const verify = await verifyNs(token, 5_000);
const checkEmpty = nsPerCall(1_000_000, () => empty.covering(principal, now));
const checkFull = nsPerCall(1_000_000, () => full.covering(principal, now));
const principals = Array.from({ length: CONNECTIONS }, (_, i): Principal => ({ ...principal, userId: `u${i}`, tokenId: `t${i}`, issuedAt: now - 1 }));
const sweepNs = nsPerCall(20, () => {
  for (const p of principals) full.covering(p, now);
});

const result = {
  revocations: REVOCATIONS,
  connections: CONNECTIONS,
  verifyTokenUs: +(verify / 1000).toFixed(2),
  revocationCheckNsEmptyList: +checkEmpty.toFixed(1),
  revocationCheckNsFullList: +checkFull.toFixed(1),
  checkShareOfAuthentication: +(checkFull / (verify + checkFull)).toFixed(4),
  sweepMsPerRevocationLearned: +(sweepNs / 1e6).toFixed(3),
};
console.log(
  `token verification ${result.verifyTokenUs} µs; revocation check ${result.revocationCheckNsEmptyList} ns (empty list), ` +
    `${result.revocationCheckNsFullList} ns (${REVOCATIONS} revocations) = ${(result.checkShareOfAuthentication * 100).toFixed(2)}% of an authentication; ` +
    `sweep of ${CONNECTIONS} connections per revocation learned ${result.sweepMsPerRevocationLearned} ms`,
);
if (values.out !== undefined) await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
