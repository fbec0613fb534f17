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

describe('tandem token refuses to mint a token every server would refuse', () => {
  it.each([
    [['--doc', ''], /--doc/],
    [['--doc', 'team/*', '--doc', ' '], /--doc/],
    [['--doc', 'd', '--ttl', '0'], /--ttl/],
    [['--doc', 'd', '--ttl', '0s'], /--ttl/],
  ])('%j', async (args, message) => {
    const minted = runTokenCommand(['--user', 'ada', ...args, '--secret', SECRET], {});
    await expect(minted).rejects.toBeInstanceOf(ConfigError);
    await expect(minted).rejects.toThrow(message);
  });

  it('names the user as tandem revoke --user does (trimmed), so that revoking the user covers the token', async () => {
    const { token } = await runTokenCommand(['--user', ' ada ', '--doc', 'd', '--secret', SECRET], {});
    expect(await verifyToken(SECRET, token)).toMatchObject({ userId: 'ada', name: 'ada' });
    await expect(runTokenCommand(['--user', '  ', '--doc', 'd', '--secret', SECRET], {})).rejects.toThrow(/--user/);
  });
});
