// The share links revoked and not yet expired, in memory: what authentication checks on every request
// and upgrade (one set lookup for a token redeemed from a link), and what tells which live connections
// to close. Filled from the store (see share-links.ts), like the revocations (revocation-list.ts).

import { TandemError } from '../errors.js';
import type { Principal } from './token.js';

export class RevokedLinkList {
  private ids = new Set<string>();

  get size(): number {
    return this.ids.size;
  }

  covers(principal: Principal): boolean {
    return principal.linkId !== undefined && this.ids.has(principal.linkId);
  }

  /** Throws TandemError('token-revoked') if `principal`'s token came from a revoked link. */
  check(principal: Principal): void {
    if (this.covers(principal)) throw revokedLinkError(principal);
  }

  add(id: string): void {
    this.ids.add(id);
  }

  /**
   * Takes the store's revoked links as the whole list, keeping `learned` (revoked here since the read
   * began). Returns whether it brought any this list did not hold (then live connections need a look).
   */
  replace(inStore: readonly string[], learned: readonly string[] = []): boolean {
    const news = inStore.some((id) => !this.ids.has(id));
    this.ids = new Set([...inStore, ...learned]);
    return news;
  }
}

export function revokedLinkError(principal: Principal): TandemError {
  return new TandemError('token-revoked', 'The share link this access came from was revoked', {
    user: principal.userId,
    ...(principal.linkId === undefined ? {} : { linkId: principal.linkId }),
  });
}
