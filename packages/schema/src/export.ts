// Turning a document into the formats people download: plain text, Markdown and standalone HTML.
// Works without a DOM (the server has none): HTML is rendered from each node's own toDOM spec.
// Every format drops links whose target is not safe (see links.ts) and keeps their text.

import { defaultMarkdownSerializer, MarkdownSerializer, MarkdownSerializerState } from 'prosemirror-markdown';
import { type DOMOutputSpec, Fragment, type Mark, type Node } from 'prosemirror-model';
import { headingMarkdown } from './formats/heading.js';
import { tableMarkdown } from './formats/tables.js';
import { taskListMarkdown } from './formats/task-list.js';
import { isSafeHref } from './links.js';
import { inlineMarkdown } from './formats/inline-formats.js';
import { blanks, codeMarkdown, escapeLineStarts, flankingMark, textMarkdown } from './markdown-text.js';
import { LAYOUT_STYLE } from './export-layout.js';

const isUnsafeLink = (mark: Mark) => mark.type.name === 'link' && !isSafeHref(mark.attrs.href);

/** `doc` without link marks whose href is unsafe (the same node when it has none). */
export function withSafeLinks(doc: Node): Node {
  let unsafe = false;
  doc.descendants((node) => {
    if (node.marks.some(isUnsafeLink)) unsafe = true;
    return !unsafe;
  });
  return unsafe ? strip(doc) : doc;
}

function strip(node: Node): Node {
  if (node.isText) return node.mark(node.marks.filter((m) => !isUnsafeLink(m)));
  const children: Node[] = [];
  node.forEach((child) => children.push(strip(child)));
  return node.copy(Fragment.fromArray(children)).mark(node.marks.filter((m) => !isUnsafeLink(m)));
}

export function toText(doc: Node): string {
  const blocks: string[] = [];
  doc.descendants((node) => {
    if (node.isTextblock) {
      // A line break is a line of its own (its textContent is nothing: "one" and "two" became "onetwo").
      blocks.push(node.textBetween(0, node.content.size, undefined, (leaf) => (leaf.type.name === 'hard_break' ? '\n' : '')));
      return false;
    }
    return true;
  });
  return blocks.join('\n');
}

// Made on first use, not at import: the editor imports this package too, and a serializer built at
// import would pull prosemirror-markdown and markdown-it into its bundle.
let markdown: MarkdownSerializer | undefined;

export function toMarkdown(doc: Node): string {
  return serialize(markdownSerializer(), withoutEmptyItemStarts(withSafeLinks(doc)));
}

/** A list item starting with an empty paragraph and holding more: CommonMark ends an item at "* " and a blank line. */
const startsEmpty = (node: Node) => node.type.name === 'list_item' && node.childCount > 1 && node.firstChild!.type.name === 'paragraph' && node.firstChild!.content.size === 0;

/**
 * `doc` without the empty first paragraph of list items that hold more (the same node when none does).
 * Written, "* " and a blank line made the item end there and its other blocks come back after the list;
 * Markdown holds no empty paragraph anywhere, so the item loses only that.
 */
function withoutEmptyItemStarts(doc: Node): Node {
  let found = false;
  doc.descendants((node) => {
    if (startsEmpty(node)) found = true;
    return !found;
  });
  if (!found) return doc;
  const rebuild = (node: Node): Node => {
    if (node.isLeaf || node.isTextblock) return node;
    const children: Node[] = [];
    node.forEach((child, _, i) => {
      if (i > 0 || !startsEmpty(node)) children.push(rebuild(child));
    });
    return node.copy(Fragment.fromArray(children));
  };
  return rebuild(doc);
}

/** prosemirror-markdown's serializer with this schema's nodes and marks (exported for tests). */
export function markdownSerializer(): MarkdownSerializer {
  if (markdown !== undefined) return markdown;
  const inline = inlineMarkdown(defaultMarkdownSerializer);
  // "<" and ">" are escaped too, so typed text never turns into an autolink (`<javascript:…>`) or raw HTML.
  const nodes: MarkdownSerializer['nodes'] = {
    ...defaultMarkdownSerializer.nodes,
    ...textMarkdown(defaultMarkdownSerializer.nodes),
    ...inline.nodes,
    ...tableMarkdown,
    ...taskListMarkdown,
    ...adjacentLists(defaultMarkdownSerializer.nodes),
  };
  nodes.heading = headingMarkdown(nodes.heading!);
  return (markdown = new MarkdownSerializer(nodes, {
    ...defaultMarkdownSerializer.marks,
    code: codeMarkdown(defaultMarkdownSerializer.marks.code!),
    em: flankingMark(defaultMarkdownSerializer.marks.em!, '*', 'em'),
    strong: flankingMark(defaultMarkdownSerializer.marks.strong!, '**', 'strong'),
    ...inline.marks,
    strikethrough: flankingMark(inline.marks.strikethrough!, '~~', 's'),
  }, {
    escapeExtraCharacters: /[<>]/g,
  }));
}

/** How many lists of `node`'s type come right before it (CommonMark reads two written alike as one). */
function listsBefore(node: Node, parent: Node, index: number): number {
  let n = 0;
  while (index - n - 1 >= 0 && parent.child(index - n - 1).type === node.type) n += 1;
  return n;
}

/**
 * Lists written with another marker than the list right before them, of their type: "*" and "+" for
 * bullets, "- [ ]" and "+ [ ]" for tasks, "1." and "1)" for numbers. Written alike, two lists with
 * nothing between them came back as one.
 */
