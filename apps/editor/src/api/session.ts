// The access token this browser uses, when the server requires one: taken from a link's
// `?token=…` once, kept in localStorage, and removed from the address bar so share links never carry it.

import { loadUser } from '../collab/user.js';

const KEY = 'tandem:token';
/**
 * Tokens from share links, by the document each opens (a redeemed link's token opens that one document).
 * Kept apart from KEY: a link opened for one document must not take away the sign-in (or an earlier
 * link's token) that opens the others.
 */
const LINK_KEY = 'tandem:link-tokens';

/** The document this page shows, if it shows one (set before any token is read). */
let pageDoc: string | undefined;

/** This page is document `doc`'s: a share link's token for it comes before the browser's own. */
export function useDocument(doc: string): void {
  pageDoc = doc;
}

function linkTokens(): Record<string, string> {
  try {
    const all = JSON.parse(localStorage.getItem(LINK_KEY) ?? '{}') as unknown;
    return all !== null && typeof all === 'object' && !Array.isArray(all) ? (all as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Whether `token`'s claims name `doc` (a pattern ending in `*` names every document it starts). */
export function tokenOpens(token: string | undefined, doc: string): boolean {
  const claims = tokenClaims(token) as { docs?: unknown };
  return Array.isArray(claims.docs) && claims.docs.some((p) => typeof p === 'string' && (p.endsWith('*') ? doc.startsWith(p.slice(0, -1)) : p === doc));
}

export interface TokenClaims {
  readonly sub?: string;
  readonly name?: string;
  readonly role?: 'editor' | 'commenter' | 'viewer';
  readonly exp?: number;
  /** The share link the token was redeemed from. */
  readonly lid?: string;
}

export function currentToken(): string | undefined {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null && fromUrl !== '') {
    localStorage.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  const own = localStorage.getItem(KEY) ?? undefined;
  if (pageDoc === undefined || tokenOpens(own, pageDoc)) return own;
  return linkTokens()[pageDoc] ?? own;
}

/**
 * Keeps `token`, redeemed from a share link for `doc` (see share-link-entry.ts), for that document. It
 * becomes the browser's token for the start page too only when no sign-in of the person's own is kept.
 */
export function keepToken(token: string, doc: string): void {
  const all = linkTokens();
  all[doc] = token;
  localStorage.setItem(LINK_KEY, JSON.stringify(all));
  const own = localStorage.getItem(KEY) ?? undefined;
  if (own === undefined || tokenClaims(own).lid !== undefined) localStorage.setItem(KEY, token);
}

/** The document was renamed from `from` to `to`: a share link's token for it (which still opens it) goes along. */
export function carryToken(from: string, to: string): void {
  const all = linkTokens();
  if (all[from] === undefined) return;
  all[to] = all[from];
  localStorage.setItem(LINK_KEY, JSON.stringify(all));
}

/** The secret of a share link opened (`#share=…`), taken out of the address bar so it is not copied on. */
export function takeShareSecret(): string | undefined {
  const secret = new URLSearchParams(location.hash.slice(1)).get('share');
  if (secret === null || secret === '') return undefined;
  history.replaceState(history.state, '', location.pathname + location.search);
  return secret;
}

/** The token's claims, read without verifying (the server verifies; this only shapes the UI). */
export function tokenClaims(token: string | undefined): TokenClaims {
  if (token === undefined) return {};
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as TokenClaims;
  } catch {
    return {};
  }
}

/**
 * Whether `claims` are an editor's own sign-in, not a share link's: what the server asks of whoever makes
 * share links, creates, deletes or restores documents (requireEditor and requireNoShareLink).
 */
export const isOwnEditor = (claims: TokenClaims): boolean => claims.role === 'editor' && claims.lid === undefined;

/**
 * What says who a request is by: the token; without one (authentication off), this browser's id, as its
 * WebSocket presents it (`?author=`), so that a copy, an import or a restore made here is this person's,
 * not "api" (the server stores it as the same unverified guest author as their typing).
 */
export function authHeaders(token = currentToken()): Record<string, string> {
  if (token !== undefined) return { authorization: `Bearer ${token}` };
  try {
    return { 'tandem-author': loadUser().id };
  } catch {
    return {}; // no storage here: no id kept either
  }
}
