export { FRAGMENT, schema } from './schema.js';
export { toHtml, toHtmlFragment, toMarkdown, toText, withSafeLinks } from './export.js';
export { isLinkTarget, isSafeHref, type LinkInput, normalizeLink, safeHref } from './links.js';
export { fromHtml, fromMarkdown, fromProseMirrorJson, ImportError, markdownMayExpand, MAX_NODES_PER_BYTE } from './import.js';
export { type ImageInput, isImageSource, isSafeImageSrc, normalizeImageSource, safeImageSrc, withSafeImages } from './formats/inline-formats.js';
