// The document schema shared by the editor and the server: ProseMirror's basic nodes and marks plus
// bullet and numbered lists, and the name of the Yjs type the document lives in.

import { type MarkSpec, Schema } from 'prosemirror-model';
import { schema as basic } from 'prosemirror-schema-basic';
import { addListNodes } from 'prosemirror-schema-list';
import { isSafeHref, safeHref } from './links.js';

// The basic link, except that an unsafe href is never parsed (paste) nor rendered (a link that
// reached the Yjs document some other way shows as plain text).
const link: MarkSpec = {
  ...basic.spec.marks.get('link')!,
  parseDOM: [
    {
      tag: 'a[href]',
      getAttrs(dom) {
        const href = dom.getAttribute('href');
        return isSafeHref(href) ? { href, title: dom.getAttribute('title') } : false;
      },
    },
  ],
  toDOM(mark) {
    const { href, title } = mark.attrs as { href: unknown; title: string | null };
    return ['a', { href: safeHref(href), title }, 0];
  },
};

export const schema = new Schema({
  nodes: addListNodes(basic.spec.nodes, 'paragraph block*', 'block'),
  marks: basic.spec.marks.update('link', link),
});

/** The Y.XmlFragment every client binds its editor to. */
export const FRAGMENT = 'prosemirror';
