// Debian's nginx for tests of the deploy recipes: installed with apt-get when missing (as the browser
// tests install Chromium), run in the foreground from a scratch prefix with the server block a test
// gives, on a free port.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../apps/sync-server/src/testing/free-port.js';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const TEMP_DIRS = ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;

export interface RunningNginx {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** What nginx wrote to stderr. */
  readonly log: () => string;
  stop(): Promise<void>;
}

export function ensureNginx(): void {
  if (existsSync(NGINX)) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args: string[]) => spawnSync(sudo[0] ?? args[0]!, sudo.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'nginx']);
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing and apt-get could not install nginx`);
}

/**
 * Starts nginx with `http` (the body of its http block: maps, upstreams, servers), made by
 * `configure(port)` for the free port it will listen on; resolves once `healthPath` answers 200.
 */
export async function startNginx(configure: (port: number) => string, healthPath: string): Promise<RunningNginx> {
  ensureNginx();
  const prefix = mkdtempSync(path.join(tmpdir(), 'tandem-nginx-'));
  chmodSync(prefix, 0o777); // nginx's workers run as nobody when started by root
  for (const d of TEMP_DIRS) mkdirSync(path.join(prefix, d), { mode: 0o777 });
  const port = await freePort();
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${prefix}/nginx.pid;`,
      `error_log ${prefix}/error.log warn;`,
      'events { worker_connections 256; }',
      'http {',
      '  access_log off;',
      ...TEMP_DIRS.map((d) => `  ${d === 'body' ? 'client_body' : d}_temp_path ${prefix}/${d};`),
      configure(port),
      '}',
    ].join('\n'),
  );
  const check = spawnSync(NGINX, ['-t', '-p', prefix, '-c', conf], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t refused the config:\n${check.stderr}`);
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; (await fetch(`${url}${healthPath}`).catch(() => undefined))?.status !== 200; waited += 50) {
    if (waited > 10_000 || child.exitCode !== null) throw new Error(`nginx did not come up:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGQUIT');
        await exited;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
