// Documents from outside: Markdown (CommonMark, raw HTML left as text), HTML and ProseMirror JSON, turned
// into the shared schema's nodes. Unsafe links keep their text and lose the link (as in every export).
// HTML is parsed without a browser (linkedom) by the schema's own parse rules, as a paste is in the
// editor: what the schema has no node for keeps its text, scripts and styles go; tables keep their cells.

import { parseHTML } from 'linkedom';
import MarkdownIt, { type Options } from 'markdown-it';
import { defaultMarkdownParser, MarkdownParser } from 'prosemirror-markdown';
import { DOMParser as ProseMirrorDomParser, type Node } from 'prosemirror-model';
import { PAGE_STYLE, withSafeLinks } from './export.js';
import { MAX_NESTING } from './import-limits.js';
import { hasValidLevel, MAX_HEADING_LEVEL } from './formats/heading.js';
import { hasValidOrder, MAX_LIST_START } from './formats/list-order.js';
import { hasValidSpans, MAX_COLSPAN, MAX_ROWSPAN } from './formats/table-spans.js';
import { markdownItTables, tableTokens } from './formats/tables.js';
import { markdownItTaskLists, taskListTokens } from './formats/task-list.js';
import { schema } from './schema.js';
import { listsFromWord, mayHoldWordLists } from './word-lists.js';
export { markdownMayExpand } from './import-limits.js';
import { INLINE_TOKENS, inlineSyntax, withSafeImages } from './formats/inline-formats.js';

/** Why an import was refused: what was wrong with the input, in words for the person who sent it. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}

export { MAX_NESTING };

// The schema's nodes and marks carry prosemirror-markdown's names, so its token table applies as is.
const markdown = new MarkdownParser(
  schema,
  // CommonMark's preset stops parsing at nesting level 20 (ten list levels) and drops the rest of the
  // document; past the parser's limit a document is deeper than MAX_NESTING and refused whole instead.
  // (markdown-it takes the option; its type declarations leave it out.)
  inlineSyntax(new MarkdownIt('commonmark', { html: false, maxNesting: 2 * MAX_NESTING } as Options)).use(markdownItTables).use(markdownItTaskLists),
  {
    ...defaultMarkdownParser.tokens,
    // prosemirror-markdown's reads `start` with `|| 1`: a list numbered from 0 came back from 1.
    ordered_list: { block: 'ordered_list', getAttrs: (tok) => ({ order: Number(tok.attrGet('start') ?? 1) }) },
    ...INLINE_TOKENS,
    ...tableTokens,
    ...taskListTokens,
  },
);

const tooDeep = () => new ImportError(`The document is nested more than ${MAX_NESTING} levels deep`);

/**
 * At most this many nodes per byte of input, plus MIN_NODE_BUDGET: ordinary writing makes well under one
 * node a byte (a paragraph of text with a few marks, 60-100 bytes, makes a handful), a dense table about
 * one; a table whose short rows are each padded to a wide header made tens (130 000 nodes from 2 KiB),
 * and everything after the parse (Yjs, the log, every load) costs in nodes.
 */
export const MAX_NODES_PER_BYTE = 2;
const MIN_NODE_BUDGET = 1_000;

/** `doc` if it holds at most the node budget of `bytes` of input; throws ImportError otherwise. */
function withinBudget(doc: Node, bytes: number): Node {
  const budget = MIN_NODE_BUDGET + MAX_NODES_PER_BYTE * bytes;
  let nodes = 0;
  doc.descendants(() => {
    nodes += 1;
    return nodes <= budget;
  });
  if (nodes > budget) {
    throw new ImportError(`The document would hold ${nodes}+ nodes from ${bytes} bytes (at most ${budget}): a table padded far beyond what it holds?`);
  }
  return doc;
}

/** `node` if it nests at most MAX_NESTING levels; throws ImportError otherwise. Iterative: any depth. */
function withinNesting(node: Node): Node {
  const stack: Array<[Node, number]> = [[node, 1]];
  while (stack.length > 0) {
    const [n, level] = stack.pop()!;
    if (level > MAX_NESTING) throw tooDeep();
    n.forEach((child) => stack.push([child, level + 1]));
  }
  return node;
}

