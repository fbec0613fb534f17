import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const directives = (csp: string | null) =>
  new Map((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0] !== '').map(([name, ...values]) => [name!, values]));

describe('security headers', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.destroy();
  });

  it('gives the editor page a strict CSP that allows only its own scripts, styles and sockets', async () => {
    for (const page of ['/', '/d/some%2Fdoc', '/sw.js']) {
      const res = await fetch(`${server.url}${page}`);
      expect(res.status, page).toBe(200);
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('default-src'), page).toEqual(["'self'"]);
      expect(csp.get('script-src'), page).toEqual(["'self'"]);
      expect(csp.get('object-src'), page).toEqual(["'none'"]);
      expect(csp.get('base-uri'), page).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors'), page).toEqual(["'none'"]);
      const host = new URL(server.url).host;
      expect(csp.get('connect-src'), page).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
      // Images by address (the image dialog takes http and https ones); an image runs no script.
      expect(csp.get('img-src'), page).toEqual(["'self'", 'data:', 'https:', 'http:']);
      expect(res.headers.get('x-content-type-options'), page).toBe('nosniff');
    }
  });

  it('puts nosniff, a referrer policy and a deny-all CSP on API answers, errors included', async () => {
    for (const url of ['/api/docs', '/api/docs/none', '/healthz', '/nowhere', '/api/nowhere']) {
      const res = await fetch(`${server.url}${url}`);
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), url).toBe('same-origin');
      expect(res.headers.get('content-security-policy'), url).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('serves an editor build without inline script, so the CSP needs no unsafe-inline', async () => {
    const html = await readFile(path.join(server.config.editorDir, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\.\/assets\//);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });
});
