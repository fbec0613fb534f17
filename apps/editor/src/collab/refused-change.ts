// A change the server refused (its update gate: not this person's to make, e.g. a commenter's edit of
// the text). The change stays in this page's Y.Doc and every later change builds on it (Yjs takes a
// client's changes in order), so nothing more from this page could be stored. The page recovers the
// way a reload from the server would: it drops this browser's copy of the document, loads it again,
// and then says what happened (the reason is kept in sessionStorage across the reload).

import type { Notice } from '../pages/notice.js';

const REFUSED_PREFIX = 'tandem:refused:';

/** Drops this browser's copy of `docName` (with the refused change in it) and reloads the page. */
export async function reloadWithoutRefused(docName: string, reason: string, local: { clearData(): Promise<void> }): Promise<void> {
  try {
    sessionStorage.setItem(REFUSED_PREFIX + docName, reason);
  } catch {
    // No sessionStorage: the page still recovers, without saying why afterwards.
  }
  // A browser that never answers must not keep the page stuck: the copy goes with the reload at worst.
  await Promise.race([local.clearData(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
  location.reload();
}

/** The reason of a refusal that made this page reload, once (it is forgotten as it is read). */
export function takeRefusal(docName: string): string | undefined {
  try {
    const reason = sessionStorage.getItem(REFUSED_PREFIX + docName);
    sessionStorage.removeItem(REFUSED_PREFIX + docName);
    return reason ?? undefined;
  } catch {
    return undefined;
  }
}

export const refusalNotice = (reason: string): Notice => ({
  title: 'A change you made was not saved',
  text:
    `The server refused it (${reason}), so it was undone, with anything made after it in this tab: ` +
    'this is the document as it is saved. You can go on from here.',
  links: [],
});

/** Refused again right after the reload that should have dropped the change: the page stops there. */
export const refusedAgainNotice = (reason: string): Notice => ({
  title: 'Changes from this tab cannot be saved',
  text:
    `The server refused a change again (${reason}) after the page was reloaded to drop it. Nothing more from ` +
    "this tab is saved: close it, clear this site's data in the browser, and open the document again.",
  links: [],
});
