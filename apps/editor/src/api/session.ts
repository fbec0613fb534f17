// The access token this browser uses, when the server requires one: taken from a link's
// `?token=…` once, kept in localStorage, and removed from the address bar so share links never carry it.

const KEY = 'tandem:token';

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
  return localStorage.getItem(KEY) ?? undefined;
}

/** Keeps `token` as this browser's (a share link redeemed: see share-link-entry.ts). */
export function keepToken(token: string): void {
  localStorage.setItem(KEY, token);
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

export function authHeaders(token = currentToken()): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}
