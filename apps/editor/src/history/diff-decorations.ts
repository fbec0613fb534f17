// Paints a diff onto a version: inserted text highlighted in its author's colour, deleted text shown
// struck through where it was, text whose formatting changed underlined with a dotted line, from the
// server's keep/insert/delete/format segments in document order. An image, a horizontal rule or a line
// break is a segment of its own (`node`): outlined when inserted, a struck-through label where deleted.

import type { Node } from 'prosemirror-model';
import { Decoration, DecorationSet } from 'prosemirror-view';
import type { AuthorLookup, DiffSegment } from '../api/client.js';
import { authorInfo } from './history-labels.js';

/** What people call each leaf node. */
const NODE_NAMES: Readonly<Record<string, string>> = { image: 'image', horizontal_rule: 'horizontal rule', hard_break: 'line break' };
const nodeName = (node: string) => NODE_NAMES[node] ?? node.replace(/_/g, ' ');

function deletion(segment: DiffSegment, author: { name: string; color: string } | undefined): HTMLElement {
  const el = document.createElement('del');
  el.className = segment.node === undefined ? 'diff-delete' : 'diff-delete diff-delete-node';
  el.textContent = segment.node === undefined ? segment.text : `[${nodeName(segment.node)}]`;
  el.title = `${segment.node === undefined ? 'Deleted' : `${capitalised(nodeName(segment.node))} deleted`} by ${author?.name ?? 'unknown'}`;
  el.style.textDecorationColor = author?.color ?? 'currentColor';
  el.style.color = author?.color ?? 'inherit';
  return el;
}

/** What people call each mark. */
const MARK_NAMES: Readonly<Record<string, string>> = { strong: 'bold', em: 'italic', code: 'code', link: 'link', strikethrough: 'strikethrough', underline: 'underline' };

/** A node's attribute (`<node>.<attribute>` in a diff) changed to `value` (null: removed), in words. */
const ATTRIBUTE_LABELS: Readonly<Record<string, (value: unknown) => string>> = {
  'heading.level': (value) => (value === null ? 'heading level removed' : `heading ${String(value)}`),
  'task_item.checked': (value) => (value === true ? 'ticked' : 'unticked'),
  'ordered_list.order': (value) => (value === null ? 'numbering removed' : `numbered from ${String(value)}`),
  'image.src': () => 'image address',
  'image.alt': (value) => (value === null ? 'image description removed' : 'image description'),
  'image.title': (value) => (value === null ? 'image title removed' : 'image title'),
};

function attributeLabel(name: string, value: unknown): string {
  const known = ATTRIBUTE_LABELS[name];
  if (known !== undefined) return known(value);
  const [node, attribute] = name.split('.') as [string, string];
  const what = `${node.replace(/_/g, ' ')} ${attribute.replace(/_/g, ' ')}`;
  return value === null ? `${what} removed` : what;
}

/**
 * "bold, italic removed": what a format run changed, in words (a node's attribute too: "heading 2",
 * "ticked"); with `by` (more than one person changed it), each change followed by who made it:
 * "bold (Alice), italic (Bob)".
 */
export function formatChangeLabel(formats: Readonly<Record<string, unknown>> | undefined, by?: (name: string) => string | undefined): string {
  return Object.entries(formats ?? {})
    .map(([name, value]) => {
      let what: string;
      if (name.includes('.')) what = attributeLabel(name, value);
      else {
        const mark = MARK_NAMES[name.split('--')[0]!] ?? name.split('--')[0]!;
        what = value === null ? `${mark} removed` : mark;
      }
      const who = by?.(name);
      return who === undefined ? what : `${what} (${who})`;
    })
    .join(', ');
}

