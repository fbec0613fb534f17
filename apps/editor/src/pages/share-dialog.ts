// The Share dialog (sign-in on, editors): make a link with a role and an expiry, copy it, and see the
// document's links (role, expiry, who made it) with a Revoke button each. A modal <dialog>: focus stays
// inside, Esc closes, what happens is said in a live region.

import { createShareLink, listShareLinks, revokeShareLink, type ShareLinkInfo, type ShareRole } from '../api/share-links.js';
import { formatTime } from '../history/restore-dialog.js';

const DAY = 86_400;
const EXPIRIES = [
  { label: '1 day', seconds: DAY },
  { label: '7 days', seconds: 7 * DAY },
  { label: '30 days', seconds: 30 * DAY },
] as const;
/** The roles a link may grant, as offered (the server checks; a new role is one line here). */
const ROLES: ReadonlyArray<{ value: ShareRole; label: string }> = [
  { value: 'viewer', label: 'Can view' },
  { value: 'commenter', label: 'Can comment' },
  { value: 'editor', label: 'Can edit' },
];

const roleLabel = (role: string) => ROLES.find((r) => r.value === role)?.label ?? role;

/** `doc`: the document's name now (it may be renamed while the dialog is open). */
export function openShareDialog(doc: () => string, parent: HTMLElement = document.body): HTMLDialogElement {
  const dialog = document.createElement('dialog');
  dialog.className = 'share-dialog';
  dialog.setAttribute('aria-labelledby', 'share-dialog-title');
  dialog.dataset.testid = 'share-dialog';
  dialog.innerHTML = `
    <h2 id="share-dialog-title"></h2>
    <p class="hint">Each person who opens a link gets access of their own, shown under their own name. Revoking a link ends the access of everyone who opened it.</p>
    <form class="share-form">
      <label>Access <select name="role">${ROLES.map((r) => `<option value="${r.value}">${r.label}</option>`).join('')}</select></label>
      <label>Expires after <select name="expiry">${EXPIRIES.map((e, i) => `<option value="${e.seconds}"${i === 1 ? ' selected' : ''}>${e.label}</option>`).join('')}</select></label>
      <button type="submit" class="primary">Create link</button>
    </form>
    <div class="share-new" hidden>
      <label for="share-new-url">New link</label>
      <div class="share-new-row">
        <input id="share-new-url" readonly data-testid="share-url" />
        <button type="button" class="copy">Copy</button>
      </div>
    </div>
    <h3>Links to this document</h3>
    <p class="share-empty hint">No links yet.</p>
    <table class="share-links" hidden>
      <thead><tr><th scope="col">Access</th><th scope="col">Expires</th><th scope="col">Made by</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="share-status" role="status" aria-live="polite"></p>
    <div class="dialog-actions"><button type="button" class="close">Close</button></div>`;
  dialog.querySelector('h2')!.textContent = `Share “${doc()}”`;
  const form = dialog.querySelector<HTMLFormElement>('.share-form')!;
  const status = dialog.querySelector<HTMLElement>('.share-status')!;
  const newBox = dialog.querySelector<HTMLElement>('.share-new')!;
  const urlInput = dialog.querySelector<HTMLInputElement>('#share-new-url')!;
  const table = dialog.querySelector<HTMLTableElement>('.share-links')!;
  const empty = dialog.querySelector<HTMLElement>('.share-empty')!;
  const say = (text: string) => (status.textContent = text);

  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      say('Link copied.');
    } catch {
      urlInput.value = url;
      newBox.hidden = false;
      urlInput.select();
      say('Copy the selected link.');
    }
  };

  const row = (link: ShareLinkInfo): HTMLTableRowElement => {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'share-link-row';
    tr.dataset.linkId = link.id;
    const cells = [roleLabel(link.role), link.revokedAt === null ? formatTime(link.expiresAt) : 'Revoked', link.createdBy].map((text) => {
      const td = document.createElement('td');
      td.textContent = text;
      return td;
    });
    const actions = document.createElement('td');
    if (link.revokedAt === null) {
      const what = `${roleLabel(link.role).toLowerCase()} link expiring ${formatTime(link.expiresAt)}`;
      const copyButton = document.createElement('button');
      copyButton.type = 'button';
      copyButton.textContent = 'Copy';
      copyButton.setAttribute('aria-label', `Copy the ${what}`);
      copyButton.addEventListener('click', () => void copy(link.url));
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.textContent = 'Revoke';
      revoke.setAttribute('aria-label', `Revoke the ${what}`);
      revoke.addEventListener('click', async () => {
        revoke.disabled = true;
        try {
          const { closed } = await revokeShareLink(doc(), link.id);
          say(`Link revoked${closed > 0 ? `; ${closed} open ${closed === 1 ? 'page' : 'pages'} closed` : ''}.`);
          await refresh();
          // The button pressed is gone (disabled, then its row drawn again without it): focus, which fell to
          // <body>, goes to the next link's Revoke, or to Close, never out of the dialog.
          if (!dialog.contains(document.activeElement)) {
            const revokes = [...table.querySelectorAll<HTMLButtonElement>('button[aria-label^="Revoke"]')];
            const at = [...table.tBodies[0]!.rows].findIndex((r) => r.dataset.linkId === link.id);
            const next = revokes.find((b) => [...table.tBodies[0]!.rows].indexOf(b.closest('tr')!) > at) ?? revokes.at(-1);
            (next ?? dialog.querySelector<HTMLButtonElement>('.close')!).focus();
          }
        } catch (error) {
          revoke.disabled = false;
          say(`Could not revoke the link: ${(error as Error).message}`);
        }
      });
      actions.append(copyButton, revoke);
    }
    tr.append(...cells, actions);
    return tr;
  };

  const refresh = async () => {
    try {
      const links = await listShareLinks(doc());
      table.tBodies[0]!.replaceChildren(...links.map(row));
      table.hidden = links.length === 0;
      empty.hidden = links.length > 0;
    } catch (error) {
      say(`Could not load the links: ${(error as Error).message}`);
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const button = form.querySelector<HTMLButtonElement>('button')!;
    button.disabled = true;
    try {
      const link = await createShareLink(doc(), data.get('role') as ShareRole, Number(data.get('expiry')));
      urlInput.value = link.url;
      newBox.hidden = false;
      say(`${roleLabel(link.role)} link created, expiring ${formatTime(link.expiresAt)}.`);
      urlInput.focus();
      urlInput.select();
      await refresh();
    } catch (error) {
      say(`Could not create the link: ${(error as Error).message}`);
    } finally {
      button.disabled = false;
    }
  });
  dialog.querySelector('.copy')!.addEventListener('click', () => void copy(urlInput.value));
  dialog.querySelector('.close')!.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  parent.append(dialog);
  dialog.showModal();
  form.querySelector<HTMLSelectElement>('select')!.focus();
  void refresh();
  return dialog;
}
