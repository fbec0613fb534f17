// Tables: prosemirror-tables' node specs (cells hold blocks), and their Markdown as a GFM pipe table.
//
// A GFM cell holds one line of inline content, so export writes each cell's text blocks (paragraphs,
// headings, list items, code lines) and hard breaks as one line joined with `<br>`, and import splits a
// cell at `<br>` back into paragraphs: a cell of plain paragraphs round-trips exactly, while lists,
// headings and hard breaks in a cell come back as paragraphs (HTML and JSON keep them). The first row is
// the header row GFM requires; a merged cell is written in its first column and row, the cells it covers
// empty. Column widths are HTML- and JSON-only.

import type MarkdownIt from 'markdown-it';
import type StateCore from 'markdown-it/lib/rules_core/state_core.mjs';
import type { MarkdownSerializerState, ParseSpec } from 'prosemirror-markdown';
import { Fragment, type Node, type NodeSpec } from 'prosemirror-model';
import { TableMap, tableNodes } from 'prosemirror-tables';
import { blanks } from '../markdown-text.js';
import { gridBound, MAX_MARKDOWN_GRID, withSafeSpans, withSpansRead } from './table-spans.js';

/** `table`, `table_row`, `table_header` and `table_cell`, cells holding one or more blocks; spans read as a browser reads them. */
export const tableNodeSpecs: Record<string, NodeSpec> = withSpansRead(tableNodes({ tableGroup: 'block', cellContent: 'block+', cellAttributes: {} }));

type NodeSerializer = (state: MarkdownSerializerState, node: Node, parent: Node, index: number) => void;

/** The inline runs of a cell: each text block, split at its hard breaks. */
function cellLines(cell: Node): Node[] {
  const lines: Node[] = [];
  cell.descendants((node) => {
    if (!node.isTextblock) return true;
    if (node.type.spec.code) {
      for (const line of node.textContent.split('\n')) lines.push(node.type.schema.nodes.paragraph!.create(null, line ? node.type.schema.text(line) : null));
      return false;
    }
    let run: Node[] = [];
    node.forEach((child) => {
      if (child.type.name === 'hard_break') {
        lines.push(node.copy(Fragment.fromArray(run)));
        run = [];
      } else run.push(child);
    });
    lines.push(node.copy(Fragment.fromArray(run)));
    return false;
  });
  return lines;
}

/** One cell's Markdown: its lines joined with `<br>`, every pipe escaped (in code spans too, as GFM wants). */
function writeCell(state: MarkdownSerializerState, cell: Node): void {
  const out = state as unknown as { out: string };
  cellLines(cell).forEach((line, i) => {
    // Rendered on its own (after a blank, as in the row, so that nothing is escaped as at a line's start):
    // slicing and re-reading the whole output for each cell made a big table's export quadratic.
    const before = out.out;
    out.out = ' ';
    state.renderInline(line, false);
    // GFM trims a cell: blanks at its edges are written as character references (see markdown-text.ts).
    out.out = before + (i > 0 ? '<br>' : '') + out.out.slice(1).replace(/\|/g, '\\|').replace(/^[ \t]+/, blanks).replace(/[ \t]+$/, blanks);
  });
}

const table: NodeSerializer = (state, original) => {
  const node = withSafeSpans(original);
  if (gridBound(node) > MAX_MARKDOWN_GRID) {
    writeUnmerged(state, node);
    return;
  }
  const map = TableMap.get(node);
  const out = state as unknown as { out: string };
  for (let row = 0; row < map.height; row++) {
    state.write('|');
    for (let col = 0; col < map.width; col++) {
      const pos = map.map[row * map.width + col]!;
      // A merged cell is written where it starts; the places it covers stay empty.
      const starts = (row === 0 || map.map[(row - 1) * map.width + col] !== pos) && (col === 0 || map.map[row * map.width + col - 1] !== pos);
      out.out += ' ';
      // A row shorter than the others (two people's edits of the table at once) has no cell here: the map puts
      // the table's start (its first row) in the hole, whose whole text was written.
      const cell = node.nodeAt(pos);
      if (starts && cell !== null && cell.type.spec.tableRole !== 'row') writeCell(state, cell);
      out.out += ' |';
    }
    if (row === 0) {
      out.out += '\n';
      state.write(`|${' --- |'.repeat(map.width)}`);
    }
    if (row < map.height - 1) out.out += '\n';
  }
  state.closeBlock(node);
};

/**
 * A table too big to write as a grid (see MAX_MARKDOWN_GRID): each row's cells one after another, merges
 * left out, and only the header row padded to the widest row (GFM pads the others itself).
 */
function writeUnmerged(state: MarkdownSerializerState, node: Node): void {
  const out = state as unknown as { out: string };
  let width = 0;
  node.forEach((row) => (width = Math.max(width, row.childCount)));
  node.forEach((row, _, r) => {
    state.write('|');
    for (let col = 0; col < (r === 0 ? width : row.childCount); col++) {
      out.out += ' ';
      if (col < row.childCount) writeCell(state, row.child(col));
      out.out += ' |';
    }
    if (r === 0) {
      out.out += '\n';
      state.write(`|${' --- |'.repeat(width)}`);
    }
    if (r < node.childCount - 1) out.out += '\n';
  });
  state.closeBlock(node);
}

/** Rows and cells are written by `table`. */
export const tableMarkdown: Record<string, NodeSerializer> = {
  table,
  table_row: () => {},
  table_header: () => {},
  table_cell: () => {},
};

export const tableTokens: Record<string, ParseSpec> = {
  table: { block: 'table' },
  thead: { ignore: true },
  tbody: { ignore: true },
  tr: { block: 'table_row' },
  th: { block: 'table_header' },
  td: { block: 'table_cell' },
};

/** `<br>` (or `<br/>`, `<br />`) not escaped by a backslash: where a cell's paragraphs meet. */
function splitAtBreaks(content: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (const match of content.matchAll(/(\\*)<br\s*\/?>/gi)) {
    if (match[1]!.length % 2 === 1) continue;
    const at = match.index + match[1]!.length;
    parts.push(content.slice(from, at));
    from = at + match[0].length - match[1]!.length;
  }
  parts.push(content.slice(from));
  return parts.map((part) => part.trim());
}

/** Wraps each cell's inline content in paragraphs, one per `<br>`-separated part, before inline parsing. */
function cellParagraphs(state: StateCore): void {
  const tokens = [];
  let inCell = false;
  for (const token of state.tokens) {
    if (token.type === 'th_open' || token.type === 'td_open') inCell = true;
    if (token.type === 'th_close' || token.type === 'td_close') inCell = false;
    if (!inCell || token.type !== 'inline') {
      tokens.push(token);
      continue;
    }
    for (const part of splitAtBreaks(token.content)) {
      const open = new state.Token('paragraph_open', 'p', 1);
      const inline = new state.Token('inline', '', 0);
      inline.content = part;
      inline.map = token.map;
      inline.children = [];
      const close = new state.Token('paragraph_close', 'p', -1);
      for (const t of [open, inline, close]) t.block = true;
      inline.level = token.level + 1;
      tokens.push(open, inline, close);
    }
  }
  state.tokens = tokens;
}

/** GFM tables in a markdown-it instance, cells made of paragraphs. */
export function markdownItTables(md: MarkdownIt): void {
  md.enable('table');
  md.core.ruler.before('inline', 'tandem_table_cells', cellParagraphs);
}
