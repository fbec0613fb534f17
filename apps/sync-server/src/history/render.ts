// Renders a materialized document in a download format: ProseMirror JSON, HTML, Markdown, text or
// the Yjs binary state.

import { FRAGMENT, schema, toHtml, toMarkdown, toText, withSafeImages, withSafeLinks } from '@tandem/schema';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import * as Y from 'yjs';
import { TandemError } from '../errors.js';

export const FORMATS = ['json', 'html', 'markdown', 'text', 'yjs'] as const;
export type Format = (typeof FORMATS)[number];

export interface Rendered {
  readonly body: string | Uint8Array;
  readonly contentType: string;
  readonly extension: string;
}

/** Other names a format goes by (a file's extension). */
export const FORMAT_ALIASES: Readonly<Record<string, Format>> = { md: 'markdown', txt: 'text' };

export function parseFormat(value: string | undefined): Format {
  const format = value === undefined || value === '' ? 'json' : (FORMAT_ALIASES[value] ?? value);
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new TandemError('bad-request', `Unknown format ${JSON.stringify(value)}: use ${FORMATS.join(', ')}`);
  }
  return format as Format;
}

/**
 * The ProseMirror document held by a Y.Doc's editor fragment, without unsafe links or image sources: any client can
 * write any mark into the CRDT, so what leaves the server is checked here, not trusted.
 */
export function proseMirrorDoc(ydoc: Y.Doc) {
  return withSafeImages(withSafeLinks(yXmlFragmentToProseMirrorRootNode(ydoc.getXmlFragment(FRAGMENT), schema)));
}

/**
 * Headers for serving a rendered version: a download unless `inline`, and never able to run script
 * or load anything on this origin, whatever the content.
 */
export function exportHeaders(doc: string, seq: number, rendered: Rendered, inline: boolean): Record<string, string> {
  const name = downloadName(doc, seq, rendered.extension);
  return {
    'content-type': rendered.contentType,
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'content-security-policy': "sandbox; default-src 'none'",
    'x-content-type-options': 'nosniff',
    'x-tandem-seq': String(seq),
  };
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

/** A file name for a download: the document name made safe, and the version. */
export function downloadName(doc: string, seq: number, extension: string): string {
  const safe = doc.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^_+|_+$/g, '') || 'document';
  return `${safe}-v${seq}.${extension}`;
}
