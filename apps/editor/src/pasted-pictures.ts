// Pictures a paste or a drop could not bring in, said instead of left out in silence. The editor only shows
// images from web addresses (isImageSource): a picture copied with text from Word or an email is a file on
// the sender's computer (file:///C:/…) or bytes inside the HTML (data:), and a screenshot pasted or a picture
// file dropped comes as a file, which Tandem has nowhere to upload. Each was dropped without a word: the
// person saw the text arrive and only later, maybe after sending the link round, that the pictures had not.
// The passes that leave such pictures out (empty-lines-paste.ts) say so on the editor's element, and the
// page shows a notice (createPictureNotice) saying what was left out and how to add it.

import { Plugin } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { dismissableNotice } from './pages/dismissable-notice.js';

/** The event the editor's element receives when pictures were left out of a paste or a drop. */
export const PICTURES_LEFT_OUT = 'tandem:pictures-left-out';

export type LeftOut =
  /** `count` pictures in the HTML pasted or dropped, which the page cannot load. */
  | { readonly kind: 'in-html'; readonly count: number }
  /** Picture files (a screenshot, a dropped file): nothing else came with them. */
  | { readonly kind: 'files'; readonly count: number };

/** Tells the page that `leftOut` was left out of what `view` was just given. */
export function sayPicturesLeftOut(view: EditorView, leftOut: LeftOut): void {
  view.dom.dispatchEvent(new CustomEvent<LeftOut>(PICTURES_LEFT_OUT, { detail: leftOut, bubbles: true }));
}

/** The picture files among `data`'s, when it holds nothing else the editor could insert (no HTML, no text). */
function onlyPictureFiles(data: DataTransfer | null): number {
  if (data === null || data.getData('text/html') !== '' || data.getData('text/plain') !== '') return 0;
  return [...data.files].filter((file) => file.type.startsWith('image/')).length;
}

/** Picture files pasted or dropped alone (the editor inserts nothing for them): said, not ignored. */
export const pictureFilesPlugin = (): Plugin =>
  new Plugin({
    props: {
      handlePaste(view, event) {
        const count = onlyPictureFiles(event.clipboardData);
        if (count === 0) return false;
        sayPicturesLeftOut(view, { kind: 'files', count });
        return true;
      },
      handleDrop(view, event) {
        const count = onlyPictureFiles((event as DragEvent).dataTransfer);
        if (count === 0) return false;
        sayPicturesLeftOut(view, { kind: 'files', count });
        return true;
      },
    },
  });

const pictures = (n: number) => (n === 1 ? '1 picture' : `${n} pictures`);

/** What the notice says of `leftOut`. */
export function pictureNoticeText(leftOut: LeftOut): string {
  if (leftOut.kind === 'files') {
    return `${leftOut.count === 1 ? 'The picture was' : `${pictures(leftOut.count)} were`} not added · Tandem shows pictures from web addresses: put it where it can be reached by a link, then use Image in the toolbar.`;
  }
  return `${leftOut.count === 1 ? '1 picture was' : `${pictures(leftOut.count)} were`} left out · what was copied held ${leftOut.count === 1 ? 'it as a file' : 'them as files'} on the computer it came from (as Word and email do), which no web page can show. Add ${leftOut.count === 1 ? 'it' : 'them'} with Image in the toolbar, from a web address.`;
}

export interface PictureNotice {
  readonly element: HTMLElement;
  show(leftOut: LeftOut): void;
  hide(): void;
}

/**
 * The notice, hidden until something is left out; it stays until dismissed (or replaced by the next), as the
 * person may be reading the pasted text first. `focusText`: focus goes back to the text when Dismiss, pressed
 * from the keyboard, takes the notice away.
 */
export function createPictureNotice(focusText: () => void): PictureNotice {
  const { element, text } = dismissableNotice('picture-notice', focusText);
  return {
    element,
    show(leftOut) {
      text.textContent = pictureNoticeText(leftOut);
      element.hidden = false;
    },
    hide() {
      element.hidden = true;
    },
  };
}
