// Table spans as a browser reads them, in every table node the editor makes. A document stored before the
// update gate checked spans (or written straight to the log) may hold a cell whose colspan is 1e308, "abc"
// or -5, or a grid of valid spans too big to map (prosemirror-tables' TableMap allocates width × height).
//
// Read where nodes are made (NodeType.create, createChecked, createAndFill), because every way stored
// content reaches the editor goes through them: y-prosemirror's schema.node for the live document,
// Node.fromJSON for the history view's versions, AttrStep and setNodeMarkup for steps. A node view would
// only change the DOM, while the crash and the hang are in TableMap, before any view; and ProseMirror's
// `validate` throws, which makes y-prosemirror delete the Y element it could not read (a cell of "abc"
// was deleted from the shared document by whoever opened it). Not in @tandem/schema itself: the server
// must see stored spans as they are (a JSON import with bad spans is refused, exports clamp on their own).

import { cellSpan, gridBound, MAX_COLSPAN, MAX_ROWSPAN } from '@tandem/schema/table-spans';
import { type Attrs, Fragment, type Node, type NodeType, type Schema } from 'prosemirror-model';

/**
 * A table whose grid (width × height, counted as gridBound does) would pass this many places is shown
 * without its merges, every cell one column and one row. 250 000 places map in a few milliseconds.
 */
export const MAX_EDITOR_GRID = 250_000;

const isCellType = (type: NodeType) => type.spec.tableRole === 'cell' || type.spec.tableRole === 'header_cell';

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
function rowsRead(content: Fragment): Fragment {
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

type Content = Fragment | Node | readonly Node[] | null | undefined;

/** Makes `type`'s create, createChecked and createAndFill read what they are given through `attrs` and `content`. */
function readOnCreate(type: NodeType, read: { attrs?: (a: Attrs | null | undefined) => Attrs | null | undefined; content?: (c: Fragment) => Fragment }): void {
  const { create, createChecked, createAndFill } = type;
  const attrsOf = read.attrs ?? ((a) => a);
  const contentOf = (c: Content) => (read.content === undefined ? c : read.content(Fragment.from(c as Fragment | Node | readonly Node[] | null)));
  type.create = (attrs, content, marks) => create.call(type, attrsOf(attrs), contentOf(content), marks);
  type.createChecked = (attrs, content, marks) => createChecked.call(type, attrsOf(attrs), contentOf(content), marks);
  type.createAndFill = (attrs, content, marks) => createAndFill.call(type, attrsOf(attrs), contentOf(content), marks);
}

const done = new WeakSet<Schema>();

/** Makes every table cell `schema` creates read its spans as a browser does, and every table too big to map unmerged. Once per schema. */
export function readTableSpansOnCreate(schema: Schema): void {
  if (done.has(schema)) return;
  done.add(schema);
  for (const type of Object.values(schema.nodes)) {
    if (isCellType(type)) readOnCreate(type, { attrs: cellAttrsRead });
    else if (type.spec.tableRole === 'table') readOnCreate(type, { content: rowsRead });
  }
}
