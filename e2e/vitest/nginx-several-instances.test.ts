// deploy/nginx.several-instances.conf for real: its map, upstream and server blocks, with the compose
// service names swapped for two local server processes (one PostgreSQL log, the machine's Redis between
// them) and port 80 for a free one, run by Debian's nginx (installed with apt-get when missing, as the
// browser tests install Chromium). Round robin without sticky sessions must spread the stock clients of
// one document over both instances, and they must all converge through it.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../../apps/sync-server/src/testing/clients.js';
import { type RunningNginx, startNginx } from '../support/nginx.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MACHINE_REDIS = process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The deploy config with the upstream pointed at `backends` and the server listening on `port`. */
function adaptDeployConfig(conf: string, backends: string[], port: number): string {
  let index = 0;
  const adapted = conf
    .replace(/^(\s*)server tandem-\d+:1234([^;]*);\n/gm, (_line, indent: string, params: string) =>
      index < backends.length ? `${indent}server ${backends[index++]}${params};\n` : '',
    )
    .replace(/^(\s*)listen 80;/m, `$1listen 127.0.0.1:${port};`);
  if (index !== backends.length) throw new Error(`the deploy config has ${index} upstream servers, ${backends.length} wanted`);
  return adapted;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = new RegExp(`^tandem_${name} (\\S+)$`, 'm').exec(text);
  return match === null ? Number.NaN : Number(match[1]);
}

describe('nginx with the deploy config in front of two instances', () => {
  const db = testSchema('ngx');
  const servers: ServerProcess[] = [];
  const clients: TestClient[] = [];
  const dirs: string[] = [];
  let nginx: RunningNginx | undefined;
  let front = '';

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-ngx-'));
      dirs.push(dataDir);
      servers.push(
        await startServerProcess(dataDir, { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: MACHINE_REDIS, FANOUT_HEAD_CHECK_MS: '1000' }),
      );
    }
    const deploy = readFileSync(path.join(ROOT, 'deploy/nginx.several-instances.conf'), 'utf8');
    const backends = servers.map((s) => new URL(s.url).host);
    nginx = await startNginx((port) => adaptDeployConfig(deploy, backends, port), '/nginx-health');
    front = nginx.url;
  }, 60_000);

  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await nginx?.stop();
    await Promise.all(servers.map((s) => (s.child.exitCode === null ? s.stop('SIGTERM') : undefined)));
    await db.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 30_000);

  it('answers /readyz through nginx, and spreads one document\'s clients over both instances that converge', async () => {
    for (let i = 0; i < 4; i++) expect((await fetch(`${front}/readyz`)).status).toBe(200);

    const doc = `ngx-${Date.now()}`;
    for (let i = 0; i < 4; i++) {
      const c = connectClient(front, doc);
      clients.push(c);
      await c.synced();
    }
    // Round robin, no stickiness: both instances hold some of the sockets.
    const perInstance = await Promise.all(servers.map((s) => metric(s.url, 'connections')));
    expect(perInstance.every((n) => n >= 1), `connections per instance: ${perInstance.join(', ')}\n${nginx?.log()}`).toBe(true);

    clients.forEach((c, i) => c.text.insert(c.text.length, `[${i}]`));
    await expect
      .poll(() => new Set(clients.map((c) => c.text.toString())).size === 1 && clients[0]!.text.length === 12, { timeout: 10_000 })
      .toBe(true);
    for (let i = 0; i < 4; i++) expect(clients[0]!.text.toString()).toContain(`[${i}]`);
  }, 60_000);
});
