// The ProseMirror editor bound to a Y.Doc: sync, remote cursors, per-user undo, keys and input rules.

import { keepAnchorsThroughMoves, keepAnchorsThroughUndo } from './comments/anchors-after-undo.js';
import { EditorState, type Plugin } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { ySyncPlugin, ySyncPluginKey } from 'y-prosemirror';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { cursorPlugin } from './collab/cursor-plugin.js';
import { narrowSyncPlugin } from './collab/narrow-sync.js';
import { noteWhatUndosSaw, RESCUE_ORIGIN } from './collab/join-rescue.js';
import { keepOthersTextThroughUndo } from './collab/split-rescue.js';
import { undoFollowsMoves } from './collab/rescue-undo.js';
import { undoSkipsGoneCopies } from './collab/undo-gone-copies.js';
import { undoFollowsNeighbours } from './collab/undo-follows-neighbours.js';
import { keepFormatsThroughUndo } from './collab/formats-through-undo.js';
import { keepOthersFormatsThroughBlockUndo } from './collab/formats-through-block-undo.js';
import { awayAwareCursors, spreadSelections } from './collab/presence.js';
import { undoPlugin } from './collab/undo-plugin.js';
import { buildKeymaps } from './commands.js';
import { blockKeymap, headingPaste, itemLinesPaste, listPaste, pasteOutOfEmptyItemPlugin } from './blocks.js';
import { tablePlugins } from './formats/tables.js';
import { taskListPlugins } from './formats/task-list.js';
import { buildInputRules } from './input-rules.js';
import { inlineFormatPlugins } from './formats/inline-formats.js';
import { linkPopover } from './link-popover.js';
import { keepUnreadSelection, keySelection } from './key-selection.js';
import { lineClicks } from './line-clicks.js';
import { typingAfterLeaf } from './typing-after-leaf.js';
import { readOnlyCaret } from './read-only-caret.js';
import { linkPlugin } from './links.js';
import { wordPaste } from './word-paste.js';
import { wordsPaste } from './words-paste.js';
import { emptyLinesPaste } from './empty-lines-paste.js';
import { pictureFilesPlugin } from './pasted-pictures.js';
import { linkUnderlinePaste } from './link-underline-paste.js';
import { FRAGMENT, schema } from './schema.js';
import { TAB_KEY_HINT, tabKeyPlugin } from './tab-key.js';
import { createUndoManager, undoSteps } from './undo-steps.js';
import { numberingOnPlugin } from './formats/numbering-on.js';

const HINT_ID = 'editor-keys-hint';

