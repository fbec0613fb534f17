// Benchmark: how long the built server takes to start (spawned until it logs "listening", an empty data
// directory each time), and how long a CLI command that opens no store takes (`tandem token`, which a
// script may run once per user). Start-up is almost all module loading; each run is a new process.
//   npm run bench:start [-- --runs 10 --out file.json]

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatSpread, spread } from './load/rounds.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, out: { type: 'string' } } });
const RUNS = Number(values.runs);
const OUT = values.out ?? path.join(import.meta.dirname, 'results', 'server-start.json');
const MAIN = path.resolve(import.meta.dirname, '../apps/sync-server/dist/main.js');

/** Milliseconds from spawn until the server logs that it listens; then stops it with SIGTERM. */
async function startOnce(): Promise<number> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-start-'));
  try {
    const started = performance.now();
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const closed = new Promise((resolve) => child.once('close', resolve));
    const ms = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"event":"listening"')) resolve(performance.now() - started);
      });
      void closed.then(() => reject(new Error(`the server exited before listening:\n${out}`)));
    });
    child.kill('SIGTERM');
    await closed;
    return ms;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Milliseconds for `tandem token` to mint a token and exit. */
async function tokenOnce(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN, 'token', '--user', 'bench', '--doc', 'x'], {
    env: { ...process.env, AUTH_SECRET: 'a-secret-of-at-least-thirty-two-bytes!!' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const code = await new Promise((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`tandem token exited with ${code}`);
  return performance.now() - started;
}

const starts: number[] = [];
const tokens: number[] = [];
for (let i = 0; i < RUNS; i++) {
  starts.push(await startOnce());
  tokens.push(await tokenOnce());
}
const result = { at: new Date().toISOString(), runs: RUNS, serverStartMs: spread(starts), tokenMs: spread(tokens) };
await mkdir(path.dirname(OUT), { recursive: true });
await writeFile(OUT, `${JSON.stringify(result, null, 2)}\n`);
console.log(`server start, spawn to listening (${RUNS} runs): median [min–max] ${formatSpread(result.serverStartMs, 0)} ms`);
console.log(`tandem token, spawn to exit (${RUNS} runs):       median [min–max] ${formatSpread(result.tokenMs, 0)} ms`);
console.log(`written to ${OUT}`);
