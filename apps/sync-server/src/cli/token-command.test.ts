import { describe, expect, it } from 'vitest';
import { verifyToken } from '../auth/token.js';
import { ConfigError } from '../config.js';
import { runTokenCommand } from './token-command.js';

const SECRET = 'token-command-secret-0123456789-0123456789';

describe('tandem token --role', () => {
  it('mints a commenter token, which verifies as one', async () => {
    const { token } = await runTokenCommand(['--user', 'cat', '--doc', 'team/*', '--role', 'commenter', '--secret', SECRET], {});
    expect(await verifyToken(SECRET, token)).toMatchObject({ userId: 'cat', role: 'commenter', docs: ['team/*'] });
  });

  it('refuses a role it does not know, naming the three it does', async () => {
    const minted = runTokenCommand(['--user', 'x', '--doc', 'd', '--role', 'owner', '--secret', SECRET], {});
    await expect(minted).rejects.toBeInstanceOf(ConfigError);
    await expect(minted).rejects.toThrow('editor, commenter or viewer');
  });
});
