// The document's leaf nodes other than text (an image, a horizontal rule, a line break), by the name
// y-prosemirror gives their Y.XmlElement. Whatever reads the Yjs document without ProseMirror (the
// history diff) tells them from an empty paragraph by this list; leaf-nodes.test.ts holds it to the schema.

export const LEAF_NODES: ReadonlySet<string> = new Set(['horizontal_rule', 'image', 'hard_break']);
