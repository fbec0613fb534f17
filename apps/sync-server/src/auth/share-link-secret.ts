// The secret a share link carries: an HS256 JWT naming the link (`lid`) for the audience
// `tandem:share-link`, signed with AUTH_SECRET. It opens nothing by itself (no `sub`, no `docs`: an
// access token check refuses it); POST /api/share-links/redeem trades it for a token of one's own.
// Without `iat` it is the same string every time, so the list of links can offer it again.

import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { TandemError } from '../errors.js';

export const SHARE_LINK_AUDIENCE = 'tandem:share-link';

const key = (secret: string) => new TextEncoder().encode(secret);

export function linkSecret(secret: string, link: { readonly id: string; readonly expiresAt: number }): Promise<string> {
  return new SignJWT({ lid: link.id })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(SHARE_LINK_AUDIENCE)
    .setExpirationTime(Math.floor(link.expiresAt / 1000))
    .sign(key(secret));
}

/** The link id a secret names; throws TandemError('unauthorized' | 'token-expired'). */
export async function linkIdOf(secret: string, linkSecretValue: string): Promise<string> {
  let payload;
  try {
    ({ payload } = await jwtVerify(linkSecretValue, key(secret), { algorithms: ['HS256'], audience: SHARE_LINK_AUDIENCE }));
  } catch (cause) {
    if (cause instanceof joseErrors.JWTExpired) throw new TandemError('token-expired', 'This share link has expired', {}, { cause });
    throw new TandemError('unauthorized', 'This share link is not valid', {}, { cause });
  }
  if (typeof payload.lid !== 'string' || payload.lid === '') throw new TandemError('unauthorized', 'This share link names no link');
  return payload.lid;
}
