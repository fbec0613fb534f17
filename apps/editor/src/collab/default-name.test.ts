import { describe, expect, it } from 'vitest';
import { ADJECTIVES, ANIMALS, defaultName, initials, isOldDefaultName } from './default-name.js';

describe('default names', () => {
  it('are an adjective and an animal, from enough combinations that initials usually differ', () => {
    expect(ADJECTIVES.length * ANIMALS.length).toBeGreaterThanOrEqual(1000);
    const pairs = new Set(ADJECTIVES.flatMap((a) => ANIMALS.map((b) => initials(`${a} ${b}`))));
    expect(pairs.size).toBeGreaterThanOrEqual(400);
    const names = Array.from({ length: 200 }, () => defaultName());
    for (const name of names) {
      expect(name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect(name.startsWith('Anonymous')).toBe(false);
    }
    expect(new Set(names.map(initials)).size).toBeGreaterThan(100);
  });

  it('pick from the whole of both lists', () => {
    expect(defaultName(() => 0)).toBe(`${ADJECTIVES[0]} ${ANIMALS[0]}`);
    expect(defaultName(() => 0.999999)).toBe(`${ADJECTIVES.at(-1)} ${ANIMALS.at(-1)}`);
    expect(new Set(ADJECTIVES).size).toBe(ADJECTIVES.length);
    expect(new Set(ANIMALS).size).toBe(ANIMALS.length);
  });

  it('tell the old "Anonymous …" defaults from names people chose', () => {
    expect(isOldDefaultName('Anonymous Otter')).toBe(true);
    expect(isOldDefaultName('Anonymous')).toBe(false);
    expect(isOldDefaultName('Ada Lovelace')).toBe(false);
  });
});

describe('initials', () => {
  it('take the first letter of the first two words', () => {
    expect(initials('Curious Otter')).toBe('CO');
    expect(initials('  ada   lovelace byron ')).toBe('AL');
    expect(initials('Grace')).toBe('G');
    expect(initials('Émile Zola')).toBe('ÉZ');
    expect(initials('')).toBe('');
  });
});
