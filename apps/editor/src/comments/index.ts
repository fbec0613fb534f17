// The comments feature, assembled: its store over the document, the highlight plugin, the side panel,
// the toolbar button and the Ctrl+Alt+M shortcut. The page mounts what this returns.

import type { Node as PMNode } from 'prosemirror-model';
import { type Command, Plugin } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import type * as Y from 'yjs';
import { CommentAuthors } from './comment-authors.js';
import { anchorOfSelection, commentHighlights, highlightsKey, setActiveComment, threadAt } from './comment-highlights.js';
import { type CommentPanel, createCommentPanel } from './comment-panel.js';
import { CommentStore } from './comment-store.js';
import { cutComments } from './cut-comments.js';
import { selectedText } from './selected-text.js';

export interface CommentsOptions {
  readonly doc: Y.Doc;
  /** The document's name now (it changes when the document is renamed). */
  readonly docName: () => string;
  /** An editor or a commenter (the server checks it again). */
  readonly canComment: boolean;
  /** The author id the server stores this person's updates as. */
  readonly me: string | undefined;
  readonly getView: () => EditorView;
}

export interface Comments {
  readonly plugins: readonly Plugin[];
  readonly panel: CommentPanel;
  readonly store: CommentStore;
  /** Opens a new comment on the selected text; false when nothing is selected. */
  readonly command: Command;
  /** Listens for Ctrl+Alt+M on `target` (the page: a read-only editor takes no focus to hear it). */
  listen(target: HTMLElement): void;
  /** The server closed the page for good: comments are read-only from now on. */
  stop(): void;
  /** Someone here took another name: the comments' author names are asked again (see CommentAuthors). */
  namesChanged(): void;
}

export const COMMENT_KEYS = 'Ctrl+Alt+M';

export function createComments(options: CommentsOptions): Comments {
  const { doc, getView } = options;
  const store = new CommentStore(doc);
  const authors = new CommentAuthors(options.docName);
  const activate = (id: string | undefined) => {
    const view = getView();
    if (highlightsKey.getState(view.state)?.active !== id) setActiveComment(view, id);
    panel.activate(id);
  };
  let placedIn: PMNode | undefined;
  const panel = createCommentPanel({
    comments: store,
    authors,
    canComment: options.canComment,
    me: options.me,
    // Quoted from the document the places were found in: the panel draws itself again when it learns who
    // wrote a comment, which may be after the document changed and before the places are found again.
    quoteOf: ({ from, to }) => selectedText(placedIn ?? getView().state.doc, from, to),
    onActivate: activate,
    focusEditor: () => getView().focus(),
  });

  let canComment = options.canComment;
  const command: Command = (state, dispatch) => {
    if (!canComment) return false;
    const anchor = anchorOfSelection(state);
    if (anchor === undefined) return false;
    if (dispatch !== undefined) panel.compose(anchor, selectedText(state.doc, state.selection.from, state.selection.to));
    return true;
  };

  const clicks = new Plugin({
    props: {
      handleClick(view, pos) {
        const id = threadAt(view.state, pos);
        if (id !== undefined) activate(id);
        return false;
      },
    },
  });

  return {
    plugins: [commentHighlights(store, (highlights, doc) => {
        placedIn = doc;
        panel.render(highlights.placed);
      }), clicks, cutComments({ doc, docName: options.docName })],
    panel,
    store,
    command,
    stop() {
      canComment = false;
      panel.stop();
    },
    namesChanged() {
      authors.refreshNames();
    },
    listen(target) {
      target.addEventListener('keydown', (event) => {
        if (!(event.ctrlKey && event.altKey && !event.shiftKey && event.code === 'KeyM')) return;
        const view = getView();
        if (command(view.state, view.dispatch, view)) event.preventDefault();
      });
    },
  };
}