function adjacentLists(defaults: MarkdownSerializer['nodes']): MarkdownSerializer['nodes'] {
  return {
    bullet_list(state, node, parent, index) {
      if (listsBefore(node, parent, index) % 2 === 0) return defaults.bullet_list!(state, node, parent, index);
      state.renderList(node, '  ', () => '+ ');
    },
    ordered_list(state, node, parent, index) {
      if (listsBefore(node, parent, index) % 2 === 0) return defaults.ordered_list!(state, node, parent, index);
      const start = (node.attrs.order as number) ?? 1;
      const width = String(start + node.childCount - 1).length;
      state.renderList(node, ' '.repeat(width + 2), (i) => `${' '.repeat(width - String(start + i).length)}${start + i}) `);
    },
    task_list(state, node, parent, index) {
      const marker = listsBefore(node, parent, index) % 2 === 0 ? '-' : '+';
      state.renderList(node, '  ', (i) => `${marker} ${node.child(i).attrs.checked === true ? '[x]' : '[ ]'} `);
    },
  };
}

/** Characters of output the serializer keeps at hand: it looks back at most two (atBlank, text). */
const KEEP = 16;
/** Output is moved out of the serializer's string once it is this long. */
const DRAIN_AT = 16 * 1024;

/**
 * `serializer.serialize(doc)` in time linear in the document. prosemirror-markdown's state appends to one
 * string and reads its last character after nearly every append; V8 then flattens the whole concatenated
 * string each time, and a 10 000-paragraph document took six seconds. After each block node, all but the
 * last few characters move to a list of parts. Not within a block: a table's cells (formats/tables.ts)
 * hold offsets into the string while their inline content renders.
 */
function serialize(serializer: MarkdownSerializer, doc: Node): string {
  // The constructor is marked internal in the typings; serialize() itself calls it with these three.
  const State = MarkdownSerializerState as unknown as new (...args: [MarkdownSerializer['nodes'], MarkdownSerializer['marks'], MarkdownSerializer['options']]) => MarkdownSerializerState;
  const state = new State(serializer.nodes, serializer.marks, serializer.options);
  const output = state as unknown as { out: string };
  escapeLineStarts(state);
  const parts: string[] = [];
  const render = state.render.bind(state);
  state.render = (node, parent, index) => {
    const start = output.out.length;
    render(node, parent, index);
    // Spaces a mark moved out of itself (expelEnclosingWhitespace) at the end of a paragraph or heading,
    // which a reader would strip: written as character references (see markdown-text.ts). Only the block's
    // own text: not the blanks of a prefix written before it ("* ", "1. ", "- [ ] ") or by it ("## ").
    if (node.isTextblock && node.type.spec.code !== true && node.content.size > 0) {
      const written = output.out.slice(start);
      const prefix = node.type.name === 'heading' ? (/^#{1,6} /.exec(written)?.[0] ?? '') : '';
      const text = written.slice(prefix.length);
      const fixed = text.replace(/[ \t]+$/, blanks);
      if (fixed !== text) output.out = output.out.slice(0, start) + prefix + fixed;
    }
    if (node.isBlock && output.out.length >= DRAIN_AT) {
      parts.push(output.out.slice(0, -KEEP));
      output.out = output.out.slice(-KEEP);
    }
  };
  state.renderContent(doc);
  parts.push(output.out);
  return parts.join('');
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Renders a DOMOutputSpec, putting `inner` into its hole (0). */
function renderSpec(spec: DOMOutputSpec, inner: string): string {
  if (typeof spec === 'string') return escapeHtml(spec);
  if (!Array.isArray(spec)) throw new TypeError('DOM nodes are not supported in server-side rendering');
  const [tag, ...rest] = spec as [string, ...unknown[]];
  const name = tag.includes(' ') ? tag.split(' ')[1]! : tag;
  let attrs = '';
  let start = 0;
  const first = rest[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    for (const [k, v] of Object.entries(first as Record<string, unknown>)) {
      if (v !== null && v !== undefined) attrs += ` ${k}="${escapeHtml(String(v))}"`;
    }
    start = 1;
  }
  const children = rest
    .slice(start)
    .map((child) => (child === 0 ? inner : renderSpec(child as DOMOutputSpec, inner)))
    .join('');
  const isVoid = ['br', 'hr', 'img', 'input'].includes(name);
  return isVoid ? `<${name}${attrs}>` : `<${name}${attrs}>${children}</${name}>`;
}

function renderMarks(text: string, marks: readonly Mark[]): string {
  return marks.reduceRight((inner, mark) => {
    const toDOM = mark.type.spec.toDOM;
    return toDOM ? renderSpec(toDOM(mark, true), inner) : inner;
  }, text);
}

function renderNode(node: Node): string {
  if (node.isText) return renderMarks(escapeHtml(node.text ?? ''), node.marks);
  let inner = '';
  node.forEach((child) => (inner += renderNode(child)));
  const toDOM = node.type.spec.toDOM;
  return toDOM ? renderSpec(toDOM(node), inner) : inner;
}

/** The document's body HTML. */
export function toHtmlFragment(doc: Node): string {
  let html = '';
  withSafeLinks(doc).forEach((child) => (html += renderNode(child)));
  return html;
}

/**
 * Text blocks show runs of spaces, leading spaces and tabs as typed (the editor does: ProseMirror's
 * pre-wrap). An import that finds it reads the page's blanks as they are shown (import.ts): pages exported
 * before LAYOUT_STYLE hold it alone, so it stays this exact text, a style element of its own.
 */
export const PAGE_STYLE = '<style>p,h1,h2,h3,h4,h5,h6,th,td{white-space:pre-wrap}</style>';

/** A standalone HTML page with the document. */
export function toHtml(doc: Node, title: string): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${PAGE_STYLE}${LAYOUT_STYLE}</head>\n<body>\n${toHtmlFragment(doc)}\n</body></html>\n`;
}
