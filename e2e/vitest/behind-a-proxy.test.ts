// deploy/nginx.path-prefix.conf and deploy/Caddyfile.path-prefix for real, with Debian's nginx and
// Caddy (installed when missing). nginx: Tandem under
// /docs/ (BASE_PATH) behind it, WebSocket upgrades passed through, the client address taken from
// X-Forwarded-For only from the trusted proxy (TRUST_PROXY). The TLS lines are left out (no certificate
// here) and nginx listens on a free port; it connects to Tandem from 127.0.0.2 (proxy_bind), so that
// the test's own clients (127.0.0.1, .3, .4) are not the trusted proxy. A stock y-websocket client and
// the editor in Chromium work through it.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectClient, type TestClient } from '../../apps/sync-server/src/testing/clients.js';
import { freePort } from '../../apps/sync-server/src/testing/free-port.js';
import { TEST_CHROMIUM } from '../playwright.config.js';
import { ensureChromium } from '../support/ensure-chromium.js';
import { type RunningNginx, startNginx } from '../support/nginx.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PROXY_ADDRESS = '127.0.0.2';
const PER_ADDRESS = 3;

/** The recipe without TLS and the redirect to it, on `port`, in front of `backend`, connecting from PROXY_ADDRESS. */
function adaptRecipe(conf: string, backend: string, port: number): string {
  const adapted = conf
    .replace(/server \{\n\s*listen 80;[\s\S]*?\n\}\n/, '') // the redirect to https
    .replace(/^\s*ssl_\S+ [^;]+;\n/gm, '')
    .replace(/^(\s*)listen 443 ssl http2;/m, `$1listen 127.0.0.1:${port};\n$1location = /nginx-health { return 200 "ok\\n"; }`)
    .replace(/^(\s*)server 127\.0\.0\.1:1234;/m, `$1server ${backend};`)
    .replace(/^(\s*)proxy_pass http:\/\/tandem;/m, `$1proxy_pass http://tandem;\n$1proxy_bind ${PROXY_ADDRESS};`)
    .replace(/server_name intranet\.example;/g, 'server_name _;');
  if (!adapted.includes(`listen 127.0.0.1:${port}`) || !adapted.includes(`server ${backend}`) || adapted.includes('ssl')) {
    throw new Error(`the recipe did not adapt as expected:\n${adapted}`);
  }
  return adapted;
}

/** Opens a WebSocket to `url` from `localAddress`; resolves 'open' or the HTTP status it was refused with. */
function openFrom(url: string, localAddress: string, headers: Record<string, string> = {}): Promise<{ outcome: 'open' | number; ws: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { localAddress, headers });
    ws.once('open', () => resolve({ outcome: 'open', ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ outcome: res.statusCode ?? 0, ws });
      res.resume();
    });
    ws.once('error', () => resolve({ outcome: 0, ws }));
  });
}

