// The container image's layout, built and started without Docker (there is no engine here): the same
// script the Dockerfile runs (scripts/production-layout.mjs --install) makes a clean folder with the built
// files and production dependencies only; the server starts from it as a non-root user with the image's
// environment, answers /readyz (through the image's own HEALTHCHECK command), syncs a stock client's
// document, and stops cleanly on SIGTERM.

import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../../apps/sync-server/src/testing/clients.js';
import { freePort } from '../../apps/sync-server/src/testing/free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCKERFILE = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const RUNTIME_STAGE = DOCKERFILE.slice(DOCKERFILE.indexOf('AS runtime'));
const NOBODY = { uid: 65534, gid: 65534 };
const IS_ROOT = process.getuid?.() === 0;

/** The JSON array of an exec-form instruction (`HEALTHCHECK ... CMD [...]`, `ENTRYPOINT [...]`) in the runtime stage. */
function execForm(instruction: RegExp): string[] {
  const match = instruction.exec(RUNTIME_STAGE.replace(/\\\n\s*/g, ' '));
  if (match === null) throw new Error(`Dockerfile: no ${instruction.source} in the runtime stage`);
  return JSON.parse(match[1]!) as string[];
}

/** The runtime stage's ENV settings. */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const block of RUNTIME_STAGE.replace(/\\\n\s*/g, ' ').matchAll(/^ENV (.+)$/gm)) {
    for (const pair of block[1]!.matchAll(/(\w+)=(\S+)/g)) env[pair[1]!] = pair[2]!;
  }
  return env;
}


