export { FRAGMENT, schema } from './schema.js';
export { toHtml, toHtmlFragment, toMarkdown, toText, withSafeLinks } from './export.js';
export { isSafeHref, safeHref } from './links.js';
