// The local person: a stable random id, a display name and a colour, kept in this browser for next
// time (a default name such as "Curious Otter" and a palette colour until they choose). The id is what the server records as this person's author when no token says who they are
// (see syncDocument); it stays in this browser and is not shown to the others.

import { defaultName, isOldDefaultName } from './default-name.js';
import { PALETTE } from './presence-colors.js';

export interface User {
  /** 22 base64url characters (16 random bytes), made once per browser. */
  readonly id: string;
  readonly name: string;
  /** 6-digit hex: y-prosemirror appends an alpha suffix for selections. */
  readonly color: string;
}

const KEY = 'tandem:user';
/** Set once the person typed a name of their own (see the page's name field): never replaced then. */
export const NAMED_KEY = 'tandem:user-named';
/** What the server accepts as an id (sync-server authors/guest-identity.ts). */
const ID = /^[A-Za-z0-9_-]{16,64}$/;

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

/** 16 random bytes as unpadded base64url: 22 characters. */
export function newUserId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function loadUser(storage: Storage = localStorage): User {
  let saved: Partial<User> | null = null;
  try {
    saved = JSON.parse(storage.getItem(KEY) ?? 'null') as Partial<User> | null;
  } catch {
    // A corrupt entry is replaced below.
  }
  if (saved && typeof saved.name === 'string' && /^#[0-9a-f]{6}$/i.test(saved.color ?? '')) {
    // An "Anonymous …" default from before (every avatar an "A"): a new default, same id and colour.
    const renamed = isOldDefaultName(saved.name) && storage.getItem(NAMED_KEY) === null;
    const name = renamed ? defaultName() : saved.name;
    if (typeof saved.id === 'string' && ID.test(saved.id)) {
      const user = { id: saved.id, name, color: saved.color! };
      if (renamed) saveUser(user, storage);
      return user;
    }
    // Saved before users had ids: keep the name and colour, add an id once.
    const user = { id: newUserId(), name, color: saved.color! };
    saveUser(user, storage);
    return user;
  }
  const user = { id: newUserId(), name: defaultName(), color: pick(PALETTE) };
  saveUser(user, storage);
  return user;
}

export function saveUser(user: User, storage: Storage = localStorage): void {
  storage.setItem(KEY, JSON.stringify(user));
}

/** What the others see of this person (awareness `user`): never the id, which would let them pose as them. */
export const presenceOf = (user: User): { name: string; color: string } => ({ name: user.name, color: user.color });
