// Turns a request into a Principal: the token from `Authorization: Bearer …`, a `tandem.token.…`
// WebSocket subprotocol or `?token=…`, verified with the configured secret; everyone is the local
// editor when no secret is configured.

import type { DocumentScope, DocumentStore } from '@tandem/persistence';
import type { Context } from 'hono';
import { TandemError } from '../errors.js';
import type { RevocationList } from './revocation-list.js';
import type { RevokedLinkList } from './revoked-link-list.js';
import { docScope, LOCAL_PRINCIPAL, mayOpen, type Principal, verifyToken } from './token.js';

export type Authenticate = (c: Context) => Promise<Principal>;

/** The prefix of a WebSocket subprotocol that carries the token (the server answers with plain `tandem`). */
export const TOKEN_SUBPROTOCOL = 'tandem.token.';

/**
 * A browser's WebSocket cannot send an Authorization header; offering `tandem, tandem.token.<jwt>` as
 * subprotocols keeps the token out of the URL, where proxy logs and history would keep it.
 */
const subprotocolToken = (header: string | undefined): string | undefined =>
  header
    ?.split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(TOKEN_SUBPROTOCOL))
    ?.slice(TOKEN_SUBPROTOCOL.length);

/** `revocations`, `revokedLinks`: checked after the signature (in memory, see revocation-list.ts, revoked-link-list.ts). */
export function createAuthenticate(secret: string | undefined, revocations?: RevocationList, revokedLinks?: RevokedLinkList): Authenticate {
  return async (c) => {
    if (secret === undefined) return LOCAL_PRINCIPAL;
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const token = bearer ?? subprotocolToken(c.req.header('sec-websocket-protocol')) ?? c.req.query('token');
    if (token === undefined || token === '') {
      throw new TandemError('unauthorized', 'A token is required: Authorization: Bearer <token>, or ?token=<token>');
    }
    const principal = await verifyToken(secret, token);
    revocations?.check(principal);
    revokedLinks?.check(principal);
    return principal;
  };
}

/** Where the former names of renamed documents lead (the store's redirects), and which document a share link is for. */
export type Redirects = Pick<DocumentStore, 'resolveRedirect' | 'getShareLink'>;

/** How many of a token's exact names are followed through renames (a token naming more is unusual). */
const FOLLOWED_NAMES = 50;

/**
 * Throws TandemError('forbidden') unless `principal` may open `doc`: by its token's patterns, or because
 * the token names `doc` exactly by a name it had before a rename. A token, like the share link it may come
 * from, follows its document; a prefix (`team/*`) grants a place, not a document, and is not followed.
 * The redirects are read only when the patterns refuse.
 */
export async function authorizeDoc(principal: Principal, doc: string, redirects: Redirects): Promise<void> {
  if (principal.linkId !== undefined) {
    // A share link is for one document, whatever its name: the link's own record follows renames, and
    // a new document given the old name is not the link's (the token's `docs` name it as it was).
    if ((await linkDocument(principal.linkId, redirects)) === doc) return;
    throw new TandemError('forbidden', `This share link does not open ${JSON.stringify(doc)}`, { doc, user: principal.userId });
  }
  if (mayOpen(principal, doc)) return;
  for (const name of exactNames(principal)) {
    if ((await redirects.resolveRedirect(name)) === doc) return;
  }
  throw new TandemError('forbidden', `This token does not open ${JSON.stringify(doc)}`, { doc, user: principal.userId });
}

/** The documents `principal` may list: its scope, with the names its exact names were renamed to. */
export async function listScope(principal: Principal, redirects: Redirects): Promise<DocumentScope> {
  const scope = docScope(principal);
  if (principal.linkId !== undefined) {
    const doc = await linkDocument(principal.linkId, redirects);
    return { names: doc === undefined ? [] : [doc], prefixes: [] };
  }
  const renamed = await Promise.all(exactNames(principal).map((name) => redirects.resolveRedirect(name)));
  const names = new Set([...scope.names, ...renamed.filter((name): name is string => name !== undefined)]);
  return { ...scope, names: [...names] };
}

const exactNames = (principal: Principal): string[] => principal.docs.filter((pattern) => !pattern.endsWith('*')).slice(0, FOLLOWED_NAMES);

/** The document a share link is for now (undefined once it is gone with its purged document). */
async function linkDocument(linkId: string, store: Redirects): Promise<string | undefined> {
  return (await store.getShareLink(linkId))?.doc;
}
