// Runs the built sync server (apps/sync-server/dist/main.js) as a child process on a free port, so
// tests can stop it with real signals, SIGKILL included.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testStoreEnv } from '@tandem/persistence/testing/postgres';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/sync-server/dist/main.js');

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr. */
  readonly output: () => string;
  /** Sends `signal` and resolves with the exit code (or the signal that ended it). */
  stop(signal: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

export async function startServerProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...testStoreEnv(dataDir), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // 'close', not 'exit': it comes once stdout and stderr are read to their end, so output() then holds
  // everything the process wrote ('exit' can come before the last chunks are read).
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"event":"listening","url":"([^"]+)"/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    child,
    output: () => output,
    stop: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs the built server with `env` until it exits by itself (it is killed after `timeoutMs`); resolves with its exit code and output. */
export async function runServerProcessToExit(
  dataDir: string,
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | NodeJS.Signals; stdout: string; stderr: string; ms: number }> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | NodeJS.Signals>((resolve) => child.once('close', (c, signal) => resolve(c ?? signal ?? -1)));
  clearTimeout(timer);
  return { code, stdout, stderr, ms: performance.now() - started };
}
