// A share link opened in the tab already on its document. The page takes the link's secret out of the
// address (session.ts, takeShareSecret), so the link differs from the address only in its `#share=…`, and a
// browser does not load a page again for a new fragment: the link was not used (the page kept saying it
// needed one, or kept a viewer's access when the link gave an editor's; found by a review). Such a
// fragment now opens the page again, where the link is entered as on any first opening.

/** Whether a location fragment (`#share=…&…`) carries a share link's secret. */
export const carriesShareLink = (hash: string): boolean => (new URLSearchParams(hash.replace(/^#/, '')).get('share') ?? '') !== '';

/** Opens the page again when a share link arrives in its fragment (leaving it asks first if changes are unsaved). */
export function reopenOnShareLink(win: Window = window): void {
  win.addEventListener('hashchange', () => {
    if (carriesShareLink(win.location.hash)) win.location.reload();
  });
}
