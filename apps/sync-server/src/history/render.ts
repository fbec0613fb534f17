// Renders a materialized document in a download format: ProseMirror JSON, HTML, Markdown, text or
// the Yjs binary state.

import { FRAGMENT, schema, toHtml, toMarkdown, toText, withSafeImages, withSafeLinks } from '@tandem/schema';
import { readStoredAttrs } from '@tandem/schema/stored-attrs';
import { addMissingFirstLines } from '@tandem/schema/first-lines';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import * as Y from 'yjs';
import type { Format, Rendered } from './formats.js';

/**
 * The ProseMirror document held by a Y.Doc's editor fragment, without unsafe links or image sources: any client can
 * write any mark into the CRDT, so what leaves the server is checked here, not trusted.
 */
export function proseMirrorDoc(ydoc: Y.Doc) {
  // Read from a copy: y-prosemirror deletes from the Y.Doc it reads whatever the schema cannot hold, and
  // `ydoc` may be a version a history thread keeps for the next request (a Yjs download of it, a diff).
  const copy = new Y.Doc();
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc));
    // A value the schema refuses (a heading level "abc", a cell's colspan "abc") is read as its default, not
    // left out with its element (see stored-attrs.ts).
    readStoredAttrs(copy.getXmlFragment(FRAGMENT), schema);
    // A list item changes made apart left starting with a list (caught before an editor gave it its line
    // again) is shown with an empty first line, not left out with every line in it (first-lines.ts).
    addMissingFirstLines(copy.getXmlFragment(FRAGMENT), schema);
    return withSafeImages(withSafeLinks(yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(FRAGMENT), schema)));
  } finally {
    copy.destroy();
  }
}

export function render(ydoc: Y.Doc, format: Format, meta: { doc: string; seq: number; at: string | null }): Rendered {
  switch (format) {
    case 'yjs':
      return { body: Y.encodeStateAsUpdate(ydoc), contentType: 'application/octet-stream', extension: 'yjs' };
    case 'json':
      return {
        body: JSON.stringify({ ...meta, content: proseMirrorDoc(ydoc).toJSON() }),
        contentType: 'application/json; charset=utf-8',
        extension: 'json',
      };
    case 'html':
      return { body: toHtml(proseMirrorDoc(ydoc), `${meta.doc} (version ${meta.seq})`), contentType: 'text/html; charset=utf-8', extension: 'html' };
    case 'markdown':
      return { body: toMarkdown(proseMirrorDoc(ydoc)), contentType: 'text/markdown; charset=utf-8', extension: 'md' };
    case 'text':
      return { body: toText(proseMirrorDoc(ydoc)), contentType: 'text/plain; charset=utf-8', extension: 'txt' };
  }
}
