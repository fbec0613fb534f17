// Paints a diff onto a version: inserted text highlighted in its author's colour, deleted text shown
// struck through where it was, from the server's keep/insert/delete segments in document order.

import type { Node } from 'prosemirror-model';
import { Decoration, DecorationSet } from 'prosemirror-view';
import type { DiffSegment } from '../api/client.js';

const PALETTE = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

/** A stable colour per author. */
export function authorColor(author: string): string {
  let hash = 0;
  for (const ch of author) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length]!;
}

function deletion(text: string, author: string | undefined): HTMLElement {
  const el = document.createElement('del');
  el.className = 'diff-delete';
  el.textContent = text;
  el.title = `Deleted by ${author ?? 'unknown'}`;
  el.style.textDecorationColor = authorColor(author ?? '');
  el.style.color = authorColor(author ?? '');
  return el;
}

export function diffDecorations(doc: Node, segments: readonly DiffSegment[]): DecorationSet {
  const decorations: Decoration[] = [];
  let index = 0;
  let offset = 0;
  let lastTextEnd = 0;
  const flushDeletes = (pos: number) => {
    while (index < segments.length && segments[index]!.type === 'delete') {
      const seg = segments[index]!;
      decorations.push(Decoration.widget(pos, () => deletion(seg.text, seg.author), { side: -1, key: `del-${index}` }));
      index += 1;
      offset = 0;
    }
  };
  doc.descendants((node, pos) => {
    if (!node.isText) return true;
    const text = node.text ?? '';
    let i = 0;
    while (i < text.length) {
      flushDeletes(pos + i);
      const seg = segments[index];
      if (seg === undefined) return false;
      const take = Math.min(seg.text.length - offset, text.length - i);
      if (seg.type === 'insert') {
        const color = authorColor(seg.author ?? '');
        decorations.push(
          Decoration.inline(pos + i, pos + i + take, {
            class: 'diff-insert',
            style: `background-color: ${color}33; border-bottom: 2px solid ${color}`,
            title: `Added by ${seg.author ?? 'unknown'}`,
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
