// The share_links table as both adapters keep it: its row, and the check of what is stored.

import { PersistenceError } from '../errors.js';
import type { ShareLink, ShareLinkRole } from '../types.js';

export interface ShareLinkRow {
  id: string;
  doc: string;
  role: ShareLinkRole;
  created_by: string;
  created_by_token: string | null;
  created_at: number | string;
  expires_at: number | string;
  revoked_at: number | string | null;
}

/** PostgreSQL hands bigint back as a string. */
export const toShareLink = (r: ShareLinkRow): ShareLink => ({
  id: r.id,
  doc: r.doc,
  role: r.role,
  createdBy: r.created_by,
  ...(r.created_by_token === null ? {} : { createdByToken: r.created_by_token }),
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
});

const ROLES: readonly ShareLinkRole[] = ['editor', 'viewer', 'commenter'];
const MAX_ID_LENGTH = 64;
const MAX_USER_LENGTH = 256;
const isTime = (t: unknown): t is number => Number.isSafeInteger(t) && (t as number) >= 0;

export function checkShareLink(link: ShareLink): ShareLink {
  const what = `Share link ${JSON.stringify(link.id)}`;
  if (typeof link.id !== 'string' || link.id.length === 0 || link.id.length > MAX_ID_LENGTH) {
    throw new PersistenceError('invalid-argument', `${what}: the id must be 1..${MAX_ID_LENGTH} characters`);
  }
  if (!ROLES.includes(link.role)) throw new PersistenceError('invalid-argument', `${what}: role ${JSON.stringify(link.role)} must be one of ${ROLES.join(', ')}`);
  if (typeof link.createdBy !== 'string' || link.createdBy.length === 0 || link.createdBy.length > MAX_USER_LENGTH) {
    throw new PersistenceError('invalid-argument', `${what}: createdBy must be 1..${MAX_USER_LENGTH} characters`);
  }
  if (link.createdByToken !== undefined && (typeof link.createdByToken !== 'string' || link.createdByToken.length === 0 || link.createdByToken.length > MAX_USER_LENGTH)) {
    throw new PersistenceError('invalid-argument', `${what}: createdByToken must be 1..${MAX_USER_LENGTH} characters`);
  }
  if (!isTime(link.createdAt) || !isTime(link.expiresAt) || (link.revokedAt !== null && !isTime(link.revokedAt))) {
    throw new PersistenceError('invalid-argument', `${what}: times must be non-negative integers (ms since epoch)`);
  }
  if (link.expiresAt <= link.createdAt) throw new PersistenceError('invalid-argument', `${what}: it must expire after it is created`);
  return link;
}

export const SHARE_LINK_COLUMNS = 'id, doc, role, created_by, created_at, expires_at, revoked_at, created_by_token';

/**
 * A user revocation ends the links that user made up to its time (a link outlives the tokens of its
 * maker otherwise): revoked at that time, in the revocation's transaction. Parameters: the time, the user.
 */
export const revokeLinksOfUserSql = (at: string, user: string): string =>
  `UPDATE share_links SET revoked_at = ${at} WHERE created_by = ${user} AND created_at <= ${at} AND revoked_at IS NULL`;

/**
 * A token revocation (by its id) ends the links made with that token, as a user revocation ends the user's:
 * a leaked token's holder could otherwise have made themselves a link that outlives it.
 */
export const revokeLinksOfTokenSql = (at: string, token: string): string =>
  `UPDATE share_links SET revoked_at = ${at} WHERE created_by_token = ${token} AND revoked_at IS NULL`;
