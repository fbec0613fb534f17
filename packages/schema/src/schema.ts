// The document schema shared by the editor and the server: ProseMirror's basic nodes and marks plus
// bullet and numbered lists, underline, strikethrough and safe images (formats/), and the name of the Yjs type the document lives in.

import { type MarkSpec, Schema } from 'prosemirror-model';
import { schema as basic } from 'prosemirror-schema-basic';
import { addListNodes } from 'prosemirror-schema-list';
import { headingSpec } from './formats/heading.js';
import { orderedListSpec } from './formats/list-order.js';
import { tableNodeSpecs } from './formats/tables.js';
import { taskListNodeSpecs } from './formats/task-list.js';
import { isLinkTarget, safeHref } from './links.js';
import { INLINE_MARKS, INLINE_NODES } from './formats/inline-formats.js';

// The basic link, except that a pasted link must go where a typed one may (isLinkTarget), and an unsafe
// href is never rendered (a link that reached the Yjs document some other way shows as plain text).
const link: MarkSpec = {
  ...basic.spec.marks.get('link')!,
  parseDOM: [
    {
      tag: 'a[href]',
      getAttrs(dom) {
        const href = dom.getAttribute('href');
        return isLinkTarget(href) ? { href, title: dom.getAttribute('title') } : false;
      },
    },
  ],
  toDOM(mark) {
    const { href, title } = mark.attrs as { href: unknown; title: string | null };
    return ['a', { href: safeHref(href), title }, 0];
  },
};

// linebreakReplacement: turning a code block into a paragraph keeps its lines as hard breaks, and back.
const nodes = basic.spec.nodes
  .update('hard_break', { ...basic.spec.nodes.get('hard_break')!, linebreakReplacement: true })
  .update('heading', headingSpec(basic.spec.nodes.get('heading')!));

const withLists = addListNodes(INLINE_NODES.reduce((all, [name, spec]) => all.update(name, spec), nodes), 'paragraph block*', 'block');

export const schema = new Schema({
  nodes: withLists
    .update('ordered_list', orderedListSpec(withLists.get('ordered_list')!))
    .append(tableNodeSpecs)
    .append(taskListNodeSpecs),
  marks: INLINE_MARKS.reduce((all, [name, spec]) => all.addBefore('code', name, spec), basic.spec.marks.update('link', link)),
});

/** The Y.XmlFragment every client binds its editor to. */
export const FRAGMENT = 'prosemirror';
