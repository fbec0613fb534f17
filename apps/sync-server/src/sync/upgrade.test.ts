import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintToken } from '../auth/token.js';
import { upgradeResponse } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'upgrade-secret-0123456789-0123456789';

/** Sends one raw upgrade request line by hand; resolves with everything the server wrote before closing. */
function rawUpgrade(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('close', () => resolve(answer));
    socket.once('error', reject);
  });
}

describe('the upgrade handshake', () => {
  let server: TestServer;
  let token: string;
  beforeEach(async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    token = await mintToken(SECRET, { userId: 'alice', docs: ['*'], role: 'editor', ttl: '1h' });
  });
  afterEach(async () => {
    await server.destroy();
  });

  it('sends a refusal’s JSON body along with its status', async () => {
    const refused = await upgradeResponse(server.url, 'doc');
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).error.code).toBe('unauthorized');
    expect(Number(refused.headers['content-length'])).toBe(Buffer.byteLength(refused.body));
  });

  it('answers a malformed URL with 400 and never logs the token in it', async () => {
    const answer = await rawUpgrade(server.port, `//[bad/ws/x?token=${token}`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.code).toBe('bad-request');
    expect(JSON.stringify(server.logs)).not.toContain(token.split('.')[2]);
  });

  it('keeps tokens out of every log line, whatever field or message carries them', async () => {
    server.logs.length = 0;
    await rawUpgrade(server.port, `/ws/%E0%A4%A?token=${token}x`);
    await fetch(`${server.url}/api/docs?token=${token}x`);
    await fetch(`${server.url}/api/docs/${token}`, { headers: { authorization: `Bearer ${token}x` } });
    expect(server.logs.length).toBeGreaterThan(0);
    const text = JSON.stringify(server.logs);
    expect(text).not.toContain(token.split('.')[1]);
    expect(text).not.toContain(token.split('.')[2]);
  });
});
