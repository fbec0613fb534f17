// deploy/nginx.path-prefix.conf for real, with Debian's nginx (installed when missing): Tandem under
// /docs/ (BASE_PATH) behind it, WebSocket upgrades passed through, the client address taken from
// X-Forwarded-For only from the trusted proxy (TRUST_PROXY). The TLS lines are left out (no certificate
// here) and nginx listens on a free port; it connects to Tandem from 127.0.0.2 (proxy_bind), so that
// the test's own clients (127.0.0.1, .3, .4) are not the trusted proxy. A stock y-websocket client and
// the editor in Chromium work through it.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectClient, type TestClient } from '../../apps/sync-server/src/testing/clients.js';
import { CHROMIUM } from '../playwright.config.js';
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
      const installed = spawnSync(process.execPath, [path.join(ROOT, 'e2e/scripts/ensure-chromium.mjs')], { stdio: 'inherit' });
      if (installed.status !== 0) throw new Error('Chromium could not be installed');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
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
