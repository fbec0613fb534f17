import { describe, expect, it } from 'vitest';
import { cleanName, guestIdentity } from './guest-identity.js';

describe('guest identity', () => {
  it('accepts the ids the editor makes and refuses anything else', () => {
    expect(guestIdentity('AbCdEfGhIjKlMnOpQrSt_-', 'Ada')).toEqual({ id: 'AbCdEfGhIjKlMnOpQrSt_-', name: 'Ada' });
    expect(guestIdentity('a'.repeat(64), undefined)).toEqual({ id: 'a'.repeat(64) });
    for (const bad of [undefined, '', 'a'.repeat(15), 'a'.repeat(65), 'guest:aaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaa=', 'aaaaaaaa aaaaaaaa']) {
      expect(guestIdentity(bad, 'Ada')).toBeUndefined();
    }
  });

  it('cleans a name, and ignores one that is empty or too long once cleaned', () => {
    expect(cleanName('  Ada \n\t Lovelace\u0000 ')).toBe('Ada Lovelace');
    expect(cleanName('Zoë 👩‍💻')).toBe('Zoë 👩‍💻');
    expect(cleanName('x'.repeat(80))).toBe('x'.repeat(80));
    expect(guestIdentity('a'.repeat(16), 'x'.repeat(81))).toEqual({ id: 'a'.repeat(16) });
    expect(cleanName(' \u0007 ')).toBeUndefined();
    // Invisible characters that would let a name pose as another; a lone surrogate no store keeps.
    expect(cleanName('Al\u00adi\u2060ce\u061c \u206a\uD800')).toBe('Alice');
    expect(cleanName(42)).toBeUndefined();
  });
});
