// The document page: header with status and share link, toolbar, editor, and the people in it.

import { yUndoPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { carryToken, currentToken, isOwnEditor, tokenClaims, useDocument } from '../api/session.js';
import { neverAwayToSelf, renderPresence } from '../collab/presence.js';
import { presenceColors } from '../collab/presence-colors.js';
import { createStatusAnnouncer } from '../collab/status-announcer.js';
import { createStatusText, SAVED_TEXT, SAVING_TEXT } from '../collab/status-text.js';
import { readSelectionBeforeMessages } from '../collab/selection-before-messages.js';
import { type SyncStatus, syncDocument } from '../collab/sync-status.js';
import { loadUser, presenceOf, saveUser, type User } from '../collab/user.js';
import { createEditor } from '../editor.js';
import { createHistoryView, type HistoryView } from '../history/history-view.js';
import { createRestoreNotice } from '../history/restore-notice.js';
import { createPictureNotice, type LeftOut, PICTURES_LEFT_OUT } from '../pasted-pictures.js';
import { createToolbar } from '../toolbar.js';
import { createWordCount } from '../formats/inline-formats.js';
import { COMMENT_KEYS, createComments } from '../comments/index.js';
import { AuthorshipIndex } from '../authorship/authorship-index.js';
import { authorshipPlugin } from '../authorship/authorship-plugin.js';
import { authorshipRemembered, createAuthorshipToggle } from '../authorship/authorship-toggle.js';
import { accessNotice } from './access-notice.js';
import { createNotice } from './notice.js';
import { BASE_PATH } from '../base-path.js';
import { documentPath } from '../api/client.js';
import { isMoved, newNameOf } from '../collab/moved.js';
import { createDocumentName } from './document-name.js';
import { carryClients, keepTextThroughJoins, ownClients, rememberedClients, rememberInstead } from '../collab/join-rescue.js';
import { offerOnLeave, takeOffered } from '../collab/reused-client.js';
import { type Retyped, undoableWithTheOriginal } from '../collab/rescue-undo.js';
import { createFind } from '../find/index.js';
import { openShareDialog } from './share-dialog.js';
import { tuckNameField } from '../collab/name-field.js';
import { refusalNotice, refusedAgainNotice, reloadWithoutRefused, takeRefusal } from '../collab/refused-change.js';

/** How long the document stays unchanged before the open history view reads its timeline again. */
const HISTORY_REFRESH_MS = 1_000;
/** Longest the open history view waits behind changes that never pause (someone typing steadily). */
const HISTORY_REFRESH_MAX_MS = 5_000;

const STATUS_TEXT = (s: SyncStatus, readOnly: boolean, commentOnly: boolean): string => {
  if (s.refused !== '' && s.connection !== 'denied') return 'Change refused · not saved';
  if (s.connection === 'denied') {
    if (/^4?401 token-revoked\b/.test(s.deniedReason)) return 'Access withdrawn · ask for a new link';
    if (/^4?401\b/.test(s.deniedReason)) return 'Access expired or invalid · ask for a new link';
    if (/^4?403\b/.test(s.deniedReason)) return 'No access to this document';
    if (/^4?410\b/.test(s.deniedReason)) return 'In the trash · editing is off';
    if (isMoved(s.deniedReason)) return 'Renamed · opening it under its new name…';
    return `Disconnected by the server · ${s.deniedReason}`;
  }
  const only = commentOnly ? 'Comment only' : 'View only';
  if (readOnly) return s.connection === 'connected' ? only : s.connection === 'offline' ? `${only} · offline` : 'Connecting…';
  // Never "kept" when this browser's copy cannot keep them: closing the tab would lose them.
  if (s.connection === 'offline') return s.localFailure === '' ? 'Offline · changes kept in this browser' : 'Offline · changes cannot be kept in this browser';
  if (s.connection === 'connecting') return 'Connecting…';
  return s.saved ? SAVED_TEXT : SAVING_TEXT;
};

export function renderDocument(root: HTMLElement, name: string): void {
  document.title = `${name} · Tandem`;
  root.innerHTML = `
    <header class="topbar">
      <a class="brand" href="${BASE_PATH}" title="All documents">Tandem</a>
      <div class="doc-name-slot"></div>
      <div class="status" data-testid="status">
        <span class="status-dot"></span><span class="status-text">Connecting…</span>
      </div>
      <button type="button" class="history-toggle" aria-pressed="false" title="Browse, compare and restore earlier versions">History</button>
      <button type="button" class="share" title="Copy the link to this document">Share</button>
    </header>
    <div class="doc-layout">
      <main class="doc-main">
        <div class="toolbar-slot"></div>
        <div class="editor" data-testid="editor"></div>
      </main>
      <aside class="sidebar" aria-label="People in this document">
        <h2>In this document</h2>
        <ul class="people" data-testid="people"></ul>
        <label class="my-name">Your name
          <input type="text" maxlength="40" autocomplete="nickname" data-testid="my-name" />
        </label>
      </aside>
    </div>`;

  const doc = new Y.Doc();
  const token = currentToken();
  const claims = tokenClaims(token);
  // A commenter reads the text and writes comments only (the server refuses anything else).
  const readOnly = claims.role === 'viewer' || claims.role === 'commenter';
  const canComment = claims.role !== 'viewer';
  let user: User = loadUser();
  if (claims.name !== undefined && localStorage.getItem('tandem:user-named') === null) user = { ...user, name: claims.name };
  // Whose Yjs client ids are this person's here (join-rescue.ts): known before the first sync is handled.
  const ownership = readOnly ? undefined : ownClients(name, doc);
  // Whose writing this page's is, for taking back an earlier page's client id (reused-client.ts).
  // A token without a subject names nobody: such a page keeps its own new id.
  const who = token === undefined ? `guest:${user.id}` : claims.sub === undefined ? undefined : `user:${claims.sub}`;
  // Without a token, this browser's own id is who the server records as the author of what is typed here.
  const sync = syncDocument(name, doc, {
    ...(token === undefined ? { identity: { id: user.id, name: user.name } } : { token }),
    authors: authorshipRemembered(),
    ...(ownership === undefined ? {} : { connectAfter: ownership.ready }),
    // An editor's page writes on under an earlier page's id when it safely can, rather than adding one.
    ...(ownership === undefined || who === undefined
      ? {}
      : {
          beforeConnect: () =>
            takeOffered({
              docName: name,
              who,
              doc,
              awareness: sync.provider.awareness,
              usedHere: (id) => rememberedClients(name).includes(id),
              taking: (taken, own, storedClock) => {
                sync.assumeStored(taken, storedClock);
                rememberInstead(name, own, taken);
              },
            }),
        }),
  });
  const awareness = sync.provider.awareness;
  // Text typed here into a paragraph someone else joins meanwhile is typed again where it was (see join-rescue.ts).
  // Ctrl+Z takes such text back like the rest of its undo step (rescue-undo.ts): the editor's undo manager, once it exists.
  let undoManager: Y.UndoManager | undefined;
  const onRetyped = (retyped: Retyped[]) => {
    if (undoManager !== undefined) undoableWithTheOriginal(undoManager, retyped);
  };
  if (ownership !== undefined) keepTextThroughJoins(doc, { own: ownership.own, earlier: ownership.earlier, stored: (client) => sync.storedClock(client), changes: sync.changes }, onRetyped);

  // Renamed (here or by someone else): only the name changes, as in Google Docs. The page stays, with its
  // Y.Doc, editor, undo steps, caret and scroll; the connection and this browser's copy move to the new
  // name (sync.moveTo), and what is typed meanwhile goes with the first sync there. Reloading the page
  // instead (as before) lost the undo steps, reset the caret, and dropped keys typed during the switch.
  let current = name;
  const moveTo = (to: string) => {
    if (to === current) return;
    carryToken(current, to);
    carryClients(current, to);
    current = to;
    useDocument(to);
    void sync.moveTo(to);
    window.history.replaceState(window.history.state, '', documentPath(to));
    document.title = `${to} · Tandem`;
    docName.setName(to);
  };
  const docName = createDocumentName(name, {
    canEdit: !readOnly,
    onRenamed: moveTo,
    // The editor is made below: asked only once a rename is done.
    focusAfterRename: () => view.focus(),
    onCopied: (to) => location.assign(documentPath(to)),
  });
  root.querySelector('.doc-name-slot')!.replaceWith(docName.element);
  neverAwayToSelf(awareness);
  awareness.setLocalStateField('user', presenceOf(user));

  /** Who this page writes as (the server's author id). */
  const me = token === undefined ? `guest:${user.id}` : claims.sub;
  const comments = createComments({
    doc,
    docName: () => current,
    canComment,
    me,
    getView: () => view,
  });
  const commentButton = { command: 'comment', run: comments.command, label: 'Comment', name: 'Comment on the selected text', keys: COMMENT_KEYS };
  const toolbar = createToolbar(() => view, canComment ? [[commentButton]] : [], !readOnly);
  comments.listen(root);
  root.querySelector('.toolbar-slot')!.replaceWith(toolbar.element);
  const restoreNotice = createRestoreNotice(() => current, () => view.focus());
  toolbar.element.after(restoreNotice.element);
  const pictureNotice = createPictureNotice(() => view.focus());
  restoreNotice.element.after(pictureNotice.element);
  const authorship = new AuthorshipIndex();
  // Each author in the colour their cursor and dot show while they are here. This page is its person's
  // before the server has bound its id (it binds an id once it has written).
  const shownColors = presenceColors(awareness);
  authorship.usePresence({
    present: () => awareness.getStates().keys(),
    authorOf: (client) => (client === awareness.clientID ? me : undefined),
    colorOf: (client, own) => shownColors.colorOf(client, own),
  });
  // Only a page coming, going or changing its person's colour can change a colour: not the cursor moves
  // (nearly every key).
  const colorsSeen = new Map<number, unknown>();
  awareness.on('change', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    let changed = added.length + removed.length > 0;
    for (const id of removed) colorsSeen.delete(id);
    for (const id of [...added, ...updated]) {
      const color = (awareness.getStates().get(id) as { user?: { color?: unknown } } | undefined)?.user?.color;
      if (colorsSeen.get(id) !== color) changed = true;
      colorsSeen.set(id, color);
    }
    if (changed) authorship.presenceChanged();
  });
  const wordCount = createWordCount();
  root.querySelector('.editor')!.after(wordCount.element);
  const find = createFind({ getView: () => view, canReplace: !readOnly });
  toolbar.element.after(find.bar.element);
  find.listen(root);
  const view = createEditor(root.querySelector<HTMLElement>('.editor')!, doc, awareness, (v) => toolbar.update(v), !readOnly, [
    authorshipPlugin(authorship),
    ...comments.plugins,
    wordCount.plugin,
    find.plugin,
  ]);
  readSelectionBeforeMessages(sync.provider, view);
  view.dom.addEventListener(PICTURES_LEFT_OUT, (event) => pictureNotice.show((event as CustomEvent<LeftOut>).detail));
  undoManager = yUndoPluginKey.getState(view.state)?.undoManager;
  root.querySelector('.doc-main')!.after(comments.panel.element);
  const authorshipToggle = createAuthorshipToggle(() => current, doc, sync.provider, authorship);
  root.querySelector('.history-toggle')!.before(authorshipToggle.button);
  toolbar.element.after(authorshipToggle.legend);
  if (!canComment) toolbar.element.hidden = true;

  // The visible status follows every change silently; the announcer speaks only of settled ones.
  const statusEl = root.querySelector<HTMLElement>('.status')!;
  let denied = false;
  /** Asking where a renamed document went (the close reason did not say). */
  let following = false;
  let reloading = false;
  // This page was reloaded because the server refused a change made here: say so, once.
  const refusedBefore = takeRefusal(name);
  if (refusedBefore !== undefined) root.querySelector('.doc-main')!.prepend(createNotice(refusalNotice(refusedBefore)));
  // Until this page has saved once, a refusal is this browser's copy sending the refused change again (it
  // could not be dropped): no reload loop then. After that, a refusal is of a new change, handled as the first.
  let justReloaded = refusedBefore !== undefined;
  // Started again from the server after a refusal, with this browser's copy dropped: until the server's text
  // is here, the page holds an empty document, and what was typed into it went before that text (" More.Kept
  // text."). Not editable until then (the status says "Connecting…").
  let awaitingServer = justReloaded && !readOnly;
  if (awaitingServer) view.setProps({ editable: () => false });
  const announcer = createStatusAnnouncer();
  statusEl.after(announcer.element);
  const statusTextEl = statusEl.querySelector('.status-text')!;
  const statusText = createStatusText((text) => (statusTextEl.textContent = text));
  sync.onStatus((s) => {
    const text = STATUS_TEXT(s, readOnly, canComment);
    statusEl.dataset.connection = s.connection;
    statusEl.dataset.saved = String(s.saved);
    statusEl.dataset.keptHere = String(s.localFailure === '');
    statusEl.title = s.localFailure === '' ? '' : `Changes are not kept in this browser: ${s.localFailure}`;
    statusEl.dataset.readOnly = String(readOnly || s.connection === 'denied');
    statusText.show(text);
    announcer.update(s, text);
    if (s.saved) justReloaded = false;
    if (awaitingServer && s.saved && !reloading && !denied) {
      awaitingServer = false;
      view.setProps({ editable: () => true });
    }
    if (s.refused !== '' && !reloading && !denied) {
      // Nothing made here from now on could be stored: stop taking changes, and start again from the server.
      reloading = true;
      view.setProps({ editable: () => false });
      sync.provider.disconnect();
      // Refused again straight after such a reload (this browser's copy could not be dropped): no reload loop.
      if (!justReloaded) void reloadWithoutRefused(current, s.refused, sync.local);
      else root.querySelector('.doc-main')!.prepend(createNotice(refusedAgainNotice(s.refused)));
      return;
    }
    if (s.connection === 'denied' && isMoved(s.deniedReason)) {
      // Editing goes on meanwhile: what is typed is in the Y.Doc and goes to the new name with the first sync.
      if (denied || following) return;
      following = true;
      const from = current;
      newNameOf(from, s.deniedReason).then(
        (to) => {
          following = false;
          if (current !== from) return; // moved already (this person's own rename, told by the API)
          if (to !== from) return moveTo(to);
          denied = true;
          view.setProps({ editable: () => false });
          // Renamed, and its name taken back since by another document (the server could not say where this
          // one went): this page's copy is of the renamed document. Kept (here or in this browser) it
          // would go into the new document with the next sync.
          sync.provider.disconnect();
          void sync.local.clearData();
          root.querySelector('.doc-main')!.prepend(
            createNotice({
              title: 'This document was renamed',
              text: 'Its name now belongs to another document. Find it under its new name on the start page. Editing is off.',
              links: [{ label: 'Start page', href: `${BASE_PATH}` }],
            }),
          );
        },
        () => {
          following = false;
          denied = true;
          view.setProps({ editable: () => false });
          root.querySelector('.doc-main')!.prepend(createNotice(accessNotice(s.deniedReason, token !== undefined)));
        },
      );
      return;
    }
    if (s.connection === 'denied' && !denied) {
      // Refused for good: nothing typed from now on could reach the server, so no typing, and say why.
      denied = true;
      view.setProps({ editable: () => false });
      toolbar.element.hidden = true;
      comments.stop();
      root.querySelector('.doc-main')!.prepend(createNotice(accessNotice(s.deniedReason, token !== undefined)));
    }
  });
  if (ownership !== undefined && who !== undefined) offerOnLeave({ docName: () => current, who, doc, awareness, saved: () => !reloading && sync.status().saved });
  // Closing the tab with unsaved changes: they are in IndexedDB, but say so before leaving; and when
  // this browser's copy cannot keep them, closing would lose them, online or not.
  window.addEventListener('beforeunload', (event) => {
    if (reloading) return; // the refused change is meant to go
    const s = sync.status();
    if (!s.saved && (s.connection === 'connected' || s.localFailure !== '')) event.preventDefault();
  });

  renderPresence(awareness, root.querySelector<HTMLElement>('.people')!);
  // Someone here (this person too) took another name: the comments' author names are asked again.
  const namesSeen = new Map<number, string>();
  awareness.on('change', ({ updated, removed }: { updated: number[]; removed: number[] }) => {
    let renamed = false;
    for (const id of updated) {
      const name = (awareness.getStates().get(id)?.user as { name?: unknown } | undefined)?.name;
      if (typeof name !== 'string') continue;
      if (namesSeen.has(id) && namesSeen.get(id) !== name) renamed = true;
      namesSeen.set(id, name);
    }
    for (const id of removed) namesSeen.delete(id);
    if (renamed) comments.namesChanged();
  });
  const nameInput = root.querySelector<HTMLInputElement>('[data-testid=my-name]')!;
  tuckNameField(root.querySelector<HTMLElement>('.sidebar')!, root.querySelector<HTMLElement>('.my-name')!);
  nameInput.value = user.name;
  nameInput.addEventListener('change', () => {
    const next = nameInput.value.trim();
    if (next === '') {
      nameInput.value = user.name;
      return;
    }
    user = { ...user, name: next };
    saveUser(user);
    localStorage.setItem('tandem:user-named', '1');
    // The server records the new name from the presence (a guest's; a token's name is the token's).
    awareness.setLocalStateField('user', presenceOf(user));
    sync.rename(next);
  });

  const share = root.querySelector<HTMLButtonElement>('.share')!;
  // With sign-in on, an editor (not one let in by a share link) makes links of their own in a dialog;
  // everyone else copies the address, as without sign-in.
  const makesLinks = token !== undefined && isOwnEditor(claims);
  if (makesLinks) {
    share.title = 'Make a link that gives access to this document';
    share.setAttribute('aria-haspopup', 'dialog');
  }
  share.addEventListener('click', async () => {
    if (makesLinks) {
      const dialog = openShareDialog(() => current);
      dialog.addEventListener('close', () => share.focus());
      return;
    }
    const url = `${location.origin}${location.pathname}`;
    try {
      await navigator.clipboard.writeText(url);
      share.textContent = 'Link copied';
    } catch {
      window.prompt('Copy this link to share the document', url);
    }
    setTimeout(() => (share.textContent = 'Share'), 2000);
  });

  // History: replaces the live editor and the people list while open.
  const layout = root.querySelector<HTMLElement>('.doc-layout')!;
  const main = root.querySelector<HTMLElement>('.doc-main')!;
  const sidebar = root.querySelector<HTMLElement>('.sidebar')!;
  const historyToggle = root.querySelector<HTMLButtonElement>('.history-toggle')!;
  let history: HistoryView | undefined;
  // Versions made while the history view is open (someone else typing) reach it, read once the typing
  // pauses for a moment (the server has stored them by then; each read is one request for the timeline).
  // Someone typing steadily never pauses a second: read at most HISTORY_REFRESH_MAX_MS after the first change.
  let historyRefresh: number | undefined;
  let changedSince: number | undefined;
  const onUpdateWhileHistory = () => {
    const now = Date.now();
    changedSince ??= now;
    clearTimeout(historyRefresh);
    const wait = Math.min(HISTORY_REFRESH_MS, Math.max(0, changedSince + HISTORY_REFRESH_MAX_MS - now));
    historyRefresh = window.setTimeout(() => {
      changedSince = undefined;
      void history?.refresh();
    }, wait);
  };
  const closeHistory = () => {
    doc.off('update', onUpdateWhileHistory);
    clearTimeout(historyRefresh);
    changedSince = undefined;
    history?.panel.remove();
    history?.viewer.remove();
    history?.destroy();
    history = undefined;
    main.hidden = false;
    sidebar.hidden = false;
    comments.panel.element.hidden = false;
    layout.classList.remove('history-open');
    historyToggle.setAttribute('aria-pressed', 'false');
    view.focus();
  };
  historyToggle.addEventListener('click', () => {
    if (history !== undefined) return closeHistory();
    history = createHistoryView(() => current, {
      canEdit: !readOnly,
      onRestored: (result) => {
        closeHistory();
        restoreNotice.show(result);
      },
    });
    main.hidden = true;
    sidebar.hidden = true;
    comments.panel.element.hidden = true;
    layout.classList.add('history-open');
    layout.append(history.viewer, history.panel);
    historyToggle.setAttribute('aria-pressed', 'true');
    doc.on('update', onUpdateWhileHistory);
  });

  // A restore replaced the text this person's undo steps were made against: undoing them now would put
  // what they deleted in a second time beside the restored copy. They go, as after a reload.
  sync.onRestored((seq) => {
    yUndoPluginKey.getState(view.state)?.undoManager.clear();
    restoreNotice.restoredElsewhere(seq);
  });

  (window as unknown as { tandem: unknown }).tandem = { doc, view, sync, authorship: authorshipToggle, comments: comments.store };
  view.focus();
}
