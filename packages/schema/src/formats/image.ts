// Images by address: which sources a document may show (http, https and this site's own paths), the
// image node that never renders another, its Markdown, and the pass that turns an imported image with a
// refused source (data:, javascript:…) into its alt text. Applied again on render, as links are (links.ts),
// since a client that skips the editor can write anything into a Yjs document.

import type { MarkdownSerializer } from 'prosemirror-markdown';
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
  (image: NodeSerializer): NodeSerializer =>
  (state, node, parent, index) => {
    if (isSafeImageSrc(node.attrs.src)) image(state, node, parent, index);
    else state.text(String(node.attrs.alt ?? ''));
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
