// Documents from outside: Markdown (CommonMark, raw HTML left as text), HTML and ProseMirror JSON, turned
// into the shared schema's nodes. Unsafe links keep their text and lose the link (as in every export).
// HTML is parsed without a browser (linkedom) by the schema's own parse rules, as a paste is in the
// editor: what the schema has no node for keeps its text, scripts and styles go; tables keep their cells.

import { parseHTML } from 'linkedom';
import MarkdownIt from 'markdown-it';
import { defaultMarkdownParser, MarkdownParser } from 'prosemirror-markdown';
import { DOMParser as ProseMirrorDomParser, type Node } from 'prosemirror-model';
import { withSafeLinks } from './export.js';
import { markdownItTables, tableTokens } from './formats/tables.js';
import { markdownItTaskLists, taskListTokens } from './formats/task-list.js';
import { schema } from './schema.js';
import { INLINE_TOKENS, inlineSyntax, withSafeImages } from './formats/inline-formats.js';

/** Why an import was refused: what was wrong with the input, in words for the person who sent it. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}

// The schema's nodes and marks carry prosemirror-markdown's names, so its token table applies as is.
const markdown = new MarkdownParser(
  schema,
  inlineSyntax(new MarkdownIt('commonmark', { html: false })).use(markdownItTables).use(markdownItTaskLists),
  {
    ...defaultMarkdownParser.tokens,
    ...INLINE_TOKENS,
    ...tableTokens,
    ...taskListTokens,
  },
);

export function fromMarkdown(text: string): Node {
  return withSafeImages(withSafeLinks(markdown.parse(text)));
}

const htmlParser = ProseMirrorDomParser.fromSchema(schema);

/** An HTML document or fragment; nothing in it runs or loads (the DOM is linkedom's, never rendered). */
export function fromHtml(html: string): Node {
  const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>');
  const container = document.createElement('div');
  // A whole page's <body>, or the fragment itself.
  container.innerHTML = /<body[\s>]/i.test(html) ? (/<body[^>]*>([\s\S]*?)(<\/body>|$)/i.exec(html)?.[1] ?? '') : html;
  return withSafeImages(withSafeLinks(htmlParser.parse(container as unknown as Parameters<typeof htmlParser.parse>[0])));
}

/** A ProseMirror document as JSON (`{ "type": "doc", "content": [...] }`), checked against the schema. */
export function fromProseMirrorJson(json: unknown): Node {
  let doc: Node;
  try {
    doc = schema.nodeFromJSON(json);
    doc.check();
  } catch (cause) {
    throw new ImportError(`Not a document of this editor's schema: ${(cause as Error).message}`, { cause });
  }
  if (doc.type !== schema.topNodeType) throw new ImportError(`The top node must be "doc", not ${JSON.stringify(doc.type.name)}`);
  return withSafeImages(withSafeLinks(doc));
}
