// Test helper: the real server in this process on port 0 with a temporary data directory, and a
// log stream the test can read.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { testStoreEnv } from '@tandem/persistence/testing/postgres';
import { type Config, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { type RunningServer, type StartOptions, startServer } from '../server.js';

export interface TestServer extends RunningServer {
  readonly config: Config;
  /** Every log record written so far, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  /** Stops the server (gracefully) and removes its data directory. */
  destroy(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}, dataDir?: string, options: StartOptions = {}): Promise<TestServer> {
  const dir = dataDir ?? (await mkdtemp(path.join(tmpdir(), 'tandem-test-')));
  // On the PostgreSQL test project, the store is a schema named after the data directory (see testStoreEnv).
  const config = loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'debug', DOC_UNLOAD_DELAY_MS: '100', ...testStoreEnv(dir), ...env });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line));
      done();
    },
  });
  const server = await startServer(config, createLogger(config.logLevel, sink), options);
  return {
    ...server,
    config,
    logs,
    destroy: async () => {
      await server.close();
      if (dataDir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The sum of a `tandem_<name>` metric over all its labels, or over the series carrying every label in
 * `labels`, as the server's /metrics shows it now.
 */
export async function metricTotal(server: { readonly url: string }, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const m of text.matchAll(new RegExp(`^tandem_${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))) {
    const have = (m[1] ?? '').split(',');
    if (wanted.every((w) => have.includes(w))) total += Number(m[2]);
  }
  return total;
}
