// The revocations in force, in memory: what authentication checks on every request and upgrade (two
// map lookups, never a store query), and what tells which live connections to close.

import type { Revocation } from '@tandem/persistence';
import { parseDuration } from '../config.js';
import { TandemError } from '../errors.js';
import { parseIsoTime } from '../iso-time.js';
import { isAnonymous, type Principal } from './token.js';

const inForce = (r: Revocation, now: number): boolean => r.until === null || r.until > now;

/** Revoking again, as the store folds it (packages/persistence/src/adapters/revocation-rules.ts). */
function merge(held: Revocation | undefined, r: Revocation): Revocation {
  if (held === undefined) return r;
  const later = r.createdAt >= held.createdAt ? r : held;
  return {
    ...later,
    createdAt: Math.max(held.createdAt, r.createdAt),
    until: held.until === null || r.until === null ? null : Math.max(held.until, r.until),
  };
}

export class RevocationList {
  private users = new Map<string, Revocation>();
  private tokens = new Map<string, Revocation>();
  /** Learned one by one since the current re-read began (they may be missing from what it returns). */
  private recent: Revocation[] | undefined;

  get size(): number {
    return this.users.size + this.tokens.size;
  }

  /**
   * The revocation that withdraws `principal`'s token: its id revoked, or its user revoked at or after
   * the token was issued (a token minted since works; a token without `iat` counts as issued at 0).
   */
  covering(principal: Principal, now = Date.now()): Revocation | undefined {
    if (isAnonymous(principal) || this.size === 0) return undefined;
    const byToken = principal.tokenId === undefined ? undefined : this.tokens.get(principal.tokenId);
    if (byToken !== undefined && inForce(byToken, now)) return byToken;
    const byUser = this.users.get(principal.userId);
    if (byUser !== undefined && inForce(byUser, now) && (principal.issuedAt ?? 0) <= byUser.createdAt) return byUser;
    return undefined;
  }

  /** Throws TandemError('token-revoked') if a revocation covers `principal`. */
  check(principal: Principal, now = Date.now()): void {
    const r = this.covering(principal, now);
    if (r !== undefined) throw revokedError(r, principal);
  }

  /** Learns revocations (made here, or heard from another instance). */
  add(revocations: readonly Revocation[]): void {
    for (const r of revocations) {
      const map = r.kind === 'user' ? this.users : this.tokens;
      map.set(r.value, merge(map.get(r.value), r));
    }
    this.recent?.push(...revocations);
  }

  /** Marks the start of a re-read of the store; `replace` then keeps what was learned meanwhile. */
  beginReread(): void {
    this.recent = [];
  }

  /**
   * Takes the store's revocations in force as the whole list (those past their `until` are forgotten).
   * Returns whether it brought any this list did not cover yet (then live connections need a look).
   */
  replace(inStore: readonly Revocation[], now = Date.now()): boolean {
    const learned = this.recent ?? [];
    this.recent = undefined;
    const held = { user: this.users, token: this.tokens };
    const news = inStore.some((r) => {
      const h = held[r.kind].get(r.value);
      return inForce(r, now) && (h === undefined || h.createdAt < r.createdAt || !inForce(h, now));
    });
    this.users = new Map();
    this.tokens = new Map();
    this.add([...inStore, ...learned].filter((r) => inForce(r, now)));
    return news;
  }

  list(now = Date.now()): Revocation[] {
    return [...this.users.values(), ...this.tokens.values()].filter((r) => inForce(r, now)).sort((a, b) => a.createdAt - b.createdAt);
  }
}

export function revokedError(r: Revocation, principal: Principal): TandemError {
  const what = r.kind === 'user' ? `access of ${JSON.stringify(principal.userId)}` : 'this token';
  return new TandemError('token-revoked', `The ${what} was revoked${r.reason === '' ? '' : `: ${r.reason}`}`, {
    user: principal.userId,
    ...(principal.tokenId === undefined ? {} : { tokenId: principal.tokenId }),
  });
}

/**
 * When a revocation may be forgotten, from a command line or request: 'never' (or nothing) for null,
 * a duration from `now` (30m, 12h, 30d), an ISO time, or ms since epoch. Throws a message to show.
 */
export function parseUntil(value: string | number | null | undefined, now: number): number | null {
  if (value === undefined || value === null || value === 'never') return null;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value <= now || value > 8.64e15) throw new RangeError(`until must be a future time in ms since epoch, not ${value}`);
    return value;
  }
  const duration = parseDuration(value);
  if (duration !== undefined) {
    if (duration <= 0) throw new RangeError(`until ${JSON.stringify(value)} must be longer than nothing: the revocation would end as it is made`);
    // Date's own limit (8.64e15 ms, year 275760): past it no time can be kept, nor shown.
    if (now + duration > 8.64e15) throw new RangeError(`until ${JSON.stringify(value.slice(0, 40))} is too far ahead: use 'never'`);
    return now + duration;
  }
  const at = parseIsoTime(value);
  if (Number.isNaN(at)) throw new RangeError(`until must be 'never', a duration (30m, 12h, 30d) or an ISO time, not ${JSON.stringify(value.slice(0, 40))}`);
  if (at <= now) throw new RangeError(`until ${JSON.stringify(value)} is in the past`);
  return at;
}
