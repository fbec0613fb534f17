// Strikethrough: <s> in the document and in HTML, `~~…~~` in Markdown (GitHub's, which markdown-it reads
// with its strikethrough rule enabled).

import type { MarkdownSerializer, ParseSpec } from 'prosemirror-markdown';
import type { MarkSpec } from 'prosemirror-model';
import { decorates } from './underline.js';

type MarkSerializer = MarkdownSerializer['marks'][string];

export const strikethrough: MarkSpec = {
  parseDOM: [
    { tag: 's' },
    { tag: 'del' },
    { tag: 'strike' },
    { style: 'text-decoration', getAttrs: decorates('line-through'), consuming: false },
    { style: 'text-decoration-line', getAttrs: decorates('line-through'), consuming: false },
  ],
  toDOM: () => ['s', 0],
};

export const strikethroughMarkdown: MarkSerializer = { open: '~~', close: '~~', mixable: true, expelEnclosingWhitespace: true };

/** markdown-it's `s_open` / `s_close` tokens. */
export const strikethroughTokens: Record<string, ParseSpec> = { s: { mark: 'strikethrough' } };

/** The markdown-it rule to enable (off in its CommonMark preset). */
export const STRIKETHROUGH_RULE = 'strikethrough';
