// For the collab tests: a person's editor over a Yjs document, writing local edits the way the page does
// (narrow-sync.ts, with the sync plugin's origin, which the undo manager tracks), and the small builders the
// tests share. Not part of the app (nothing it bundles imports this).

import type { Node } from 'prosemirror-model';
import { EditorState, type Transaction } from 'prosemirror-state';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode, ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { updateChangedBlocks } from './narrow-sync.js';

const { nodes } = schema;

/** A paragraph of `text`. */
export const p = (text: string) => nodes.paragraph!.create(null, text === '' ? [] : [schema.text(text)]);

/** The document position in top-level block `block` after `offset` characters (-1: just before the block). */
export const at = (doc: Node, block: number, offset: number) => doc.resolve(0).posAtIndex(block, 0) + 1 + offset;

/** The text of each top-level block of `doc`. */
export const blocks = (doc: Y.Doc) => yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment('prosemirror'), schema).content.content.map((b) => b.textContent);

/** Alice's editor on a new document of paragraphs `texts`. */
export function alice(...texts: string[]) {
  const ydoc = new Y.Doc();
  const type = ydoc.getXmlFragment('prosemirror');
  const binding = { type, doc: ydoc, mapping: new Map(), isOMark: new Map() };
  let state = EditorState.create({ schema, doc: nodes.doc!.create(null, texts.map(p)) });
  updateYFragment(ydoc, type, state.doc, binding);
  return {
    ydoc,
    get state() {
      return state;
    },
    /** Makes `change` in the editor and writes it to Yjs as the page does. */
    edit(change: (s: EditorState) => Transaction) {
      const next = state.apply(change(state));
      ydoc.transact(() => {
        if (!updateChangedBlocks(binding, state.doc, next.doc)) throw new Error('the edit did not go block by block');
      }, ySyncPluginKey);
      state = next;
    },
    /** Reads the editor's document from Yjs again (after changes from elsewhere, or an undo). */
    resync() {
      binding.mapping = new Map();
      state = EditorState.create({ schema, doc: yXmlFragmentToProseMirrorRootNode(type, schema) });
      updateYFragment(ydoc, type, state.doc, binding); // maps the blocks; changes nothing
    },
  };
}
