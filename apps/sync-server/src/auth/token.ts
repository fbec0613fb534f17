// Access tokens: HS256 JWTs (jose) naming a user, the documents they may open and their role.

import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { TandemError } from '../errors.js';

export type Role = 'editor' | 'viewer';

/** Who is on the other end, as proven by a verified token (or the anonymous local user). */
export interface Principal {
  readonly userId: string;
  readonly name: string;
  readonly role: Role;
  /** Exact document names, or prefix patterns ending in `*` (`team/*`; `*` is every document). */
  readonly docs: readonly string[];
  /** Milliseconds since epoch; undefined for a token without expiry. */
  readonly expiresAt?: number;
}

/** Everyone is this principal when authentication is off. */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({ userId: 'local', name: 'local', role: 'editor', docs: ['*'] });

export interface MintOptions {
  readonly userId: string;
  readonly name?: string;
  readonly docs: readonly string[];
  readonly role: Role;
  /** Seconds until expiry; jose-style strings like "1h" also work. */
  readonly ttl?: number | string;
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function mintToken(secret: string, options: MintOptions): Promise<string> {
  const jwt = new SignJWT({ name: options.name ?? options.userId, docs: [...options.docs], role: options.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuedAt();
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
  const { sub, name, docs, role, exp } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') throw new TandemError('unauthorized', 'The token names no user (sub)');
  if (role !== 'editor' && role !== 'viewer') throw new TandemError('unauthorized', 'The token role must be "editor" or "viewer"');
  if (!Array.isArray(docs) || docs.length === 0 || !docs.every((d) => typeof d === 'string' && d !== '')) {
    throw new TandemError('unauthorized', 'The token must list the documents it opens (docs)');
  }
  return {
    userId: sub,
    name: typeof name === 'string' && name !== '' ? name : sub,
    role,
    docs,
    ...(typeof exp === 'number' ? { expiresAt: exp * 1000 } : {}),
  };
}

/** Whether `principal` may open `doc`: an exact name, or a pattern `prefix*`. */
export function mayOpen(principal: Principal, doc: string): boolean {
  return principal.docs.some((pattern) => (pattern.endsWith('*') ? doc.startsWith(pattern.slice(0, -1)) : doc === pattern));
}