/** `argv` as the user nobody when the tests run as root (as the image runs as its own user). */
function asNonRoot(argv: string[]): string[] {
  return IS_ROOT ? ['setpriv', `--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', ...argv] : argv;
}

describe('the Dockerfile and the layout script agree', () => {
  it('the build stage copies every workspace manifest before npm ci (the lockfile names them all)', () => {
    const workspaces = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    const build = DOCKERFILE.slice(0, DOCKERFILE.indexOf('RUN npm ci'));
    for (const ws of workspaces) expect(build).toContain(`COPY ${ws}/package.json ${ws}/`);
    expect(build).toContain('COPY package.json package-lock.json ./');
  });

  it('the runtime stage takes only the layout, runs as a non-root user, keeps /data as a volume', () => {
    expect(RUNTIME_STAGE).toMatch(/^COPY --from=build --chown=root:root \/out \/app$/m);
    expect(RUNTIME_STAGE.match(/^COPY /gm)?.length).toBe(1);
    expect(RUNTIME_STAGE).toMatch(/^USER tandem$/m);
    expect(RUNTIME_STAGE).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(RUNTIME_STAGE).toMatch(/^EXPOSE 1234$/m);
    expect(imageEnv()).toMatchObject({ HOST: '0.0.0.0', PORT: '1234', DATA_DIR: '/data' });
    expect(execForm(/^ENTRYPOINT (\[.+\])$/m).slice(0, 3)).toEqual(['/usr/bin/tini', '--', 'node']);
  });
});

describe('the production layout (what the Dockerfile copies) runs from a clean folder as a non-root user', () => {
  let layout: string;
  let dataDir: string;
  let env: Record<string, string>;
  let port: number;
  let server: ChildProcess | undefined;
  let output = '';
  const clients: TestClient[] = [];

  const start = async (): Promise<ChildProcess> => {
    // The image's ENTRYPOINT without tini (the test's own process is the parent that passes signals).
    const entry = execForm(/^ENTRYPOINT (\[.+\])$/m);
    const nodeArgv = entry.slice(entry.indexOf('node') + 1).map((arg) => arg.replace(/^\/app\//, ''));
    const command = asNonRoot([process.execPath, ...nodeArgv]);
    const child = spawn(command[0]!, command.slice(1), {
      cwd: layout,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('"event":"listening"')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`)));
    });
    return child;
  };

  beforeAll(async () => {
    for (const dir of ['apps/sync-server/dist', 'apps/editor/dist']) {
      if (!existsSync(path.join(ROOT, dir))) throw new Error(`${dir} is missing: run "npm run build" first (npm test does)`);
    }
    layout = mkdtempSync(path.join(tmpdir(), 'tandem-layout-'));
    chmodSync(layout, 0o755); // readable by the non-root user, as /app is in the image (owned by root)
    // The same command as the Dockerfile's build stage, except that better-sqlite3's compiled part is
    // taken from this checkout instead of compiled again (minutes here; see production-layout.mjs).
    expect(DOCKERFILE).toMatch(/node scripts\/production-layout\.mjs \/out --install/);
    const made = spawnSync(process.execPath, [path.join(ROOT, 'scripts/production-layout.mjs'), layout, '--install', '--reuse-native'], {
      encoding: 'utf8',
    });
    if (made.status !== 0) throw new Error(`production layout failed (${made.status}):\n${made.stdout}\n${made.stderr}`);

    dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-layout-data-'));
    if (IS_ROOT) chownSync(dataDir, NOBODY.uid, NOBODY.gid); // the volume belongs to the image's user
    port = await freePort();
    env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...imageEnv(), DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' };
  }, 300_000);

  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy();
    if (server !== undefined && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    if (layout !== undefined) rmSync(layout, { recursive: true, force: true });
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds the built files and production dependencies only', () => {
    for (const file of [
      'apps/sync-server/dist/main.js',
      'apps/editor/dist/index.html',
      'packages/persistence/dist/index.js',
      'packages/schema/dist/index.js',
      'node_modules/better-sqlite3/package.json',
      'node_modules/ioredis/package.json',
      'node_modules/pg/package.json',
    ]) {
      expect(existsSync(path.join(layout, file)), file).toBe(true);
    }
    // Dev dependencies, sources and tests stay out.
    for (const absent of [
      'node_modules/typescript',
      'node_modules/vitest',
      'node_modules/vite',
      'node_modules/@playwright',
      'node_modules/@hocuspocus',
      'apps/sync-server/src',
      'apps/sync-server/dist/sync/sync.test.js',
    ]) {
      expect(existsSync(path.join(layout, absent)), absent).toBe(false);
    }
  });

  it('starts as a non-root user, passes the image HEALTHCHECK, syncs a stock client, stops on SIGTERM', async () => {
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.DATA_DIR).toBe(dataDir);
    server = await start();
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1];
    if (IS_ROOT) expect(Number(uid)).toBe(NOBODY.uid);
    expect(Number(uid)).not.toBe(0);

    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${url}/`)).text()).toContain('<!doctype html>');
    // The image's HEALTHCHECK command, as Docker would run it inside the container.
    const health = execForm(/^HEALTHCHECK .*?CMD (\[.+\])$/m);
    expect(() => execFileSync(health[0] === 'node' ? process.execPath : health[0]!, health.slice(1), { env })).not.toThrow();

    const a = connectClient(url, 'layout-doc');
    const b = connectClient(url, 'layout-doc');
    clients.push(a, b);
    await Promise.all([a.synced(), b.synced()]);
    a.text.insert(0, 'from the production layout');
    await expect.poll(() => b.text.toString(), { timeout: 10_000 }).toBe('from the production layout');
    for (const c of clients.splice(0)) c.destroy();

    const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
      server!.once('close', (code, signal) => resolve(code ?? signal)),
    );
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"event":"shutdown-complete"');

    // The document was stored in the data directory (the volume): a fresh start serves it.
    server = await start();
    const c = connectClient(url, 'layout-doc');
    clients.push(c);
    await c.synced();
    expect(c.text.toString()).toBe('from the production layout');
  }, 60_000);

  it('the HEALTHCHECK command fails once the server is down (it can fail)', async () => {
    if (server !== undefined && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGKILL');
      await exited;
    }
    const health = execForm(/^HEALTHCHECK .*?CMD (\[.+\])$/m);
    const res = spawnSync(process.execPath, health.slice(1), { env: { ...env, PORT: String(port) } });
    expect(res.status).toBe(1);
  });
});
