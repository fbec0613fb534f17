export { FRAGMENT, schema } from './schema.js';
export { toHtml, toHtmlFragment, toMarkdown, toText } from './export.js';
