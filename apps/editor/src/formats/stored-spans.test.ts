// Table nodes the editor makes read their spans as a browser does, whatever they are given.

import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';

const { nodes } = schema;
const cellJSON = (attrs: Record<string, unknown>) => ({ type: 'table_cell', attrs, content: [{ type: 'paragraph' }] });

describe('table cells and tables made by the editor', () => {
  it('read spans of 1e308, "abc", -5 and 2.5 as a browser does, where ProseMirror threw or took them', () => {
    const read = (attrs: Record<string, unknown>) => schema.nodeFromJSON(cellJSON(attrs)).attrs;
    expect(read({ colspan: 1e308, rowspan: 1e308 })).toMatchObject({ colspan: 1000, rowspan: 65534 });
    expect(read({ colspan: 'abc', rowspan: -5 })).toMatchObject({ colspan: 1, rowspan: 1 });
    expect(read({ colspan: 2.5, rowspan: 0, colwidth: 'wide' })).toMatchObject({ colspan: 2, rowspan: 1, colwidth: null });
    expect(read({ colspan: 2, colwidth: [100, 120] })).toMatchObject({ colspan: 2, rowspan: 1, colwidth: [100, 120] });
    expect(nodes.table_header!.createAndFill({ colspan: Number.NaN })!.attrs.colspan).toBe(1);
  });

  it('show a grid too big to map without its merges, and keep a table that maps', () => {
    const cell = (colspan: number) => nodes.table_cell!.createAndFill({ colspan })!;
    const row = (cells: ReturnType<typeof cell>[]) => nodes.table_row!.create(null, cells);
    const absurd = nodes.table!.create(null, [row(Array.from({ length: 600 }, () => cell(1000))), row([cell(1)])]);
    absurd.forEach((r) => r.forEach((c) => expect(c.attrs.colspan).toBe(1)));
    const merged = nodes.table!.create(null, [row([cell(3)]), row([cell(1), cell(1), cell(1)])]);
    expect(merged.firstChild!.firstChild!.attrs.colspan).toBe(3);
  });
});
