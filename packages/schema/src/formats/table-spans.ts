// A table cell's spans as a browser reads them, wherever they come from: pasted or uploaded HTML, JSON, or
// a Yjs client that skips the editor. prosemirror-tables takes any number; its TableMap allocates
// width × height, so one cell with colspan="1e308" made a Markdown export abort the process (V8's
// "invalid size" fatal error, found by a review) and colspan="5000000" held a thread for 11 s.

import { Fragment, type Node, type NodeSpec, type TagParseRule } from 'prosemirror-model';

/** HTML's limits: a browser reads colspan="5000" as 1000 and rowspan="70000" as 65534. */
export const MAX_COLSPAN = 1000;
export const MAX_ROWSPAN = 65534;

/**
 * At most this many grid places (width × height) in a table written as Markdown with its merges; a larger
 * one is written cell after cell (see tables.ts). 250 000 places are about a megabyte of `|`s.
 */
export const MAX_MARKDOWN_GRID = 250_000;

/** `value` as a browser reads a span: a whole number from 1 up to `max`; 0, negatives and nonsense as 1. */
export function cellSpan(value: unknown, max: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  return n >= 1 ? Math.min(max, Math.floor(n)) : 1;
}

/** Whether a cell's spans are whole numbers within HTML's limits. */
export function hasValidSpans(cell: Node): boolean {
  const { colspan, rowspan } = cell.attrs as { colspan: unknown; rowspan: unknown };
  return cellSpan(colspan, MAX_COLSPAN) === colspan && cellSpan(rowspan, MAX_ROWSPAN) === rowspan;
}

const isCell = (node: Node) => node.type.spec.tableRole === 'cell' || node.type.spec.tableRole === 'header_cell';

/** `table` itself when its cells' spans are all valid, else a copy with each span read as a browser would. */
export function withSafeSpans(table: Node): Node {
  let valid = true;
  table.forEach((row) => row.forEach((cell) => (valid &&= !isCell(cell) || hasValidSpans(cell))));
  if (valid) return table;
  const rows: Node[] = [];
  table.forEach((row) => {
    const cells: Node[] = [];
    row.forEach((cell) => {
      if (!isCell(cell) || hasValidSpans(cell)) return void cells.push(cell);
      const colspan = cellSpan(cell.attrs.colspan, MAX_COLSPAN);
      const colwidth = Array.isArray(cell.attrs.colwidth) && cell.attrs.colwidth.length === colspan ? cell.attrs.colwidth : null;
      cells.push(cell.type.create({ ...cell.attrs, colspan, rowspan: cellSpan(cell.attrs.rowspan, MAX_ROWSPAN), colwidth }, cell.content, cell.marks));
    });
    rows.push(row.copy(Fragment.fromArray(cells)));
  });
  return table.copy(Fragment.fromArray(rows));
}

/**
 * An upper bound of the places of `table`'s grid (TableMap's width × height), counted without building it:
 * the widest row's own columns plus every column a cell spanning rows may carry into another.
 */
export function gridBound(table: Node): number {
  let widest = 0;
  let carried = 0;
  table.forEach((row) => {
    let own = 0;
    row.forEach((cell) => {
      own += cell.attrs.colspan as number;
      if ((cell.attrs.rowspan as number) > 1) carried += cell.attrs.colspan as number;
    });
    widest = Math.max(widest, own);
  });
  return (widest + carried) * table.childCount;
}

/** `specs` (prosemirror-tables' nodes) with each cell's parse rules reading spans as a browser does. */
export function withSpansRead(specs: Record<string, NodeSpec>): Record<string, NodeSpec> {
  const read = (rule: TagParseRule): TagParseRule => ({
    ...rule,
    getAttrs: (dom) => {
      const attrs = rule.getAttrs?.(dom) ?? null;
      if (attrs === false || attrs === null) return attrs;
      const colspan = cellSpan(attrs.colspan, MAX_COLSPAN);
      const colwidth = Array.isArray(attrs.colwidth) && attrs.colwidth.length === colspan ? attrs.colwidth : null;
      return { ...attrs, colspan, rowspan: cellSpan(attrs.rowspan, MAX_ROWSPAN), colwidth };
    },
  });
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      spec.tableRole === 'cell' || spec.tableRole === 'header_cell' ? { ...spec, parseDOM: spec.parseDOM?.map((rule) => ('tag' in rule ? read(rule as TagParseRule) : rule)) } : spec,
    ]),
  );
}
