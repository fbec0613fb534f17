import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verifyToken } from '../../apps/sync-server/src/auth/token.js';

const run = promisify(execFile);
const MAIN = path.resolve(import.meta.dirname, '../../apps/sync-server/dist/main.js');
const SECRET = 'cli-test-secret-0123456789-0123456789';

describe('tandem token', () => {
  it('mints a token the server accepts, with the user, documents, role and lifetime asked for', async () => {
    const { stdout } = await run(
      process.execPath,
      [MAIN, 'token', '--user', 'alice', '--name', 'Alice', '--doc', 'team/*', '--doc', 'notes', '--role', 'viewer', '--ttl', '1h'],
      { env: { ...process.env, AUTH_SECRET: SECRET } },
    );
    const principal = await verifyToken(SECRET, stdout.trim());
    expect(principal).toMatchObject({ userId: 'alice', name: 'Alice', docs: ['team/*', 'notes'], role: 'viewer' });
    expect(principal.expiresAt! - Date.now()).toBeGreaterThan(3_500_000);
    expect(principal.expiresAt! - Date.now()).toBeLessThanOrEqual(3_600_000);
  });

  it('gives every token its own id (jti), printed to stderr for tandem revoke --token-id; --id chooses it', async () => {
    const env = { env: { ...process.env, AUTH_SECRET: SECRET } };
    const first = await run(process.execPath, [MAIN, 'token', '--user', 'a', '--doc', 'x'], env);
    const second = await run(process.execPath, [MAIN, 'token', '--user', 'a', '--doc', 'x'], env);
    const [p1, p2] = [await verifyToken(SECRET, first.stdout.trim()), await verifyToken(SECRET, second.stdout.trim())];
    expect(p1.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect(p1.tokenId).not.toBe(p2.tokenId);
    expect(first.stderr).toContain(`tandem revoke --token-id ${p1.tokenId}`);
    const chosen = await run(process.execPath, [MAIN, 'token', '--user', 'a', '--doc', 'x', '--id', 'laptop-2026'], env);
    expect(await verifyToken(SECRET, chosen.stdout.trim())).toMatchObject({ tokenId: 'laptop-2026' });
  });

  it('mints an admin token (for /api/admin/*) that needs no --doc and opens no document', async () => {
    const { stdout } = await run(process.execPath, [MAIN, 'token', '--user', 'ops', '--admin'], { env: { ...process.env, AUTH_SECRET: SECRET } });
    expect(await verifyToken(SECRET, stdout.trim())).toMatchObject({ userId: 'ops', admin: true, docs: [] });
  });

  it.each([
    [['--doc', 'x'], /--user is required/],
    [['--user', 'a'], /--doc is required/],
    [['--user', 'a', '--doc', 'x', '--role', 'owner'], /Invalid --role="owner"/],
    [['--user', 'a', '--doc', 'x', '--ttl', 'soon'], /Invalid --ttl="soon"/],
  ])('refuses %j with exit code 2 and says why', async (args, message) => {
    const failure = run(process.execPath, [MAIN, 'token', ...args], { env: { ...process.env, AUTH_SECRET: SECRET } });
    await expect(failure).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
  });

  it('refuses to mint without a long enough secret', async () => {
    const env = { ...process.env, AUTH_SECRET: 'short' };
    await expect(run(process.execPath, [MAIN, 'token', '--user', 'a', '--doc', 'x'], { env })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/at least 32 characters/),
    });
  });
});
