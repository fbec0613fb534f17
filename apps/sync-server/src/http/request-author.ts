// Who an HTTP write (an edit, a copy, an import, a restore, a document deleted) is by. With a token, its
// user; without authentication, the browser's own guest id when the editor sends it (header `Tandem-Author`,
// as the WebSocket's `?author=`): stored as `guest:<id>`, unverified, the same author as that browser's
// typing. Otherwise (a program, curl) the name of the way in: `api`, `restore`.

import type { Context } from 'hono';
import { isAnonymous, type Principal } from '../auth/token.js';
import { GUEST_PREFIX } from '@tandem/persistence';
import { guestIdentity } from '../authors/guest-identity.js';

export const GUEST_AUTHOR_HEADER = 'tandem-author';

export function requestAuthor(c: Context, principal: Principal, anonymous: 'api' | 'restore' | 'local'): string {
  // The principal itself, not its id: a token may not name its user "local" (token.ts), and the id alone
  // once let one that did write as any guest (found by a review).
  if (!isAnonymous(principal)) return principal.userId;
  const guest = guestIdentity(c.req.header(GUEST_AUTHOR_HEADER), undefined);
  return guest === undefined ? anonymous : `${GUEST_PREFIX}${guest.id}`;
}
