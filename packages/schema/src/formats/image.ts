// Images by address: which sources a document may show (http, https and this site's own paths), the
// image node that never renders another, its Markdown, and the pass that turns an imported image with a
// refused source (data:, javascript:…) into its alt text. Applied again on render, as links are (links.ts),
// since a client that skips the editor can write anything into a Yjs document.

import type { MarkdownSerializer, ParseSpec } from 'prosemirror-markdown';
import type Token from 'markdown-it/lib/token.mjs';
import { Fragment, type Node, type NodeSpec } from 'prosemirror-model';
import { schema as basic } from 'prosemirror-schema-basic';
import { isSafeHref } from '../links.js';

const IMAGE_SCHEMES: ReadonlySet<string> = new Set(['http', 'https']);

/** True for a source an image may be shown from: http(s), or relative (no scheme on any reading). */
export const isSafeImageSrc = (src: unknown): src is string => isSafeHref(src, IMAGE_SCHEMES);

/** `src` when it is safe, else null (an attribute renderers then leave out). */
export const safeImageSrc = (src: unknown): string | null => (isSafeImageSrc(src) ? src : null);

/**
 * Where an image may come from when someone adds one (the image dialog, a paste): an http(s) URL with a
 * host, or a path on this site (`/files/a.png`). Stricter than {@link isSafeImageSrc}.
 */
export function isImageSource(src: unknown): src is string {
  if (!isSafeImageSrc(src)) return false;
  if (src.startsWith('/')) return !src.startsWith('//') && src.length > 1;
  if (!/^https?:\/\//i.test(src)) return false;
  try {
    return new URL(src).hostname !== '';
  } catch {
    return false;
  }
}

export type ImageInput = { readonly ok: true; readonly src: string } | { readonly ok: false; readonly reason: 'empty' | 'not-allowed' };

/** Reads what someone typed as an image address: trimmed, spaces encoded; the result must pass {@link isImageSource}. */
export function normalizeImageSource(input: string): ImageInput {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  const src = text.replace(/ /g, '%20');
  return isImageSource(src) ? { ok: true, src } : { ok: false, reason: 'not-allowed' };
}

/** The basic image, read from pasted HTML only from an allowed source and rendered only from a safe one. */
export const image: NodeSpec = {
  ...basic.spec.nodes.get('image')!,
  parseDOM: [
    {
      tag: 'img[src]',
      getAttrs(dom) {
        const src = dom.getAttribute('src');
        return isImageSource(src) ? { src, alt: dom.getAttribute('alt'), title: dom.getAttribute('title') } : false;
      },
    },
  ],
  toDOM(node) {
    const { src, alt, title } = node.attrs as { src: unknown; alt: string | null; title: string | null };
    return ['img', { src: safeImageSrc(src), alt, title }];
  },
};

type NodeSerializer = MarkdownSerializer['nodes'][string];

/** `image` (prosemirror-markdown's), except that an unsafe source is written as the image's alt text alone. */
export const imageMarkdown =
  (_image: NodeSerializer): NodeSerializer =>
  (state, node) => {
    if (!isSafeImageSrc(node.attrs.src)) return state.text(String(node.attrs.alt ?? ''));
    // prosemirror-markdown's, with backslashes escaped in the source and title (a title ending in `\`
    // escaped its closing quote, and what followed it was read as Markdown of its own).
    const { alt, src, title } = node.attrs as { alt: string | null; src: string; title: string | null };
    state.write(`![${state.esc(alt ?? '')}](${markdownDestination(src)}${title ? ` ${markdownTitle(title)}` : ''})`);
  };

/** A link or image destination: `\`, parentheses and `"` backslash-escaped. */
export const markdownDestination = (href: string): string => href.replace(/[\\()"]/g, '\\$&');

/** A link or image title in double quotes, read back as the same text and never ending early. */
export const markdownTitle = (title: string): string =>
  `"${title.replace(/[\\"&]/g, '\\$&').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;')}"`;

/** The text of an image description's tokens (markdown-it leaves escaped characters as tokens of their own). */
const plainText = (tokens: readonly Token[] | null): string =>
  (tokens ?? [])
    .map((t) => (['text', 'text_special', 'code_inline'].includes(t.type) ? t.content : t.type === 'image' ? plainText(t.children) : t.type === 'softbreak' || t.type === 'hardbreak' ? '\n' : ''))
    .join('');

/** prosemirror-markdown's image token, except that the description is all of its text (not its first token). */
export const imageTokens: Record<string, ParseSpec> = {
  image: {
    node: 'image',
    getAttrs: (tok) => ({ src: tok.attrGet('src'), title: tok.attrGet('title') || null, alt: plainText(tok.children) || null }),
  },
};

const isRefused = (node: Node) => node.type.name === 'image' && !isSafeImageSrc(node.attrs.src);

/** `doc` with each image whose source is unsafe replaced by its alt text (the same node when there is none). */
export function withSafeImages(doc: Node): Node {
  let refused = false;
  doc.descendants((node) => {
    if (isRefused(node)) refused = true;
    return !refused;
  });
  return refused ? replaceRefused(doc) : doc;
}

function replaceRefused(node: Node): Node {
  const children: Node[] = [];
  node.forEach((child) => {
    if (!isRefused(child)) children.push(child.isLeaf ? child : replaceRefused(child));
    else if (child.attrs.alt) children.push(child.type.schema.text(String(child.attrs.alt), child.marks));
  });
  return node.copy(Fragment.fromArray(children));
}
