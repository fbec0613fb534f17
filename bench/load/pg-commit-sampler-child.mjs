// The PostgreSQL commit sampler's process (see ./pg-commit-sampler.ts): on a connection of its own to
// DATABASE_URL, it creates SCHEMA and a scratch table in it, then every INTERVAL_MS inserts one row of
// ~300 bytes (one autocommitted statement: the INSERT and its COMMIT, which waits for the WAL flush),
// and prints one line per commit: "<start, ms since the epoch> <latency ms>". A process of its own, so
// a sample never waits on the harness's event loop. Plain JavaScript, so it runs under bare node.
import pg from 'pg';

const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 20);
const SCHEMA = process.env.SCHEMA;
const PAYLOAD = 'x'.repeat(300);
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(SCHEMA ?? '')) throw new RangeError(`SCHEMA ${JSON.stringify(SCHEMA)} is not a plain lower-case identifier`);

const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
try {
  await client.connect();
} catch (error) {
  const where = (process.env.DATABASE_URL ?? '').replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  console.error(`PostgreSQL commit sampler: cannot connect to ${where} (TANDEM_BENCH_DATABASE_URL): ${error.message}`);
  process.exit(2);
}
await client.query(`CREATE SCHEMA IF NOT EXISTS "${SCHEMA}"`);
await client.query(`CREATE TABLE IF NOT EXISTS "${SCHEMA}".commit_samples (id bigserial PRIMARY KEY, payload text NOT NULL)`);
// Prepared once, so a sample is one round trip of a known plan.
const insert = { name: 'sample', text: `INSERT INTO "${SCHEMA}".commit_samples (payload) VALUES ($1)`, values: [PAYLOAD] };
await client.query(insert);

const wallNow = () => performance.timeOrigin + performance.now();
let lines = '';
let running = true;

const report = setInterval(() => {
  if (lines === '') return;
  process.stdout.write(lines);
  lines = '';
}, 200);

process.on('SIGTERM', () => {
  running = false;
});
console.log('ready');

// One commit at a time: a slow one delays the next, as a slow fdatasync delays the disk sampler's.
while (running) {
  const start = wallNow();
  const t0 = performance.now();
  await client.query(insert);
  const latency = performance.now() - t0;
  lines += `${start.toFixed(3)} ${latency.toFixed(4)}\n`;
  const wait = INTERVAL_MS - (performance.now() - t0);
  if (wait > 0 && running) await new Promise((r) => setTimeout(r, wait));
}
clearInterval(report);
await client.end();
process.stdout.write(lines, () => process.exit(0));
