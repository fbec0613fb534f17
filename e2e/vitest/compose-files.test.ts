// The compose files in deploy/ as Docker Compose reads them. There is no Docker engine here, so they are
// checked with `docker compose config` (Compose v2, the docker CLI plugin) or, where only Debian's
// `docker-compose` (v1) is installed, `docker-compose config`: both parse, interpolate and validate the
// file against the Compose schema without a daemon. The resolved services are then checked for what a
// deployment of several instances relies on.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEPLOY = path.join(ROOT, 'deploy');

/** The compose command that works here, or why there is none. */
function findCompose(): { argv: string[] } | { missing: string } {
  const ok = (argv: string[]) => spawnSync(argv[0]!, [...argv.slice(1), 'version'], { encoding: 'utf8' }).status === 0;
  if (spawnSync('docker', ['--version']).error !== undefined) return { missing: 'the docker binary is not installed' };
  // Installs Debian's docker-compose when the docker CLI has no compose plugin (as the browser tests install Chromium).
  spawnSync(process.execPath, [path.join(ROOT, 'e2e/scripts/ensure-compose.mjs')], { stdio: 'inherit', timeout: 300_000 });
  if (ok(['docker', 'compose'])) return { argv: ['docker', 'compose'] };
  if (ok(['docker-compose'])) return { argv: ['docker-compose'] };
  return { missing: 'neither `docker compose` (the Compose plugin) nor `docker-compose` is installed (apt-get install docker-compose)' };
}

const compose = findCompose();
if ('missing' in compose) console.warn(`compose-files.test.ts skipped: ${compose.missing}`);

/** `<compose> -f <file> config` with `env`; the status and the resolved file. */
function config(file: string, env: Record<string, string> = {}, extra: string[] = []) {
  if (!('argv' in compose)) throw new Error('no compose');
  const [cmd, ...args] = compose.argv;
  return spawnSync(cmd!, [...args, '-f', path.join(DEPLOY, file), 'config', ...extra], {
    encoding: 'utf8',
    // No stray COMPOSE_* or secrets of the test machine in the resolved file.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
  });
}

describe.skipIf('missing' in compose)('deploy/ compose files pass `docker compose config`', () => {
  it.each(['compose.yaml', 'compose.several-instances.yaml'])('%s is accepted', (file) => {
    const res = config(file);
    expect(res.status, `${res.stderr}`).toBe(0);
    expect(res.stdout).toContain('services:');
  });

  it('one instance: the image built from the repo root, /data on a volume, the port published', () => {
    const res = config('compose.yaml', { AUTH_SECRET: 'x'.repeat(40), ALLOWED_ORIGINS: 'https://docs.example.org' });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/tandem-data/);
    expect(res.stdout).toContain('/data');
    expect(res.stdout).toContain('https://docs.example.org');
    expect(res.stdout).toContain('x'.repeat(40));
  });

  it('several instances: postgres 15, redis 7, three instances on one log, nginx in front', () => {
    const res = config('compose.several-instances.yaml', {
      AUTH_SECRET: 's'.repeat(40),
      POSTGRES_PASSWORD: 'pw-from-env',
      ALLOWED_ORIGINS: 'https://docs.example.org',
    });
    expect(res.status, res.stderr).toBe(0);
    const out = res.stdout;
    expect(out).toContain('postgres:15');
    expect(out).toContain('redis:7');
    expect(out).toMatch(/nginx/);
    for (const name of ['tandem-1', 'tandem-2', 'tandem-3']) expect(out).toMatch(new RegExp(`^  ${name}:`, 'm'));
    // Every instance on the same log, schema and Redis, with the secret from the environment.
    expect(out.match(/postgres:\/\/tandem:pw-from-env@postgres:5432\/tandem/g)?.length).toBe(3);
    expect(out.match(/redis:\/\/redis:6379/g)?.length).toBe(3);
    expect(out.match(/DATABASE_SCHEMA: tandem/g)?.length).toBe(3);
    expect(out.match(new RegExp('s'.repeat(40), 'g'))?.length).toBe(3);
    expect(out).toMatch(/condition: service_healthy/);
    // Service names the nginx config's upstream points at exist in the compose file.
    const nginx = readFileSync(path.join(DEPLOY, 'nginx.several-instances.conf'), 'utf8');
    const upstream = [...nginx.matchAll(/^\s*server (tandem-\d):1234/gm)].map((m) => m[1]);
    expect(upstream).toEqual(['tandem-1', 'tandem-2', 'tandem-3']);
  });

  it('a broken file is refused (the check can fail)', () => {
    const argv = 'argv' in compose ? compose.argv : ['docker', 'compose'];
    const res = spawnSync(argv[0]!, [...argv.slice(1), '-f', '-', 'config'], {
      input: 'services:\n  tandem:\n    image: tandem\n    depends_on:\n      nowhere:\n        condition: service_healthy\n',
      encoding: 'utf8',
    });
    expect(res.status).not.toBe(0);
  });
});

describe('deploy/nginx.several-instances.conf passes WebSocket upgrades without sticky sessions', () => {
  // Without comments (they may say "no sticky sessions").
  const conf = readFileSync(path.join(DEPLOY, 'nginx.several-instances.conf'), 'utf8').replace(/#.*$/gm, '');
  it('proxies HTTP/1.1 with Upgrade and Connection, long timeouts, round robin', () => {
    expect(conf).toMatch(/proxy_http_version 1\.1;/);
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(conf).toMatch(/proxy_read_timeout 1h;/);
    expect(conf).not.toMatch(/\b(ip_hash|hash|sticky|least_conn)\b/);
  });
});
