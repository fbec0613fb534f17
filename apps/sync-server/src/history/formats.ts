// The download formats, and the headers a rendered version is served with: what the server's thread
// needs of rendering, without the renderers (the schema's exporters and y-prosemirror load in a few
// hundred milliseconds; they run on the history threads, see render.ts).

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
 * Headers for serving a rendered version: a download unless `inline`, and never able to run script
 * or load anything on this origin, whatever the content (inline styles only).
 */
export function exportHeaders(doc: string, seq: number, rendered: Rendered, inline: boolean): Record<string, string> {
  const name = downloadName(doc, seq, rendered.extension);
  // `filename` must be ASCII: a header value above U+00FF is refused by Node (the whole answer a 500), and
  // Latin-1 ones are read differently by each browser. The exact name travels in `filename*` (RFC 6266).
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  return {
    'content-type': rendered.contentType,
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    // Styles only (the HTML export's own, which keeps runs of spaces): no script, no request, in a sandbox.
    'content-security-policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'",
    'x-content-type-options': 'nosniff',
    'x-tandem-seq': String(seq),
  };
}

/** A file name for a download: the document name made safe, and the version. */
export function downloadName(doc: string, seq: number, extension: string): string {
  const safe = doc.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^_+|_+$/g, '') || 'document';
  return `${safe}-v${seq}.${extension}`;
}
