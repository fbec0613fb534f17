// Table spans as a browser reads them, for every table node the editor makes (stored-attrs.ts applies
// them where nodes are made). A document stored before the update gate checked spans (or written straight
// to the log) may hold a cell whose colspan is 1e308, "abc" or -5, or a grid of valid spans too big to map
// (prosemirror-tables' TableMap allocates width × height).

import { cellSpan, gridBound, MAX_COLSPAN, MAX_ROWSPAN } from '@tandem/schema/table-spans';
import { type Attrs, Fragment, type Node, type NodeType } from 'prosemirror-model';

/**
 * A table whose grid (width × height, counted as gridBound does) would pass this many places is shown
 * without its merges, every cell one column and one row. 250 000 places map in a few milliseconds.
 */
export const MAX_EDITOR_GRID = 250_000;

export const isCellType = (type: NodeType) => type.spec.tableRole === 'cell' || type.spec.tableRole === 'header_cell';

const isColwidth = (value: unknown, colspan: number): value is number[] =>
  Array.isArray(value) && value.length === colspan && value.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0);

/** A cell's attributes with its spans as a browser reads them, and a column width list only where it fits them. */
export function cellAttrsRead(attrs: Attrs | null | undefined): Attrs | null | undefined {
  if (attrs === null || attrs === undefined) return attrs;
  const colspan = cellSpan(attrs.colspan ?? 1, MAX_COLSPAN);
  const rowspan = cellSpan(attrs.rowspan ?? 1, MAX_ROWSPAN);
  const colwidth = attrs.colwidth === null || attrs.colwidth === undefined || isColwidth(attrs.colwidth, colspan) ? (attrs.colwidth ?? null) : null;
  if (colspan === attrs.colspan && rowspan === attrs.rowspan && colwidth === (attrs.colwidth ?? null)) return attrs;
  return { ...attrs, colspan, rowspan, colwidth };
}

/** `content` (a table's rows) with every cell one column and one row, when their grid would be too big to map. */
export function tableContentRead(content: Fragment): Fragment {
  // gridBound reads only forEach and childCount, which a table's content has as the table does.
  if (gridBound(content as unknown as Node) <= MAX_EDITOR_GRID) return content;
  const rows: Node[] = [];
  content.forEach((row) => {
    const cells: Node[] = [];
    row.forEach((cell) => cells.push(isCellType(cell.type) ? cell.type.create({ ...cell.attrs, colspan: 1, rowspan: 1, colwidth: null }, cell.content, cell.marks) : cell));
    rows.push(row.copy(Fragment.from(cells)));
  });
  return Fragment.from(rows);
}