/** The title of a format run: what changed, and by whom. */
function formatTitle(seg: DiffSegment, who: (id: string | undefined) => { name: string } | undefined, subject: string): string {
  return seg.by === undefined
    ? `${subject} changed by ${who(seg.author)?.name ?? 'unknown'}: ${formatChangeLabel(seg.formats)}`
    : `${subject} changed: ${formatChangeLabel(seg.formats, (name) => who(seg.by![name])?.name)}`;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `authors`: the diff's lookup, for each author's name and colour. */
export function diffDecorations(doc: Node, segments: readonly DiffSegment[], authors: AuthorLookup): DecorationSet {
  const who = (id: string | undefined) => (id === undefined ? undefined : authorInfo(id, authors));
  const decorations: Decoration[] = [];
  let index = 0;
  let offset = 0;
  let lastTextEnd = 0;
  const flushDeletes = (pos: number) => {
    while (index < segments.length && segments[index]!.type === 'delete') {
      const seg = segments[index]!;
      decorations.push(Decoration.widget(pos, () => deletion(seg, who(seg.author)), { side: -1, key: `del-${index}` }));
      index += 1;
      offset = 0;
    }
  };
  doc.descendants((node, pos) => {
    if (node.isLeaf && !node.isText) {
      // A leaf node is one segment of its own, when the server named it.
      flushDeletes(pos);
      const seg = segments[index];
      if (seg?.node !== node.type.name) return false;
      if (seg.type === 'insert') {
        const author = who(seg.author);
        const color = author?.color ?? '#6b7280';
        decorations.push(
          Decoration.node(pos, pos + node.nodeSize, {
            class: 'diff-insert-node',
            style: `outline: 2px solid ${color}; outline-offset: 1px`,
            title: `${capitalised(nodeName(seg.node))} added by ${author?.name ?? 'unknown'}`,
          }),
        );
      } else if (seg.type === 'format') {
        const color = who(seg.author)?.color ?? '#6b7280';
        decorations.push(
          Decoration.node(pos, pos + node.nodeSize, {
            class: 'diff-format-node',
            style: `outline: 2px dotted ${color}; outline-offset: 1px`,
            title: formatTitle(seg, who, capitalised(nodeName(seg.node))),
          }),
        );
      }
      index += 1;
      offset = 0;
      lastTextEnd = pos + node.nodeSize;
      return false;
    }
    if (!node.isText) return true;
    const text = node.text ?? '';
    let i = 0;
    while (i < text.length) {
      flushDeletes(pos + i);
      // A leaf the server named that this version does not show (an image with an unsafe address, left
      // out when it was served): its segment is no character of this text.
      while (index < segments.length && segments[index]!.node !== undefined && segments[index]!.type !== 'delete' && offset === 0) {
        index += 1;
        flushDeletes(pos + i);
      }
      const seg = segments[index];
      if (seg === undefined) return false;
      const take = Math.min(seg.text.length - offset, text.length - i);
      if (seg.type === 'format') {
        const author = who(seg.author);
        const color = author?.color ?? '#6b7280';
        decorations.push(
          Decoration.inline(pos + i, pos + i + take, {
            class: 'diff-format',
            style: `text-decoration: underline dotted ${color}; text-decoration-thickness: 2px`,
            title: formatTitle(seg, who, 'Formatting'),
          }),
        );
      } else if (seg.type === 'insert') {
        const author = who(seg.author);
        const color = author?.color ?? '#6b7280';
        decorations.push(
          Decoration.inline(pos + i, pos + i + take, {
            class: 'diff-insert',
            style: `background-color: ${color}33; border-bottom: 2px solid ${color}`,
            title: `Added by ${author?.name ?? 'unknown'}`,
          }),
        );
      }
      i += take;
      offset += take;
      if (offset === seg.text.length) {
        index += 1;
        offset = 0;
      }
    }
    lastTextEnd = pos + text.length;
    return false;
  });
  flushDeletes(lastTextEnd === 0 ? Math.min(1, doc.content.size) : lastTextEnd);
  return DecorationSet.create(doc, decorations);
}
