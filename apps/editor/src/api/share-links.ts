// Share links over the server's HTTP API (sign-in on): make, list and revoke a document's links, and
// trade a link's secret for a token of one's own.

import { appPath } from '../base-path.js';
import { ApiError } from './client.js';
import { authHeaders } from './session.js';

export type ShareRole = 'viewer' | 'commenter' | 'editor';

export interface ShareLinkInfo {
  readonly id: string;
  readonly url: string;
  readonly role: ShareRole;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
}

async function call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(appPath(path), {
    method,
    headers: { accept: 'application/json', ...authHeaders(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) {
    const error = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(res.status, error.error?.code ?? 'http-error', error.error?.message ?? `${method} ${path}: HTTP ${res.status}`);
  }
  return (await res.json()) as T;
}

const linksPath = (doc: string) => `/api/docs/${encodeURIComponent(doc)}/share-links`;

export const listShareLinks = async (doc: string): Promise<ShareLinkInfo[]> => (await call<{ links: ShareLinkInfo[] }>('GET', linksPath(doc))).links;

export const createShareLink = (doc: string, role: ShareRole, expiresIn: number): Promise<ShareLinkInfo> =>
  call<ShareLinkInfo>('POST', linksPath(doc), { role, expiresIn });

export const revokeShareLink = (doc: string, id: string): Promise<{ closed: number }> =>
  call<{ closed: number }>('DELETE', `${linksPath(doc)}/${encodeURIComponent(id)}`);

/** `held`: the token this browser has (from the same link, the server keeps its user id). */
export const redeemShareLink = (secret: string, name: string | undefined, held: string | undefined): Promise<{ token: string; expiresAt: string }> =>
  call('POST', '/api/share-links/redeem', { secret, ...(name === undefined ? {} : { name }) }, held);
