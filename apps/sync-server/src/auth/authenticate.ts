// Turns a request into a Principal: the token from `Authorization: Bearer …` or `?token=…`, verified
// with the configured secret; everyone is the local editor when no secret is configured.

import type { Context } from 'hono';
import { TandemError } from '../errors.js';
import { LOCAL_PRINCIPAL, mayOpen, type Principal, verifyToken } from './token.js';

export type Authenticate = (c: Context) => Promise<Principal>;

export function createAuthenticate(secret: string | undefined): Authenticate {
  return async (c) => {
    if (secret === undefined) return LOCAL_PRINCIPAL;
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const token = bearer ?? c.req.query('token');
    if (token === undefined || token === '') {
      throw new TandemError('unauthorized', 'A token is required: Authorization: Bearer <token>, or ?token=<token>');
    }
    return verifyToken(secret, token);
  };
}

/** Throws TandemError('forbidden') unless `principal` may open `doc`. */
export function authorizeDoc(principal: Principal, doc: string): void {
  if (!mayOpen(principal, doc)) {
    throw new TandemError('forbidden', `This token does not open ${JSON.stringify(doc)}`, { doc, user: principal.userId });
  }
}
