// Images by address: the toolbar's Image button opens a modal <dialog> asking for the address and a
// description (alt text). Only what @tandem/schema's isImageSource accepts goes in (http, https, a path on
// this site); anything else is refused in the dialog with the reason, next to the field.

import { normalizeImageSource } from '@tandem/schema/inline-formats';
import type { Command, EditorState } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { schema } from '../schema.js';
import type { ToolbarButton } from '../toolbar.js';
import { showEditorDialog } from './editor-dialog.js';

const image = schema.nodes.image!;

const REASONS = {
  empty: 'Enter the image’s address.',
  'not-allowed': 'Only images from web addresses starting with http:// or https:// (or a path on this site, starting with /) can be added.',
} as const;

/** True where an image can go: text that takes inline nodes. */
function canInsertImage(state: EditorState): boolean {
  const { $from } = state.selection;
  return $from.parent.inlineContent && $from.parent.type.contentMatch.matchType(image) !== null && !$from.parent.type.spec.code;
}

/** Inserts an image of `src` (already checked) described by `alt` at the selection, replacing what is selected. */
export const insertImage =
  (src: string, alt: string): Command =>
  (state, dispatch) => {
    if (!canInsertImage(state)) return false;
    dispatch?.(state.tr.replaceSelectionWith(image.create({ src, alt: alt === '' ? null : alt })).scrollIntoView());
    return true;
  };

let opened = 0;

/** Opens the dialog; inserting or cancelling puts focus back into the text. */
export function openImageDialog(view: EditorView, parent: HTMLElement = document.body): HTMLDialogElement {
  const id = `image-dialog-${++opened}`;
  const dialog = document.createElement('dialog');
  dialog.className = 'confirm-dialog image-dialog';
  dialog.setAttribute('aria-labelledby', `${id}-title`);
  dialog.dataset.testid = 'image-dialog';
  dialog.innerHTML = `
    <h2 id="${id}-title">Insert an image</h2>
    <form novalidate>
      <label for="${id}-src">Image address</label>
      <input id="${id}-src" name="src" type="text" inputmode="url" autocomplete="url" spellcheck="false" placeholder="https://…" aria-describedby="${id}-error" />
      <p class="field-error" id="${id}-error" role="alert"></p>
      <label for="${id}-alt">Description (alt text)</label>
      <input id="${id}-alt" name="alt" type="text" aria-describedby="${id}-alt-hint" />
      <p class="hint" id="${id}-alt-hint">What the image shows, for people who cannot see it. Leave empty if it is decoration.</p>
      <div class="dialog-actions">
        <button type="button" class="cancel">Cancel</button>
        <button type="submit" class="primary">Insert image</button>
      </div>
    </form>`;
  const form = dialog.querySelector('form')!;
  const src = dialog.querySelector<HTMLInputElement>('[name=src]')!;
  const alt = dialog.querySelector<HTMLInputElement>('[name=alt]')!;
  const error = dialog.querySelector<HTMLElement>('.field-error')!;
  const refuse = (text: string) => {
    error.textContent = text;
    src.setAttribute('aria-invalid', 'true');
    src.focus();
  };
  src.addEventListener('input', () => {
    src.removeAttribute('aria-invalid');
    error.textContent = '';
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = normalizeImageSource(src.value);
    if (!input.ok) return refuse(REASONS[input.reason]);
    if (!insertImage(input.src, alt.value.trim())(view.state, view.dispatch)) return refuse('An image cannot go where the cursor is.');
    dialog.close();
  });
  showEditorDialog(dialog, parent, view, src);
  return dialog;
}

/** The toolbar's command: available where an image can go; opens the dialog. */
export const imageCommand: Command = (state, dispatch, view) => {
  if (!canInsertImage(state)) return false;
  if (dispatch !== undefined && view !== undefined) openImageDialog(view);
  return true;
};

export const IMAGE_BUTTON: ToolbarButton = { command: 'image', run: imageCommand, label: 'Image', name: 'Image' };
