// The servers the benchmarks compare, each started fresh as a child process with its own data
// directory and on-disk persistence, and the framing each one speaks.

import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../../apps/sync-server/dist/node-flags.js';
import { FRAMINGS, type Framing, type PeerName } from './framing.js';

export type { Framing, PeerName } from './framing.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export interface Peer {
  readonly name: PeerName;
  readonly framing: Framing;
  start(dataDir: string): Promise<RunningPeer>;
}

export interface RunningPeer {
  readonly url: string;
  readonly pid: number;
  /** False once the process has exited (crashed, or stopped). */
  readonly alive: boolean;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

// Servers still running when the benchmark exits (it crashed, or was interrupted) are killed with it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function launch(args: string[], env: Record<string, string>, ready: RegExp, url: string): Promise<RunningPeer> {
  const child: ChildProcess = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}):\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    pid: child.pid!,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Tandem runs with the flags it ships with (../../apps/sync-server/src/node-flags.ts); TANDEM_NODE_FLAGS replaces them, to measure their cost. */
const tandemNodeFlags = (): string[] =>
  process.env.TANDEM_NODE_FLAGS === undefined ? [...NODE_FLAGS] : process.env.TANDEM_NODE_FLAGS.split(' ').filter((f) => f !== '');

export const PEERS: Peer[] = [
  {
    name: 'tandem',
    framing: FRAMINGS.tandem,
    async start(dataDir) {
      const port = await freePort();
      const main = path.resolve(here, '../../apps/sync-server/dist/main.js');
      return launch([...tandemNodeFlags(), main], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', MAX_CONNECTIONS_PER_IP: '1000000', MAX_CONNECTIONS_PER_DOC: '1000000', RATE_LIMIT_MESSAGES: '1000000', RATE_LIMIT_BYTES: '1073741824', ...(process.env.TANDEM_SQLITE_SYNC ? { SQLITE_SYNC: process.env.TANDEM_SQLITE_SYNC } : {}) }, /"event":"listening"/, `http://127.0.0.1:${port}`);
    },
  },
  {
    name: 'y-websocket-server',
    framing: FRAMINGS['y-websocket-server'],
    async start(dataDir) {
      const port = await freePort();
      const main = path.join(path.dirname(require.resolve('@y/websocket-server/package.json')), 'src/server.js');
      return launch([main], { PORT: String(port), HOST: '127.0.0.1', YPERSISTENCE: dataDir }, /running at/, `http://127.0.0.1:${port}`);
    },
  },
  {
    name: 'hocuspocus',
    framing: FRAMINGS.hocuspocus,
    async start(dataDir) {
      const port = await freePort();
      return launch([path.join(here, 'hocuspocus.mjs')], { PORT: String(port), DB: path.join(dataDir, 'hocuspocus.sqlite') }, /"event":"listening"/, `http://127.0.0.1:${port}`);
    },
  },
];
