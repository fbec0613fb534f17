// The question asked before a version is restored: a modal <dialog> (focus kept inside, Esc
// cancels, announced with its title and what will happen) rather than window.confirm.

export interface RestoreQuestion {
  readonly seq: number;
  /** When the version was current (its last update's time), or null for version 0. */
  readonly at: string | null;
  /** Who made the edit session the version ends, if known ("Ada and Bob"). */
  readonly author?: string;
  /**
   * For a version part way through an edit session (`at` and `author` then unknown: the timeline has no
   * time or author for each update): the session's time and authors, whose later edits the restore undoes.
   */
  readonly during?: { readonly when: string; readonly authors: string };
}

/** Asks whether to restore version `seq`; resolves true only if the person chose to restore. */
export function confirmRestore(question: RestoreQuestion, parent: HTMLElement = document.body): Promise<boolean> {
  const { seq, at, author, during } = question;
  const dialog = document.createElement('dialog');
  dialog.className = 'confirm-dialog';
  dialog.setAttribute('aria-labelledby', 'restore-dialog-title');
  dialog.setAttribute('aria-describedby', 'restore-dialog-text');
  dialog.dataset.testid = 'restore-dialog';
  const when = at === null ? 'the empty document it started as' : `how it was at ${formatTime(at)}`;
  const by = author === undefined ? '' : `, after ${author}’s edits`;
  dialog.innerHTML = `
    <h2 id="restore-dialog-title"></h2>
    <p id="restore-dialog-text"></p>
    <div class="dialog-actions">
      <button type="button" class="cancel">Cancel</button>
      <button type="button" class="confirm primary"></button>
    </div>`;
  dialog.querySelector('h2')!.textContent = `Restore version ${seq}?`;
  dialog.querySelector('p')!.textContent =
    (during === undefined
      ? `The document goes back to ${when} (version ${seq}${by}), for everyone in it. `
      : `The document goes back to version ${seq}, part way through the edit session of ${during.when} by ${during.authors}; ` +
        'what came after it in that session is undone too, for everyone in it. ') +
    'The current text stays in the history, and “Undo restore” in the editor brings it back.';
  dialog.querySelector('.confirm')!.textContent = `Restore version ${seq}`;
  parent.append(dialog);
  return new Promise((resolve) => {
    let answer = false;
    dialog.querySelector('.cancel')!.addEventListener('click', () => dialog.close());
    dialog.querySelector('.confirm')!.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    // Esc, Cancel and Restore all end here.
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    dialog.showModal();
    // The harmless answer has the focus: Enter right away does not replace the document.
    dialog.querySelector<HTMLButtonElement>('.cancel')!.focus();
  });
}

/** "14:05" today, "3 Dec, 14:05" another day. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
