// The ProseMirror editor bound to a Y.Doc: sync, remote cursors, per-user undo, keys and input rules.

import { EditorState } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { ySyncPlugin, yCursorPlugin } from 'y-prosemirror';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { remoteChangesOnly } from './collab/cursor-awareness.js';
import { narrowSyncPlugin } from './collab/narrow-sync.js';
import { undoPlugin } from './collab/undo-plugin.js';
import { buildKeymaps } from './commands.js';
import { buildInputRules } from './input-rules.js';
import { FRAGMENT, schema } from './schema.js';

export function createEditor(
  mount: HTMLElement,
  doc: Y.Doc,
  awareness: Awareness,
  onUpdate: (view: EditorView) => void,
  editable = true,
): EditorView {
  const state = EditorState.create({
    schema,
    plugins: [
      ySyncPlugin(doc.getXmlFragment(FRAGMENT)),
      // Right after the sync plugin: sends each local edit to Yjs block by block (see narrow-sync.ts).
      narrowSyncPlugin(),
      yCursorPlugin(remoteChangesOnly(awareness)),
      // Tracks only changes made through this editor (the sync plugin's origin), so undo never
      // touches a collaborator's edits.
      undoPlugin(),
      buildInputRules(),
      ...buildKeymaps(),
    ],
  });
  // `this`, not a closure over `view`: plugins may dispatch while the view is being constructed.
  const view = new EditorView(mount, {
    state,
    editable: () => editable,
    attributes: { class: 'document', spellcheck: 'true', 'aria-label': 'Document text', role: 'textbox', 'aria-multiline': 'true' },
    dispatchTransaction(this: EditorView, tr) {
      this.updateState(this.state.apply(tr));
      onUpdate(this);
    },
  });
  onUpdate(view);
  return view;
}
