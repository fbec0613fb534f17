// Opening a share link (`/d/<doc>#share=<secret>`): the secret is traded for a token of this person's
// own (their name as this browser knows it), kept like any token, before the document opens.

import { currentToken, keepToken, takeShareSecret, tokenClaims, tokenOpens } from '../api/session.js';
import { redeemShareLink } from '../api/share-links.js';
import { loadUser } from '../collab/user.js';
import { BASE_PATH } from '../base-path.js';
import { createNotice } from './notice.js';

/** Whether `token` is a sign-in of one's own (not from a share link) that opens `doc` already. */
function opensAlready(token: string | undefined, doc: string): boolean {
  return token !== undefined && tokenClaims(token).lid === undefined && tokenOpens(token, doc);
}

/**
 * Resolves true when the page may open `doc` (no link, or the link redeemed). Someone whose own token
 * opens the document already (its maker, trying the link) keeps it rather than trading it for less.
 */
export async function enterByShareLink(root: HTMLElement, doc: string): Promise<boolean> {
  const secret = takeShareSecret();
  if (secret === undefined || opensAlready(currentToken(), doc)) return true;
  try {
    // The name this browser goes by (one chosen, or the one it was given) is the name the others see.
    const { token } = await redeemShareLink(secret, loadUser().name, currentToken());
    keepToken(token, doc);
    return true;
  } catch (error) {
    root.replaceChildren(
      createNotice({
        title: 'This share link no longer works',
        text: `${(error as Error).message}. Ask the person who shared it for a new link.`,
        links: [{ label: 'All documents', href: BASE_PATH }],
      }),
    );
    return false;
  }
}
