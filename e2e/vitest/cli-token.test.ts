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
