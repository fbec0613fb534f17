// A redis-server of the benchmark's own, on a free port, with nothing kept on disk: the setups that
// fan out through Redis use it, so its CPU is theirs alone (the machine's Redis serves others too).

import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../apps/sync-server/src/testing/free-port.js';

export interface BenchRedis {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts redis-server (REDIS_SERVER_BIN, else `redis-server` on the PATH) and resolves once it accepts connections. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const child: ChildProcess = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready to accept connections/.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (err) => reject(new Error(`${bin} on port ${port} failed to start: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`${bin} on port ${port} exited (${code}):\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
