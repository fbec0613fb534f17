// A client that asks for a large answer and never reads it must not hold the server's memory for ever:
// a response that makes no progress for HTTP_SEND_TIMEOUT_MS is closed, and one address may have at
// most MAX_HTTP_SENDS_PER_IP responses still being sent. A client that reads slowly but keeps reading
// still gets the whole answer, on a connection it can use again.

import { Agent, get, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { fromMarkdown, FRAGMENT } from '@tandem/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { prosemirrorToYXmlFragment } from 'y-prosemirror';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { metricTotal, startTestServer, type TestServer } from '../testing/in-process.js';

/** Far more than the loopback socket buffers of a peer that reads nothing take in (a few hundred KiB). */
const BIG_TEXT_CHARS = 8 * 1024 * 1024;

describe('responses to clients that do not read', () => {
  let server: TestServer | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await server?.destroy();
    server = undefined;
  });

  const start = async (env: Record<string, string>) => {
    // Answers of the whole document are computed however busy the machine (never cut as history-timeout).
    server = await startTestServer({ MAX_MESSAGE_BYTES: String(64 * 1024 * 1024), HISTORY_TIMEOUT_MS: '300000', ...env });
    // One large document, stored through the API (the Yjs route takes any update of the fragment).
    const ydoc = new Y.Doc();
    const paragraphs = Array.from({ length: 64 }, (_, i) => `${i} ${'x'.repeat(BIG_TEXT_CHARS / 64)}`).join('\n\n');
    prosemirrorToYXmlFragment(fromMarkdown(paragraphs), ydoc.getXmlFragment(FRAGMENT));
    const res = await fetch(`${server.url}/api/docs/big`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Y.encodeStateAsUpdate(ydoc) });
    expect(res.status).toBe(201);
    return server;
  };

  /** A raw connection that asks for the whole document and reads nothing; `closed` once the server closes it. */
  const stuck = (s: TestServer, headers: Record<string, string> = {}) => {
    const socket = connect(s.port, '127.0.0.1');
    socket.pause();
    sockets.push(socket);
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`GET /api/docs/big/content?format=yjs HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n${extra}\r\n`);
    const state = { closed: false };
    socket.on('close', () => (state.closed = true));
    socket.on('error', () => undefined);
    return state;
  };

  it('closes every response that makes no progress for HTTP_SEND_TIMEOUT_MS', { timeout: 120_000 }, async () => {
    // Every one is answered (none refused as history-busy or cut by history-timeout on a busy machine).
    const s = await start({ HTTP_SEND_TIMEOUT_MS: '1000', MAX_HTTP_SENDS_PER_IP: '100', HISTORY_QUEUE: '100', HISTORY_TIMEOUT_MS: '300000' });
    const clients = Array.from({ length: 10 }, () => stuck(s));
    // Each is answered, its body held by the server until it is sent; cut off once none of it moves.
    await expect.poll(() => metricTotal(s, 'http_send_timeouts_total'), { timeout: 60_000, interval: 200 }).toBe(10);
    expect(s.sends.inFlight()).toBe(0);
    expect(s.logs.filter((l) => l.event === 'http-send-timeout')).toHaveLength(10);
    // The clients, reading at last, find their connections closed before the end of the body.
    const received = clients.map(() => 0);
    sockets.forEach((socket, i) => {
      socket.on('data', (chunk: Buffer) => (received[i]! += chunk.byteLength));
      socket.resume();
    });
    await expect.poll(() => clients.filter((c) => c.closed).length, { timeout: 30_000 }).toBe(10);
    for (const bytes of received) expect(bytes).toBeLessThan(BIG_TEXT_CHARS);
  });

  it('refuses an address past MAX_HTTP_SENDS_PER_IP with 429 and Retry-After; others, and WebSockets, are unaffected', { timeout: 120_000 }, async () => {
    const s = await start({ HTTP_SEND_TIMEOUT_MS: '600000', MAX_HTTP_SENDS_PER_IP: '3', TRUST_PROXY: '127.0.0.1' });
    const from = { 'x-forwarded-for': '203.0.113.7' };
    const clients = [stuck(s, from), stuck(s, from), stuck(s, from)];
    await expect.poll(() => s.sends.inFlight('203.0.113.7'), { timeout: 60_000 }).toBe(3);
    const refused = await fetch(`${s.url}/api/docs/big/content?format=yjs`, { headers: from });
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe('too-many-connections');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Small answers too: the address holds all it may.
    expect((await fetch(`${s.url}/api/docs`, { headers: from })).status).toBe(429);
    // Another address (this one, through the proxy or not) is answered in full.
    const other = await fetch(`${s.url}/api/docs/big/content?format=yjs`, { headers: { 'x-forwarded-for': '203.0.113.8' } });
    expect(other.status).toBe(200);
    expect((await other.arrayBuffer()).byteLength).toBeGreaterThan(BIG_TEXT_CHARS);
    // A WebSocket from the address at its limit still opens (WebSockets have limits of their own).
    const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/ws/big`, { headers: from });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res: IncomingMessage) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    ws.close();
    expect(await metricTotal(s, 'limits_hit_total', { kind: 'http-sends-per-ip' })).toBe(2);
    // Once those clients go, the address is served again.
    for (const socket of sockets) socket.destroy();
    await expect.poll(() => clients.every((c) => c.closed)).toBe(true);
    await expect.poll(() => s.sends.inFlight('203.0.113.7'), { timeout: 10_000 }).toBe(0);
    expect((await fetch(`${s.url}/api/docs`, { headers: from })).status).toBe(200);
  });

  it('refuses everyone with 503 and Retry-After once MAX_HTTP_SEND_BYTES of answers are held; health and metrics still answer, and all is served again once they go', { timeout: 120_000 }, async () => {
    // One answer (the whole document, more than BIG_TEXT_CHARS) is more than the server may hold.
    const s = await start({ HTTP_SEND_TIMEOUT_MS: '600000', MAX_HTTP_SEND_BYTES: String(2 * 1024 * 1024), TRUST_PROXY: '127.0.0.1' });
    const small = await fetch(`${s.url}/api/docs`);
    expect(small.status).toBe(200);
    await small.text();
    const client = stuck(s, { 'x-forwarded-for': '203.0.113.7' });
    await expect.poll(() => s.sends.bytesHeld, { timeout: 60_000 }).toBeGreaterThan(BIG_TEXT_CHARS);
    expect(await metricTotal(s, 'http_response_bytes_held')).toBe(s.sends.bytesHeld);
    // Another address, far below its own limit, is refused: before its route runs, whatever it asks.
    const other = { 'x-forwarded-for': '203.0.113.8' };
    for (const path of ['/api/docs', '/api/docs/big/content?format=yjs']) {
      const refused = await fetch(`${s.url}${path}`, { headers: other });
      expect(refused.status).toBe(503);
      expect((await refused.json()).error.code).toBe('sends-busy');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // Probes and scrapers are answered: they are how an operator sees this.
    expect((await fetch(`${s.url}/healthz`, { headers: other })).status).toBe(200);
    expect((await fetch(`${s.url}/readyz`, { headers: other })).status).toBe(200);
    expect((await fetch(`${s.url}/metrics`, { headers: other })).status).toBe(200);
    expect(await metricTotal(s, 'limits_hit_total', { kind: 'http-send-bytes' })).toBe(2);
    // The client that held it goes: everyone is served again, the whole answer included.
    for (const socket of sockets) socket.destroy();
    await expect.poll(() => client.closed).toBe(true);
    await expect.poll(() => s.sends.bytesHeld, { timeout: 10_000 }).toBe(0);
    expect(await metricTotal(s, 'http_response_bytes_held')).toBe(0);
    const served = await fetch(`${s.url}/api/docs/big/content?format=yjs`, { headers: other });
    expect(served.status).toBe(200);
    expect((await served.arrayBuffer()).byteLength).toBeGreaterThan(BIG_TEXT_CHARS);
    expect(s.sends.bytesHeld).toBe(0);
  });

  it('releases an answer queued behind another on its connection (pipelined) when the connection goes before it was given the socket', { timeout: 120_000 }, async () => {
    const s = await start({ HTTP_SEND_TIMEOUT_MS: '600000', MAX_HTTP_SEND_BYTES: String(64 * 1024 * 1024) });
    // Two requests in one write: the second's answer waits (Node gives it the socket once the first is sent).
    const socket = connect(s.port, '127.0.0.1');
    socket.pause();
    sockets.push(socket);
    socket.on('error', () => undefined);
    const ask = `GET /api/docs/big/content?format=yjs HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n\r\n`;
    socket.write(ask + ask);
    await expect.poll(() => s.sends.inFlight(), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => s.sends.bytesHeld, { timeout: 60_000 }).toBeGreaterThan(2 * BIG_TEXT_CHARS);
    // The client goes: neither answer is held any more (the queued one never emits 'close' itself).
    socket.destroy();
    await expect.poll(() => s.sends.inFlight(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => s.sends.bytesHeld, { timeout: 10_000 }).toBe(0);
    expect(await metricTotal(s, 'http_response_bytes_held')).toBe(0);
    // And the server answers everyone again.
    expect((await fetch(`${s.url}/api/docs`)).status).toBe(200);
  });

  it('sends the whole of a large answer to a client that reads slowly, on a connection kept alive', { timeout: 120_000 }, async () => {
    const s = await start({ HTTP_SEND_TIMEOUT_MS: '1000', MAX_HTTP_SENDS_PER_IP: '100' });
    const expected = (await (await fetch(`${s.url}/api/docs/big/content?format=yjs`)).arrayBuffer()).byteLength;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      /** Reads at most 64 KiB every 25 ms: the whole document takes several times HTTP_SEND_TIMEOUT_MS. */
      const slowGet = () =>
        new Promise<{ bytes: number; length: number; reused: boolean; ticks: number }>((resolve, reject) => {
          const req = get(`${s.url}/api/docs/big/content?format=yjs`, { agent }, (res) => {
            let bytes = 0;
            let ticks = 0;
            res.pause();
            const timer = setInterval(() => {
              ticks++;
              let chunk: Buffer | null;
              let taken = 0;
              while (taken < 64 * 1024 && (chunk = res.read() as Buffer | null) !== null) taken += chunk.byteLength;
              bytes += taken;
            }, 25);
            res.on('end', () => {
              clearInterval(timer);
              resolve({ bytes, length: Number(res.headers['content-length']), reused: req.reusedSocket, ticks });
            });
            res.on('error', (err) => {
              clearInterval(timer);
              reject(err);
            });
            res.on('aborted', () => {
              clearInterval(timer);
              reject(new Error(`cut off after ${bytes} bytes`));
            });
          });
          req.on('error', reject);
        });
      const first = await slowGet();
      expect(first.length).toBe(expected);
      expect(first.bytes).toBe(expected);
      // It took longer than the send timeout (25 ms a tick): progress, not the whole, is what counts.
      expect(first.ticks * 25).toBeGreaterThan(2 * 1000);
      const second = await slowGet();
      expect(second.bytes).toBe(expected);
      expect(second.reused).toBe(true);
      expect(await metricTotal(s, 'http_send_timeouts_total')).toBe(0);
    } finally {
      agent.destroy();
    }
  });

  it('does not count the time a route takes to compute its answer', { timeout: 120_000 }, async () => {
    // Rendering megabytes of Markdown on a history thread takes longer than the send timeout (1.2–1.4 s
    // on an idle machine against 500 ms); the timeout is not shorter, or a loaded machine that stalls the
    // test's own reading (in this process) for that long would cut the answer.
    const s = await start({ HTTP_SEND_TIMEOUT_MS: '500', HISTORY_TIMEOUT_MS: '300000' });
    const began = performance.now();
    const res = await fetch(`${s.url}/api/docs/big/content?format=markdown`);
    const body = await res.text();
    expect(performance.now() - began).toBeGreaterThan(500);
    expect(res.status).toBe(200);
    expect(body.length).toBeGreaterThan(BIG_TEXT_CHARS);
    expect(await metricTotal(s, 'http_send_timeouts_total')).toBe(0);
  });
});