describe('behind nginx under a path (BASE_PATH, TRUST_PROXY)', () => {
  let server: ServerProcess;
  let nginx: RunningNginx;
  let dataDir: string;
  let front = '';
  const clients: TestClient[] = [];
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-proxy-'));
    server = await startServerProcess(dataDir, { BASE_PATH: '/docs', TRUST_PROXY: PROXY_ADDRESS, MAX_CONNECTIONS_PER_IP: String(PER_ADDRESS) });
    const recipe = readFileSync(path.join(ROOT, 'deploy/nginx.path-prefix.conf'), 'utf8');
    nginx = await startNginx((port) => adaptRecipe(recipe, new URL(server.url).host, port), '/nginx-health');
    front = nginx.url;
  }, 120_000);

  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of sockets.splice(0)) s.terminate();
    await nginx?.stop();
    if (server?.child.exitCode === null) await server.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('serves the editor, its assets, the API and health under /docs/ through the proxy', async () => {
    const bare = await fetch(`${front}/docs`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toMatch(/\/docs\/$/);
    const page = await (await fetch(`${front}/docs/d/proxied%2Fnotes`)).text();
    expect(page).toContain('<base href="/docs/" />');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${front}/docs/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${front}/docs/sw.js`)).status).toBe(200);
    expect((await fetch(`${front}/docs/api/docs`)).status).toBe(200);
    expect((await fetch(`${front}/docs/readyz`)).status).toBe(200);
    // Nothing of Tandem outside its path.
    expect((await fetch(`${front}/api/docs`)).status).toBe(404);
  });

  it('carries stock y-websocket clients through the proxy: they sync, converge, and what they wrote is stored', async () => {
    const a = connectClient(`${front}/docs`, 'proxied/stock');
    const b = connectClient(`${front}/docs`, 'proxied/stock');
    clients.push(a, b);
    await Promise.all([a.synced(), b.synced()]);
    a.text.insert(0, 'through nginx');
    await expect.poll(() => b.text.toString(), { timeout: 5000 }).toBe('through nginx');
    await expect.poll(async () => ((await (await fetch(`${server.url}/docs/api/docs/${encodeURIComponent('proxied/stock')}`)).json()) as { updateCount: number }).updateCount, { timeout: 5000 }).toBeGreaterThan(0);
    for (const c of clients.splice(0)) c.destroy();
  });

  it('counts per-address limits by the address the trusted proxy saw, and ignores the header from anyone else', async () => {
    const viaProxy = `${front.replace(/^http/, 'ws')}/docs/ws/proxied%2Flimits`;
    const direct = `${server.url.replace(/^http/, 'ws')}/docs/ws/proxied%2Flimits`;
    // From 127.0.0.3 through nginx: its own quota, whatever nginx's address has.
    for (let i = 0; i < PER_ADDRESS; i++) {
      const { outcome, ws } = await openFrom(viaProxy, '127.0.0.3');
      sockets.push(ws);
      expect(outcome).toBe('open');
    }
    const over = await openFrom(viaProxy, '127.0.0.3');
    sockets.push(over.ws);
    expect(over.outcome).toBe(429);
    // Someone else behind the same proxy is not refused: the proxy's own address is not what counts.
    const other = await openFrom(viaProxy, '127.0.0.4');
    sockets.push(other.ws);
    expect(other.outcome).toBe('open');
    // A client claiming an address itself (not through the trusted proxy) counts as where it comes from.
    const claimed = await openFrom(direct, '127.0.0.3', { 'x-forwarded-for': '203.0.113.9' });
    sockets.push(claimed.ws);
    expect(claimed.outcome).toBe(429);
    // Nor can it pick an address through the proxy: nginx appends the one it saw, which is what counts.
    const spoofed = await openFrom(viaProxy, '127.0.0.3', { 'x-forwarded-for': '203.0.113.9' });
    sockets.push(spoofed.ws);
    expect(spoofed.outcome).toBe(429);
    for (const s of sockets.splice(0)) s.terminate();
  });

  describe('the editor in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      ensureChromium();
      browser = await chromium.launch({
        executablePath: TEST_CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    }, 300_000);
    afterAll(async () => {
      await browser?.close();
    });

    it('edits a document together through the proxy, with the service worker scoped to /docs/', async () => {
      const doc = `${front}/docs/d/${encodeURIComponent('proxied/notes')}`;
      const [ann, ben] = await Promise.all([browser.newContext(), browser.newContext()]);
      try {
        const [a, b] = await Promise.all([ann.newPage(), ben.newPage()]);
        await Promise.all([a.goto(doc), b.goto(doc)]);
        for (const p of [a, b]) await expect.poll(() => p.getByTestId('status').getAttribute('data-connection'), { timeout: 15_000 }).toBe('connected');
        await a.locator('.ProseMirror').click();
        await a.keyboard.type('Typed behind a proxy.');
        await expect.poll(() => b.locator('.ProseMirror p').first().innerText(), { timeout: 10_000 }).toContain('Typed behind a proxy.');
        await expect.poll(() => a.getByTestId('status').getAttribute('data-saved'), { timeout: 10_000 }).toBe('true');
        // The logo leads to the start page under the same path.
        expect(await a.locator('a.brand').getAttribute('href')).toBe('/docs/');
        const scope = await a.evaluate(async () => (await navigator.serviceWorker.ready).scope);
        expect(new URL(scope).pathname).toBe('/docs/');
        const stored = (await (await fetch(`${front}/docs/api/docs/${encodeURIComponent('proxied/notes')}`)).json()) as { updateCount: number };
        expect(stored.updateCount).toBeGreaterThan(0);
      } finally {
        await Promise.all([ann.close(), ben.close()]);
      }
    }, 90_000);
  });
});

const CADDY = process.env.CADDY_PATH ?? '/usr/bin/caddy';

/** Debian's Caddy with the recipe, plain HTTP on a free port (no certificate here), in front of `backend`. */
async function startCaddy(backend: string): Promise<{ url: string; stop: () => Promise<void>; log: () => string }> {
  if (!existsSync(CADDY)) {
    const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
    const run = (args: string[]) => spawnSync(sudo[0] ?? args[0]!, sudo.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'caddy']);
    if (!existsSync(CADDY)) throw new Error(`${CADDY} is missing and apt-get could not install caddy`);
  }
  const home = mkdtempSync(path.join(tmpdir(), 'tandem-caddy-'));
  const port = await freePort();
  const recipe = readFileSync(path.join(ROOT, 'deploy/Caddyfile.path-prefix'), 'utf8');
  const adapted = `{\n\tadmin off\n\tauto_https off\n}\n\n${recipe}`
    .replace(/^intranet\.example \{$/m, `http://127.0.0.1:${port} {\n\trespond /caddy-health "ok" 200`)
    .replace(/reverse_proxy 127\.0\.0\.1:1234$/m, `reverse_proxy ${backend}`);
  if (!adapted.includes(`http://127.0.0.1:${port}`) || !adapted.includes(`reverse_proxy ${backend}`)) throw new Error(`the Caddyfile did not adapt as expected:\n${adapted}`);
  const file = path.join(home, 'Caddyfile');
  writeFileSync(file, adapted);
  const child: ChildProcess = spawn(CADDY, ['run', '--config', file, '--adapter', 'caddyfile'], {
    env: { ...process.env, HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; (await fetch(`${url}/caddy-health`).catch(() => undefined))?.status !== 200; waited += 50) {
    if (waited > 15_000 || child.exitCode !== null) throw new Error(`caddy did not come up:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

describe('behind Caddy under a path', () => {
  let server: ServerProcess;
  let caddy: Awaited<ReturnType<typeof startCaddy>>;
  let dataDir: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-caddy-data-'));
    // Caddy connects from 127.0.0.1; the test's clients come from 127.0.0.3 and .4.
    server = await startServerProcess(dataDir, { BASE_PATH: '/docs', TRUST_PROXY: '127.0.0.1', MAX_CONNECTIONS_PER_IP: String(PER_ADDRESS) });
    caddy = await startCaddy(new URL(server.url).host);
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets.splice(0)) s.terminate();
    await caddy?.stop();
    if (server?.child.exitCode === null) await server.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('serves the editor under /docs/, carries stock clients, and counts limits by the address Caddy saw', async () => {
    const bare = await fetch(`${caddy.url}/docs`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(await (await fetch(`${caddy.url}/docs/d/x`)).text()).toContain('<base href="/docs/" />');
    expect((await fetch(`${caddy.url}/docs/api/docs`)).status).toBe(200);

    const a = connectClient(`${caddy.url}/docs`, 'caddy/stock');
    const b = connectClient(`${caddy.url}/docs`, 'caddy/stock');
    try {
      await Promise.all([a.synced(), b.synced()]);
      a.text.insert(0, 'through caddy');
      await expect.poll(() => b.text.toString(), { timeout: 5000 }).toBe('through caddy');
    } finally {
      a.destroy();
      b.destroy();
    }

    const viaCaddy = `${caddy.url.replace(/^http/, 'ws')}/docs/ws/caddy%2Flimits`;
    for (let i = 0; i < PER_ADDRESS; i++) {
      const { outcome, ws } = await openFrom(viaCaddy, '127.0.0.3', { 'x-forwarded-for': `203.0.113.${i}` });
      sockets.push(ws);
      expect(outcome).toBe('open');
    }
    const over = await openFrom(viaCaddy, '127.0.0.3');
    sockets.push(over.ws);
    expect(over.outcome, caddy.log()).toBe(429);
    const other = await openFrom(viaCaddy, '127.0.0.4');
    sockets.push(other.ws);
    expect(other.outcome).toBe('open');
  }, 60_000);
});
