import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_DATABASE_URL, testSchema, type TestSchema } from '@tandem/persistence/testing/postgres';
import { startTcpProxy, type TcpProxy } from '@tandem/persistence/testing/tcp-proxy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectClient } from '../../apps/sync-server/src/testing/clients.js';
import { freePort } from '../../apps/sync-server/src/testing/free-port.js';
import { runServerProcessToExit, type ServerProcess, startServerProcess } from '../support/server-process.js';

const PASSWORD = 'pw-that-must-not-leak';


const database = (port: number, schema = 'public') => {
  const url = new URL(TEST_DATABASE_URL);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  url.password = PASSWORD;
  return { DATABASE_URL: url.toString(), DATABASE_SCHEMA: schema };
};

describe('the server process and a PostgreSQL database that is not there', () => {
  let dataDir: string;
  let proxy: TcpProxy;
  let schema: TestSchema;
  let server: ServerProcess | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-pg-outage-'));
    const db = new URL(TEST_DATABASE_URL);
    proxy = await startTcpProxy({ host: db.hostname, port: Number(db.port || 5432) });
    schema = testSchema('outage_proc');
  });

  afterEach(async () => {
    if (server?.child.exitCode === null) await server.stop('SIGKILL');
    server = undefined;
    await proxy.close();
    await schema.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exits 2 at start-up naming DATABASE_URL, without its password, when nothing listens', async () => {
    const run = await runServerProcessToExit(dataDir, database(await freePort()));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL');
    expect(run.stderr + run.stdout).not.toContain(PASSWORD);
  });

  it('exits 2 at start-up when the database hangs, after DATABASE_QUERY_TIMEOUT_MS', async () => {
    proxy.silence();
    const run = await runServerProcessToExit(dataDir, { ...database(proxy.port, schema.schema), DATABASE_QUERY_TIMEOUT_MS: '1000' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL');
    expect(run.stderr + run.stdout).not.toContain(PASSWORD);
    expect(run.ms).toBeLessThan(10_000);
  });

  it('keeps running while the database is cut and then silent, and is ready again each time it returns', async () => {
    server = await startServerProcess(dataDir, { ...database(proxy.port, schema.schema), DATABASE_QUERY_TIMEOUT_MS: '1000' });
    const status = async () => (await fetch(`${server!.url}/readyz`)).status;
    const c = connectClient(server.url, 'doc');
    await c.synced();
    for (const lose of [() => proxy.cut(), () => proxy.silence()]) {
      lose();
      c.text.insert(c.text.length, 'x');
      await expect.poll(status, { timeout: 10_000 }).toBe(503);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      proxy.restore();
      await expect.poll(status, { timeout: 10_000 }).toBe(200);
      await expect.poll(() => c.provider.synced, { timeout: 10_000 }).toBe(true);
    }
    c.destroy();
    expect(server.child.exitCode).toBe(null);
    // The server writes each line before it answers /readyz, but this process may read its pipe after the answer.
    const count = (event: string) => server!.output().split(`"event":"${event}"`).length - 1;
    await expect.poll(() => count('database-recovered')).toBe(2);
    expect(count('database-unavailable')).toBe(2);
    const output = server.output();
    expect(output).not.toContain(PASSWORD);
    expect(await server.stop('SIGTERM')).toBe(0);
  });
});
