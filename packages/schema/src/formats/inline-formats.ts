// The inline formats (underline, strikethrough, images by address) as one set of schema parts and
// Markdown entries, assembled into the schema (schema.ts), the exports (export.ts) and imports (import.ts).

import type MarkdownIt from 'markdown-it';
import type { MarkdownSerializer, ParseSpec } from 'prosemirror-markdown';
import type { MarkSpec, NodeSpec } from 'prosemirror-model';
import { image, imageMarkdown, imageTokens, markdownDestination, markdownTitle } from './image.js';
import { STRIKETHROUGH_RULE, strikethrough, strikethroughMarkdown, strikethroughTokens } from './strikethrough.js';
import { underline, underlineMarkdown, underlineSyntax, underlineTokens } from './underline.js';

export { isImageSource, isSafeImageSrc, normalizeImageSource, safeImageSrc, withSafeImages, type ImageInput } from './image.js';

/** Marks, in the order they nest (outermost first); placed before `code`, which must stay innermost in Markdown. */
export const INLINE_MARKS: ReadonlyArray<[string, MarkSpec]> = [
  ['underline', underline],
  ['strikethrough', strikethrough],
];

/** Nodes that replace basic ones of the same name. */
export const INLINE_NODES: ReadonlyArray<[string, NodeSpec]> = [['image', image]];

type Serializer = Pick<MarkdownSerializer, 'nodes' | 'marks'>;

/** Markdown serializer entries to merge over prosemirror-markdown's defaults (passed in, so that this
 * module, which the schema imports, does not load prosemirror-markdown itself). */
export const inlineMarkdown = (defaults: Serializer): Serializer => ({
  nodes: { image: imageMarkdown(defaults.nodes.image!) },
  marks: { underline: underlineMarkdown, strikethrough: strikethroughMarkdown, link: linkMarkdown(defaults.marks.link!) },
});

type MarkSerializer = MarkdownSerializer['marks'][string];

/** prosemirror-markdown's link, with its destination and title escaped so that neither can end early. */
const linkMarkdown = (link: MarkSerializer): MarkSerializer => ({
  ...link,
  close(state, mark, parent, index) {
    if ((state as unknown as { inAutolink?: boolean }).inAutolink) return (link.close as (...args: unknown[]) => string)(state, mark, parent, index);
    const { href, title } = mark.attrs as { href: string; title: string | null };
    return `](${markdownDestination(href)}${title ? ` ${markdownTitle(title)}` : ''})`;
  },
});

/** Parser tokens to merge over prosemirror-markdown's defaults. */
export const INLINE_TOKENS: Record<string, ParseSpec> = { ...underlineTokens, ...strikethroughTokens, ...imageTokens };

/** The markdown-it syntax these formats need. */
export const inlineSyntax = (md: MarkdownIt): MarkdownIt => md.enable(STRIKETHROUGH_RULE).use(underlineSyntax);
