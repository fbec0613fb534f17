import { describe, expect, it } from 'vitest';
import { contrastOnWhite, PALETTE } from './presence-colors.js';
import { loadUser, NAMED_KEY, newUserId, presenceOf, saveUser } from './user.js';

/** The Web Storage API over a Map (Node has no localStorage). */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe('the local user', () => {
  it('makes a random 22-character base64url id once, and keeps it with the name across loads', () => {
    const storage = new MemoryStorage();
    const first = loadUser(storage);
    expect(first.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    saveUser({ ...first, name: 'Ada' }, storage);
    expect(loadUser(storage)).toEqual({ ...first, name: 'Ada' });
    expect(new Set(Array.from({ length: 200 }, newUserId)).size).toBe(200);
  });

  it('gives a user saved before ids existed an id, keeping their name and colour', () => {
    const storage = new MemoryStorage();
    storage.setItem('tandem:user', JSON.stringify({ name: 'Grace', color: '#2563eb' }));
    const user = loadUser(storage);
    expect(user).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), name: 'Grace', color: '#2563eb' });
    expect(loadUser(storage).id).toBe(user.id); // saved: the same next time
    storage.setItem('tandem:user', JSON.stringify({ id: 'bad id', name: 'Grace', color: '#2563eb' }));
    expect(loadUser(storage).id).not.toBe('bad id');
  });

  it('names a new person with an adjective and an animal, in a palette colour readable under white text', () => {
    const user = loadUser(new MemoryStorage());
    expect(user.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(user.name).not.toMatch(/^Anonymous/);
    expect(PALETTE).toContain(user.color);
    expect(contrastOnWhite(user.color)).toBeGreaterThanOrEqual(4.5);
  });

  it('replaces an old "Anonymous …" default once, keeping id and colour, but never a name the person chose', () => {
    const storage = new MemoryStorage();
    storage.setItem('tandem:user', JSON.stringify({ id: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'Anonymous Otter', color: '#2563eb' }));
    const renamed = loadUser(storage);
    expect(renamed).toEqual({ id: 'AAAAAAAAAAAAAAAAAAAAAA', name: expect.not.stringMatching(/^Anonymous/), color: '#2563eb' });
    expect(loadUser(storage)).toEqual(renamed);
    // Typed by the person (the name field sets NAMED_KEY): theirs.
    storage.setItem('tandem:user', JSON.stringify({ id: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'Anonymous Otter', color: '#2563eb' }));
    storage.setItem(NAMED_KEY, '1');
    expect(loadUser(storage).name).toBe('Anonymous Otter');
  });

  it('shows the others a name and colour, never the id', () => {
    expect(presenceOf({ id: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'Ada', color: '#123456' })).toEqual({ name: 'Ada', color: '#123456' });
  });
});
