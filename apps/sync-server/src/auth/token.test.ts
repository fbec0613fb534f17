import { describe, expect, it } from 'vitest';
import { mintToken, verifyToken } from './token.js';

const SECRET = 'token-test-secret-0123456789-0123456789';

describe('verifyToken', () => {
  // The user id is the author every update is stored with: one the store cannot hold as it is (NUL, a
  // lone surrogate, which would be stored as U+FFFD and so become another user's) failed every write
  // of that connection (4503, again and again); the token is refused instead, at sign-in.
  it.each([['a\u0000b'], ['sub:\ud800'], ['\udc00x']])('refuses a token whose user id %j no store can hold as it is', async (userId) => {
    const token = await mintToken(SECRET, { userId, docs: ['*'], role: 'editor', ttl: '1h' });
    await expect(verifyToken(SECRET, token)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('takes any other user id, emoji included', async () => {
    const token = await mintToken(SECRET, { userId: 'ada 🐙', docs: ['*'], role: 'editor', ttl: '1h' });
    expect((await verifyToken(SECRET, token)).userId).toBe('ada 🐙');
  });
});
