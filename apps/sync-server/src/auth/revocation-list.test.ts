import type { Revocation } from '@tandem/persistence';
import { describe, expect, it } from 'vitest';
import { parseUntil, RevocationList } from './revocation-list.js';
import { LOCAL_PRINCIPAL, type Principal } from './token.js';

const alice = (issuedAt: number | undefined, tokenId?: string): Principal => ({
  userId: 'alice',
  name: 'Alice',
  role: 'editor',
  docs: ['*'],
  ...(issuedAt === undefined ? {} : { issuedAt }),
  ...(tokenId === undefined ? {} : { tokenId }),
});
const rev = (kind: Revocation['kind'], value: string, createdAt: number, until: number | null = null): Revocation => ({ kind, value, createdAt, until, reason: '' });

describe('the revocation list', () => {
  it('covers the tokens of a user issued up to the revocation (and those without iat), not those issued after', () => {
    const list = new RevocationList();
    list.add([rev('user', 'alice', 10_000)]);
    expect(list.covering(alice(9_000), 20_000)).toBeDefined();
    expect(list.covering(alice(10_000), 20_000)).toBeDefined();
    expect(list.covering(alice(undefined), 20_000)).toBeDefined();
    expect(list.covering(alice(11_000), 20_000)).toBeUndefined();
    expect(list.covering({ ...alice(9_000), userId: 'bob' }, 20_000)).toBeUndefined();
    expect(list.covering(LOCAL_PRINCIPAL, 20_000)).toBeUndefined();
    expect(() => list.check(alice(9_000), 20_000)).toThrow(expect.objectContaining({ code: 'token-revoked', closeCode: 4401 }));
  });

  it('covers one token by its id, whenever issued, until its until', () => {
    const list = new RevocationList();
    list.add([rev('token', 'jti-1', 10_000, 30_000)]);
    expect(list.covering(alice(50_000, 'jti-1'), 20_000)).toBeDefined();
    expect(list.covering(alice(50_000, 'jti-2'), 20_000)).toBeUndefined();
    expect(list.covering(alice(50_000, 'jti-1'), 30_000)).toBeUndefined();
    expect(list.list(30_000)).toEqual([]);
  });

  it('a re-read replaces the list, forgetting what is past its until, but keeps what was learned while it ran', () => {
    const list = new RevocationList();
    list.add([rev('user', 'old', 1, 5)]);
    list.beginReread();
    list.add([rev('token', 'new', 2)]);
    expect(list.replace([rev('user', 'old', 1, 5), rev('user', 'stored', 3)], 10)).toBe(true);
    expect(list.list(10).map((r) => r.value)).toEqual(['new', 'stored']);
    // Nothing new: no need to look at the connections again.
    expect(list.replace([rev('user', 'stored', 3)], 10)).toBe(false);
    // The same user revoked again later is news (it covers tokens issued since).
    expect(list.replace([rev('user', 'stored', 4)], 10)).toBe(true);
    list.beginReread();
    expect(list.replace([], 10)).toBe(false);
    expect(list.size).toBe(0);
  });

  it('reads until as never, a duration from now, an ISO time or ms since epoch, and refuses the past', () => {
    expect(parseUntil(undefined, 1_000)).toBeNull();
    expect(parseUntil('never', 1_000)).toBeNull();
    expect(parseUntil('2h', 1_000)).toBe(1_000 + 7_200_000);
    expect(parseUntil('2030-01-01T00:00:00Z', 1_000)).toBe(Date.parse('2030-01-01T00:00:00Z'));
    expect(parseUntil(5_000, 1_000)).toBe(5_000);
    expect(() => parseUntil('2000-01-01', Date.now())).toThrow(/past/);
    expect(() => parseUntil('soon', 1_000)).toThrow(/never/);
    // Not a day of the calendar: Date.parse alone read 30 February as 2 March.
    expect(() => parseUntil('2030-02-30T00:00:00Z', 1_000)).toThrow(/ISO time/);
    // A duration past any time a store keeps (it answered 500 from the store's refusal).
    expect(() => parseUntil('99999999999999999d', 1_000)).toThrow(RangeError);
    expect(() => parseUntil('99999999999999999d', 1_000)).toThrow(/too far/);
    // A revocation that ends as it is made revokes nothing, though `tandem revoke` said "revoked … until" now.
    expect(() => parseUntil('0s', 1_000)).toThrow(/longer than nothing/);
    expect(() => parseUntil('0d', 1_000)).toThrow(RangeError);
  });
});
