// A small form over the editor in a modal <dialog> (an image's address, its description): shown with the
// field focused; Cancel or Esc closes it; closed whichever way, it goes and the editor has the focus again.

import type { EditorView } from 'prosemirror-view';

/** Shows `dialog` (holding a `.cancel` button) in `parent`, `field` focused. */
export function showEditorDialog(dialog: HTMLDialogElement, parent: HTMLElement, view: EditorView, field: HTMLInputElement): void {
  dialog.querySelector('.cancel')!.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    view.focus();
  });
  parent.append(dialog);
  dialog.showModal();
  field.focus();
}