/** Whether plain JSON (a parsed body) nests objects and arrays deeper than `max`; iterative. */
function jsonDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, level] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (level > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, level + 1]);
  }
  return false;
}

/** Throws ImportError at the first heading whose level is not 1 to 6, numbered list whose start Markdown cannot write, or table cell whose spans are not whole numbers within HTML's limits. */
function withinAttrRanges(doc: Node): void {
  doc.descendants((node) => {
    if (!hasValidLevel(node)) throw new ImportError(`A heading's level is ${JSON.stringify(node.attrs.level)}: it must be a whole number from 1 to ${MAX_HEADING_LEVEL}`);
    if (!hasValidOrder(node)) throw new ImportError(`A numbered list starts at ${JSON.stringify(node.attrs.order)}: it must be a whole number of at most ${String(MAX_LIST_START).length} digits`);
    const role = node.type.spec.tableRole;
    if ((role === 'cell' || role === 'header_cell') && !hasValidSpans(node)) {
      throw new ImportError(
        `A table cell spans ${JSON.stringify(node.attrs.colspan)} columns and ${JSON.stringify(node.attrs.rowspan)} rows: each must be a whole number from 1 to ${MAX_COLSPAN} columns and ${MAX_ROWSPAN} rows`,
      );
    }
    return true;
  });
}

/** Runs a recursive parse, a stack overflow on a hostile depth reported as too deep. */
function parsing(parse: () => Node): Node {
  try {
    return withinNesting(parse());
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw tooDeep();
    throw error;
  }
}

export function fromMarkdown(text: string): Node {
  return withSafeImages(withSafeLinks(withinBudget(parsing(() => markdown.parse(text)), text.length)));
}

const htmlParser = ProseMirrorDomParser.fromSchema(schema);

/**
 * What is between `<body …>` and `</body>` (or the end). Found by searching, not by one regular expression:
 * /<body[^>]*>/ tried again from every "<body" of a page without a ">" took seconds for 200 KB.
 */
function bodyOf(html: string): string {
  const start = html.search(/<body/i);
  const open = html.indexOf('>', start);
  if (open === -1) return '';
  const end = html.slice(open + 1).search(/<\/body>/i);
  return end === -1 ? html.slice(open + 1) : html.slice(open + 1, open + 1 + end);
}

/** An HTML document or fragment; nothing in it runs or loads (the DOM is linkedom's, never rendered). */
export function fromHtml(html: string): Node {
  const doc = parsing(() => {
    const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>');
    const container = document.createElement('div');
    // A whole page's <body>, or the fragment itself.
    container.innerHTML = /<body[\s>]/i.test(html) ? bodyOf(html) : html;
    if (mayHoldWordLists(html)) listsFromWord(container);
    // A page this editor exported shows its text blocks' blanks as typed (PAGE_STYLE): read them so.
    return htmlParser.parse(container as unknown as Parameters<typeof htmlParser.parse>[0], { preserveWhitespace: html.includes(PAGE_STYLE) });
  });
  return withSafeImages(withSafeLinks(withinBudget(doc, html.length)));
}

/**
 * ProseMirror's own message without the content it quotes (`Invalid content for node paragraph:
 * <paragraph("…")>`): the message is logged with the refusal, and a document's text stays out of logs.
 */
const withoutContent = (message: string): string => message.replace(/^(Invalid content for node [^:]*):[\s\S]*$/, '$1');

/** A ProseMirror document as JSON (`{ "type": "doc", "content": [...] }`), checked against the schema. */
export function fromProseMirrorJson(json: unknown): Node {
  // A node is an object holding an array of nodes: two JSON levels a level (marks and attrs one more).
  if (jsonDeeperThan(json, 2 * MAX_NESTING + 2)) throw tooDeep();
  let doc: Node;
  try {
    doc = schema.nodeFromJSON(json);
    doc.check();
  } catch (cause) {
    throw new ImportError(`Not a document of this editor's schema: ${withoutContent((cause as Error).message)}`, { cause });
  }
  if (doc.type !== schema.topNodeType) throw new ImportError(`The top node must be "doc", not ${JSON.stringify(doc.type.name)}`);
  withinAttrRanges(doc);
  return withSafeImages(withSafeLinks(withinNesting(doc)));
}
