// The notice in the editor after a restore: what happened ("Restored the version of 14:05 · 12
// changes undone") and an "Undo restore" button that takes the restore back for everyone.

import { type RestoreResult, undoRestore } from '../api/client.js';
import { formatTime } from './restore-dialog.js';
import { dismissableNotice } from '../pages/dismissable-notice.js';

export interface RestoreNotice {
  readonly element: HTMLElement;
  show(result: RestoreResult): void;
  /**
   * A restore (or the undo of one) stored as `seq` reached this page: said, unless this page made it. Someone
   * else's page used to change under them without a word, their Ctrl+Z gone (its steps were made against the
   * text the restore replaced).
   */
  restoredElsewhere(seq: number): void;
  hide(): void;
}

const changes = (n: number) => (n === 1 ? '1 change undone' : `${n} changes undone`);

/**
 * `focusText`: gives the document's text the focus, when a button pressed from the keyboard goes away (Undo
 * restore once done, Dismiss; see dismissable-notice.ts).
 */
export function createRestoreNotice(docName: () => string, focusText: () => void): RestoreNotice {
  let current: RestoreResult | undefined;
  const { element, text, hasFocus: hadFocus } = dismissableNotice('restore-notice', focusText, () => (current = undefined), `
    <button type="button" class="undo-restore">Undo restore</button>`);
  const undo = element.querySelector<HTMLButtonElement>('.undo-restore')!;
  /** The seqs of the restores and undos this page made: not told back to it as someone else's. */
  const own = new Set<number>();

  const hide = () => {
    element.hidden = true;
    current = undefined;
  };
  // The inverse of the restore is exact at any later time (edits made since it stay), so the button
  // stays until the person dismisses the notice, restores again, or leaves the document.
  undo.addEventListener('click', async () => {
    if (current === undefined) return;
    const restore = current;
    const focused = hadFocus();
    undo.disabled = true;
    try {
      const undone = await undoRestore(docName(), restore.seq);
      own.add(undone.seq);
      current = undefined;
      text.textContent = undone.unchanged === true ? 'Nothing to take back · the text from before the restore is back already' : 'Restore undone · the text from before it is back';
      undo.hidden = true;
      if (focused) focusText();
    } catch (error) {
      text.textContent = `Could not undo the restore: ${(error as Error).message}`;
      // Disabled while the request ran, the button may have lost focus: give it back, to try again.
      undo.disabled = false;
      if (focused) undo.focus();
    } finally {
      undo.disabled = false;
    }
  });

  return {
    element,
    show(result) {
      current = result;
      own.add(result.seq);
      const version = result.restoredAt === null ? 'the empty document' : `the version of ${formatTime(result.restoredAt)}`;
      if (result.unchanged === true) {
        // Nothing was stored: there is nothing to take back.
        current = undefined;
        text.textContent = `Nothing to restore · the document is ${version} already`;
        undo.hidden = true;
        element.hidden = false;
        return;
      }
      text.textContent = `Restored ${version} · ${changes(result.changesUndone)}`;
      undo.hidden = false;
      element.hidden = false;
    },
    restoredElsewhere(seq) {
      if (own.has(seq)) return;
      current = undefined;
      // Told by the server only as the edit's seq: the same words for a restore and for the undo of one (which
      // was once told as "restored another version"; a review).
      text.textContent = 'Someone else restored a version of this document or took a restore back · Ctrl+Z no longer takes back your earlier changes';
      undo.hidden = true;
      element.hidden = false;
    },
    hide,
  };
}
