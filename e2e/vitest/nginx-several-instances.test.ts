// deploy/nginx.several-instances.conf for real: its map, upstream and server blocks, with the compose
// service names swapped for two local server processes (one PostgreSQL log, the machine's Redis between
// them) and port 80 for a free one, run by Debian's nginx (installed with apt-get when missing, as the
// browser tests install Chromium). Round robin without sticky sessions must spread the stock clients of
// one document over both instances, and they must all converge through it.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../../apps/sync-server/src/testing/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const MACHINE_REDIS = process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function ensureNginx(): void {
  if (existsSync(NGINX)) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args: string[]) => spawnSync(sudo[0] ?? args[0]!, sudo.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'nginx']);
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing and apt-get could not install nginx`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

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
  let nginx: ChildProcess | undefined;
  let nginxLog = '';
  let front = '';

  beforeAll(async () => {
    ensureNginx();
    for (let i = 0; i < 2; i++) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-ngx-'));
      dirs.push(dataDir);
      servers.push(
        await startServerProcess(dataDir, { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: MACHINE_REDIS, FANOUT_HEAD_CHECK_MS: '1000' }),
      );
    }
    const prefix = mkdtempSync(path.join(tmpdir(), 'tandem-nginx-'));
    dirs.push(prefix);
    chmodSync(prefix, 0o777); // nginx's workers run as nobody when started by root
    for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(prefix, d), { mode: 0o777 });
    const port = await freePort();
    const deploy = readFileSync(path.join(ROOT, 'deploy/nginx.several-instances.conf'), 'utf8');
    const backends = servers.map((s) => new URL(s.url).host);
    writeFileSync(
      path.join(prefix, 'nginx.conf'),
      [
        'daemon off;',
        'worker_processes 1;',
        `pid ${prefix}/nginx.pid;`,
        `error_log ${prefix}/error.log warn;`,
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        ...['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((d) => `  ${d === 'body' ? 'client_body' : d}_temp_path ${prefix}/${d};`),
        adaptDeployConfig(deploy, backends, port),
        '}',
      ].join('\n'),
    );
    const check = spawnSync(NGINX, ['-t', '-p', prefix, '-c', path.join(prefix, 'nginx.conf')], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`nginx -t refused the adapted deploy config:\n${check.stderr}`);
    nginx = spawn(NGINX, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stderr!.on('data', (c: Buffer) => (nginxLog += c.toString()));
    front = `http://127.0.0.1:${port}`;
    for (let waited = 0; (await fetch(`${front}/nginx-health`).catch(() => undefined))?.status !== 200; waited += 50) {
      if (waited > 10_000 || nginx.exitCode !== null) throw new Error(`nginx did not come up:\n${nginxLog}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60_000);

  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy();
    if (nginx !== undefined && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx!.once('exit', r));
      nginx.kill('SIGQUIT');
      await exited;
    }
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
    expect(perInstance.every((n) => n >= 1), `connections per instance: ${perInstance.join(', ')}\n${nginxLog}`).toBe(true);

    clients.forEach((c, i) => c.text.insert(c.text.length, `[${i}]`));
    await expect
      .poll(() => new Set(clients.map((c) => c.text.toString())).size === 1 && clients[0]!.text.length === 12, { timeout: 10_000 })
      .toBe(true);
    for (let i = 0; i < 4; i++) expect(clients[0]!.text.toString()).toContain(`[${i}]`);
  }, 60_000);
});
