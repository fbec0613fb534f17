// Access tokens: HS256 JWTs (jose) naming a user, the documents they may open and their role.

import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { COMPACTED_AUTHOR, CONNECTION_PREFIX, type DocumentScope, GUEST_PREFIX, isStorableAuthor } from '@tandem/persistence';
import { TandemError } from '../errors.js';

/** `editor` writes anything; `commenter` reads and writes comments only; `viewer` only reads. */
export type Role = 'editor' | 'commenter' | 'viewer';

export const ROLES: readonly Role[] = ['editor', 'commenter', 'viewer'];

export const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);

/** Whether `role` may write comments (add, reply, resolve, reopen, delete its own). */
export const mayComment = (role: Role): boolean => role !== 'viewer';

/** Who is on the other end, as proven by a verified token (or the anonymous local user). */
export interface Principal {
  readonly userId: string;
  readonly name: string;
  readonly role: Role;
  /** Exact document names, or prefix patterns ending in `*` (`team/*`; `*` is every document). */
  readonly docs: readonly string[];
  /** Milliseconds since epoch; undefined for a token without expiry. */
  readonly expiresAt?: number;
  /** The token's id (`jti`), by which this one token can be revoked; undefined for a token without one. */
  readonly tokenId?: string;
  /** When the token was issued (`iat`, ms since epoch); a token without one counts as issued at 0. */
  readonly issuedAt?: number;
  /** May manage revocations (`admin: true` in the token; see `tandem token --admin`). */
  readonly admin?: boolean;
  /** The share link this token was redeemed from (`lid`): refused once the link is revoked (see share-links.ts). */
  readonly linkId?: string;
}

/** Everyone is this principal when authentication is off. */
/**
 * Whether `id` is one the server stores for authors no token names: requests without authentication (`local`,
 * `api`, `restore`), a browser's own id (`guest:…`), a connection's (`conn-…`), compaction's merges. A token
 * naming such a user would write as them, and own what they wrote before sign-in was turned on (found by a
 * review: one with `sub: "local"` wrote under any guest's name, past the client-id check).
 */
export function anonymousAuthor(id: string): boolean {
  return ['local', 'api', 'restore', COMPACTED_AUTHOR].includes(id) || id.startsWith(GUEST_PREFIX) || id.startsWith(CONNECTION_PREFIX);
}

export const LOCAL_PRINCIPAL: Principal = Object.freeze({ userId: 'local', name: 'local', role: 'editor', docs: ['*'] });

/**
 * Whether `principal` is the one of a request or connection without authentication (no AUTH_SECRET): no
 * token says who it is. Told by the object itself, never by its id (a token may not name its user "local",
 * and the id alone once let one that did write as any guest).
 */
export const isAnonymous = (principal: Principal): boolean => principal === LOCAL_PRINCIPAL;

export interface MintOptions {
  readonly userId: string;
  readonly name?: string;
  readonly docs: readonly string[];
  readonly role: Role;
  /** Seconds until expiry; jose-style strings like "1h" also work. */
  readonly ttl?: number | string;
  /** The token's id (`jti`); default a random UUID, null for none. */
  readonly tokenId?: string | null;
  /** An admin token (may call /api/admin/*). */
  readonly admin?: boolean;
  /** The share link it is redeemed from (claim `lid`). */
  readonly linkId?: string;
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function mintToken(secret: string, options: MintOptions): Promise<string> {
  const jwt = new SignJWT({ name: options.name ?? options.userId, docs: [...options.docs], role: options.role, ...(options.admin === true ? { admin: true } : {}), ...(options.linkId === undefined ? {} : { lid: options.linkId }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuedAt();
  const tokenId = options.tokenId === undefined ? randomUUID() : options.tokenId;
  if (tokenId !== null) jwt.setJti(tokenId);
  if (options.ttl !== undefined) jwt.setExpirationTime(typeof options.ttl === 'number' ? `${options.ttl}s` : options.ttl);
  return jwt.sign(key(secret));
}

/** Verifies signature, expiry and claims; throws TandemError('unauthorized' | 'token-expired'). */
export async function verifyToken(secret: string, token: string): Promise<Principal> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'] }));
  } catch (cause) {
    if (cause instanceof joseErrors.JWTExpired) throw new TandemError('token-expired', 'The token has expired', {}, { cause });
    throw new TandemError('unauthorized', 'The token is not valid', {}, { cause });
  }
  const { sub, name, docs, role, exp, iat, jti, admin, lid } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') throw new TandemError('unauthorized', 'The token names no user (sub)');
  // The user id is the author every update of theirs is stored with: one no store holds as it is would fail each write.
  if (!isStorableAuthor(sub)) throw new TandemError('unauthorized', 'The token\'s user (sub) holds a NUL or a lone surrogate');
  if (anonymousAuthor(sub)) throw new TandemError('unauthorized', `The token's user (sub) ${JSON.stringify(sub)} is a name the server gives authors without a token`);
  if (!isRole(role)) throw new TandemError('unauthorized', 'The token role must be "editor", "commenter" or "viewer"');
  // An admin token may open no document: it is for the admin API.
  if (!Array.isArray(docs) || (docs.length === 0 && admin !== true) || !docs.every((d) => typeof d === 'string' && d !== '')) {
    throw new TandemError('unauthorized', 'The token must list the documents it opens (docs)');
  }
  if (jti !== undefined && (typeof jti !== 'string' || jti === '')) throw new TandemError('unauthorized', 'The token id (jti) must be a non-empty string');
  if (lid !== undefined && (typeof lid !== 'string' || lid === '')) throw new TandemError('unauthorized', 'The share link id (lid) must be a non-empty string');
  return {
    userId: sub,
    name: typeof name === 'string' && name !== '' ? name : sub,
    role,
    docs,
    ...(typeof exp === 'number' ? { expiresAt: exp * 1000 } : {}),
    ...(typeof jti === 'string' ? { tokenId: jti } : {}),
    ...(typeof iat === 'number' ? { issuedAt: iat * 1000 } : {}),
    ...(admin === true ? { admin: true } : {}),
    ...(typeof lid === 'string' ? { linkId: lid } : {}),
  };
}

/** Whether `principal` may open `doc`: an exact name, or a pattern `prefix*`. */
export function mayOpen(principal: Principal, doc: string): boolean {
  return principal.docs.some((pattern) => (pattern.endsWith('*') ? doc.startsWith(pattern.slice(0, -1)) : doc === pattern));
}

/** The documents `principal` may open, as a store scope: the same rule as mayOpen, for a query to apply. */
export function docScope(principal: Principal): DocumentScope {
  return {
    names: principal.docs.filter((pattern) => !pattern.endsWith('*')),
    prefixes: principal.docs.filter((pattern) => pattern.endsWith('*')).map((pattern) => pattern.slice(0, -1)),
  };
}
