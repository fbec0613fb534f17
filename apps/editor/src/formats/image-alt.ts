// An image's description (alt text), changed after it is in the document: as Google Docs' "Alt text" on an
// image's menu. With an image selected (clicked, or taken into a selection with Shift+Arrow) the toolbar
// shows an "Alt text" button, and Ctrl+Alt+Y opens the same field; Enter saves (one undo step), Esc keeps
// the description as it was, and both put focus back into the text.

import { keymap } from 'prosemirror-keymap';
import type { Node } from 'prosemirror-model';
import { type Command, type EditorState, NodeSelection, type Plugin } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import type { ToolbarButton } from '../toolbar.js';
import { showEditorDialog } from './editor-dialog.js';

export const IMAGE_ALT_KEYS = 'Ctrl+Alt+Y';

/** The image the selection is exactly (a clicked image, or a selection of it alone), with its position. */
export function selectedImage(state: EditorState): { readonly pos: number; readonly node: Node } | null {
  const { selection } = state;
  const node = selection instanceof NodeSelection ? selection.node : selection.to - selection.from === 1 ? state.doc.nodeAt(selection.from) : null;
  return node !== null && node.type.name === 'image' ? { pos: selection.from, node } : null;
}

/** Sets the selected image's description (empty: none). */
export const setImageAlt =
  (alt: string): Command =>
  (state, dispatch) => {
    const image = selectedImage(state);
    if (image === null) return false;
    const value = alt.trim() === '' ? null : alt.trim();
    if (dispatch !== undefined && value !== image.node.attrs.alt) dispatch(state.tr.setNodeAttribute(image.pos, 'alt', value));
    return true;
  };

let opened = 0;

/** Opens the description field for the selected image; saving or cancelling puts focus back into the text. */
export function openAltTextDialog(view: EditorView, parent: HTMLElement = document.body): HTMLDialogElement | null {
  const image = selectedImage(view.state);
  if (image === null) return null;
  const id = `alt-dialog-${++opened}`;
  const dialog = document.createElement('dialog');
  dialog.className = 'confirm-dialog image-dialog';
  dialog.setAttribute('aria-labelledby', `${id}-title`);
  dialog.dataset.testid = 'alt-text-dialog';
  dialog.innerHTML = `
    <h2 id="${id}-title">Alt text</h2>
    <form novalidate>
      <label for="${id}-alt">Description</label>
      <input id="${id}-alt" name="alt" type="text" aria-describedby="${id}-hint" />
      <p class="hint" id="${id}-hint">What the image shows, for people who cannot see it. Leave empty if it is decoration.</p>
      <div class="dialog-actions">
        <button type="button" class="cancel">Cancel</button>
        <button type="submit" class="primary">Save</button>
      </div>
    </form>`;
  const alt = dialog.querySelector<HTMLInputElement>('[name=alt]')!;
  alt.value = typeof image.node.attrs.alt === 'string' ? image.node.attrs.alt : '';
  dialog.querySelector('form')!.addEventListener('submit', (event) => {
    event.preventDefault();
    setImageAlt(alt.value)(view.state, view.dispatch);
    dialog.close();
  });
  showEditorDialog(dialog, parent, view, alt);
  alt.select();
  return dialog;
}

/** The toolbar's and the key's command: available with an image selected; opens the field. */
export const imageAltCommand: Command = (state, dispatch, view) => {
  if (selectedImage(state) === null) return false;
  if (dispatch !== undefined && view !== undefined) openAltTextDialog(view);
  return true;
};

export const IMAGE_ALT_BUTTON: ToolbarButton = {
  command: 'imageAlt',
  run: imageAltCommand,
  label: 'Alt text',
  name: 'Alt text',
  keys: IMAGE_ALT_KEYS,
  visible: (state) => selectedImage(state) !== null,
  contextual: true,
};

export const imageAltKeymap = (): Plugin => keymap({ 'Mod-Alt-y': imageAltCommand });
