// The document schema shared by the editor and the server: ProseMirror's basic nodes and marks plus
// bullet and numbered lists, and the name of the Yjs type the document lives in.

import { Schema } from 'prosemirror-model';
import { schema as basic } from 'prosemirror-schema-basic';
import { addListNodes } from 'prosemirror-schema-list';

export const schema = new Schema({
  nodes: addListNodes(basic.spec.nodes, 'paragraph block*', 'block'),
  marks: basic.spec.marks,
});

/** The Y.XmlFragment every client binds its editor to. */
export const FRAGMENT = 'prosemirror';