export function createEditor(
  mount: HTMLElement,
  doc: Y.Doc,
  awareness: Awareness,
  onUpdate: (view: EditorView) => void,
  editable = true,
  /** Feature plugins (authorship colours), after the editor's own. */
  extraPlugins: readonly Plugin[] = [],
): EditorView {
  const fragment = doc.getXmlFragment(FRAGMENT);
  // Tracks only changes made through this editor (the sync plugin's origin), so undo never touches a
  // collaborator's edits; its steps end where undoSteps says.
  const undoManager = createUndoManager(fragment);
  // Comments on text this editor's undo brings back move onto it, for everyone (anchors-after-undo.ts).
  if (editable) {
    keepAnchorsThroughUndo(undoManager, doc);
    // And onto where this editor moves text (a join, a block changing kind).
    keepAnchorsThroughMoves(doc, ySyncPluginKey);
    // And where it moves text it types again after someone else's move or its own undo (split-rescue.ts).
    keepAnchorsThroughMoves(doc, RESCUE_ORIGIN, true);
    // What others typed into text this editor's undo moves back goes with it (split-rescue.ts).
    keepOthersTextThroughUndo(doc, undoManager);
    // This person's words someone else's join or Enter moved: still taken back by their undo step.
    undoFollowsMoves(doc, undoManager);
    // What others deleted from text this editor's move copied: not brought back by taking the move back.
    undoSkipsGoneCopies(doc, undoManager);
    // What this editor's undo brings back after a character someone else moved since goes along with it.
    undoFollowsNeighbours(doc, undoManager);
    // Blocks its undos and redos delete say what this editor had seen of their text, as its edits' do.
    noteWhatUndosSaw(undoManager);
    // Others' formatting on the words this editor's undo takes out: back on them with its redo.
    keepFormatsThroughUndo(doc, undoManager);
    // And on a block it takes back to what it was (a heading made a line again): onto the text brought back.
    keepOthersFormatsThroughBlockUndo(doc, undoManager);
  }
  const state = EditorState.create({
    schema,
    plugins: [
      // First: every key command below sees the selection the browser last moved (key-selection.ts).
      keySelection(),
      // Typed text right after a line break goes there, whatever a collaborator's cursor beside it does to the browser.
      typingAfterLeaf(),
      // Three quick clicks or more select the line's text (see line-clicks.ts).
      lineClicks(),
      // A read-only editor is still read and selected from the keyboard (a commenter comments on a selection).
      ...(editable ? [] : [readOnlyCaret()]),
      undoSteps(undoManager),
      ySyncPlugin(fragment),
      // Right after the sync plugin: sends each local edit to Yjs block by block (see narrow-sync.ts).
      narrowSyncPlugin(),
      // Redraws remote cursors when someone else's state changed, not for our own caret (see cursor-plugin.ts).
      ...cursorPlugin(awareness, { cursorBuilder: awayAwareCursors(awareness, mount), selectionBuilder: spreadSelections(awareness) }),
      undoPlugin({ undoManager }),
      ...buildInputRules(),
      // Tab into the link popover while one is open; then Tab is settled by tabKeyPlugin, whatever the
      // other plugins would make of it; then Enter after a URL or in a code block; then the keymaps.
      linkPopover(),
      tabKeyPlugin(),
      linkPlugin(),
      // Word's lists, pasted: made lists before the HTML is read.
      wordPaste(),
      // Google Docs' empty lines (a <br> between paragraphs), pasted: empty paragraphs; pictures that cannot be shown, said.
      emptyLinesPaste(),
      // Picture files pasted or dropped (a screenshot): said, as nothing can be inserted for them.
      pictureFilesPlugin(),
      // Google Docs' links, pasted: links, not also underlined.
      linkUnderlinePaste(),
      // A line break at the end of text pasted at a list item's end: no empty item.
      listPaste(),
      // Headings, quotes, tables pasted into an empty list item: out of the lists, where the item stood.
      pasteOutOfEmptyItemPlugin(),
      // Lines of text pasted into a heading: headings.
      headingPaste(),
      itemLinesPaste(),
      // Words copied from inside a line: words, wherever they land in another (not that line's kind).
      wordsPaste(),
      blockKeymap(),
      // A numbered list going on after a break keeps numbering on from the list before it as that one changes.
      numberingOnPlugin(),
      ...inlineFormatPlugins(editable),
      ...tablePlugins(),
      ...taskListPlugins(),
      ...buildKeymaps(),
      ...extraPlugins,
    ],
  });
  // `this`, not a closure over `view`: plugins may dispatch while the view is being constructed.
  const view = new EditorView(mount, {
    state,
    editable: () => editable,
    attributes: {
      class: 'document',
      spellcheck: 'true',
      'aria-label': 'Document text',
      role: 'textbox',
      'aria-multiline': 'true',
      ...(editable ? { 'aria-describedby': HINT_ID } : { tabindex: '0', 'aria-readonly': 'true' }),
    },
    dispatchTransaction(this: EditorView, tr) {
      this.updateState(this.state.apply(keepUnreadSelection(this, tr)));
      onUpdate(this);
    },
  });
  if (editable) {
    const hint = document.createElement('p');
    hint.id = HINT_ID;
    hint.className = 'visually-hidden';
    hint.textContent = TAB_KEY_HINT;
    mount.append(hint);
  }
  // Undo and redo become possible after the transaction that changed them: Yjs fills its stacks once the
  // document's observers (and so the editor's update) have run. Tell the toolbar then too.
  const stacksChanged = (): void => queueMicrotask(() => onUpdate(view));
  undoManager.on('stack-item-added', stacksChanged);
  undoManager.on('stack-item-popped', stacksChanged);
  onUpdate(view);
  return view;
}
