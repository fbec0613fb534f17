// The toolbar checks its formatting buttons against the top-level block around the selection alone: every
// such button must answer there exactly as it does against the whole document, on every kind of selection.

import type { Node } from 'prosemirror-model';
import { AllSelection, type EditorState, NodeSelection, type Selection, TextSelection } from 'prosemirror-state';
import { CellSelection } from 'prosemirror-tables';
import { describe, expect, it } from 'vitest';
import { p } from './formats/test-states.js';
import { schema } from './schema.js';
import { commandOf, GROUPS, type ToolbarButton } from './toolbar.js';
import { selectionScope } from './toolbar-scope.js';
import { EditorState as State } from 'prosemirror-state';

const { nodes, marks } = schema;
const li = (...blocks: Node[]) => nodes.list_item!.create(null, blocks);
const cell = (type: 'table_cell' | 'table_header', text: string) => nodes[type]!.create(null, p(text));
const row = (type: 'table_cell' | 'table_header', ...texts: string[]) => nodes.table_row!.create(null, texts.map((t) => cell(type, t)));

const DOC = nodes.doc!.create(null, [
  p('first'),
  nodes.heading!.create({ level: 2 }, schema.text('a heading')),
  nodes.bullet_list!.create(null, [li(p('one')), li(p('two'), nodes.bullet_list!.create(null, [li(p('nested'))]))]),
  nodes.ordered_list!.create(null, [li(p('numbered'))]),
  nodes.blockquote!.create(null, [p('quoted'), p('quoted again')]),
  nodes.code_block!.create(null, schema.text('let x = 1;')),
  nodes.table!.create(null, [row('table_header', 'h1', 'h2'), row('table_cell', 'c1', 'c2')]),
  nodes.task_list!.create(null, [nodes.task_item!.create({ checked: true }, p('done'))]),
  p(),
  nodes.paragraph!.create(null, [schema.text('bold', [marks.strong!.create()]), schema.text(' and '), nodes.image!.create({ src: 'https://example.com/a.png', alt: 'a' })]),
  nodes.horizontal_rule!.create(),
  p('last'),
]);

/** Every selection worth checking: a caret at the start, middle and end of each textblock, a range inside each, and the odd kinds. */
function selections(doc: Node): Selection[] {
  const out: Selection[] = [];
  doc.descendants((node, pos) => {
    if (node.isTextblock) {
      const start = pos + 1;
      const end = start + node.content.size;
      for (const at of new Set([start, Math.floor((start + end) / 2), end])) out.push(TextSelection.create(doc, at));
      if (end > start + 1) out.push(TextSelection.create(doc, start + 1, end));
    }
    if (node.type === nodes.image || node.type === nodes.horizontal_rule) out.push(NodeSelection.create(doc, pos));
    if (node.type === nodes.table) {
      const cells: number[] = [];
      node.descendants((child, offset) => {
        if (child.type === nodes.table_cell || child.type === nodes.table_header) cells.push(pos + 1 + offset);
        return child.type === nodes.table || child.type === nodes.table_row;
      });
      out.push(CellSelection.create(doc, cells[0]!, cells[1]!), CellSelection.create(doc, cells[0]!, cells[3]!));
    }
    return true;
  });
  const textAt = (text: string) => {
    let at = -1;
    doc.descendants((node, pos) => {
      if (at < 0 && node.isText && node.text === text) at = pos;
      return at < 0;
    });
    return at;
  };
  // Across list items of one list (one top-level block), and across top-level blocks.
  out.push(TextSelection.create(doc, textAt('one') + 1, textAt('nested') + 2));
  out.push(TextSelection.create(doc, textAt('first') + 1, textAt('a heading') + 3));
  out.push(new AllSelection(doc));
  return out;
}

const answers = (button: ToolbarButton, state: EditorState) => ({
  active: button.active?.(state) ?? false,
  enabled: commandOf(button)(state, undefined, undefined),
  visible: button.visible?.(state) ?? true,
});

describe('the toolbar checks formatting buttons against the block around the selection', () => {
  it('relies on a document of blocks in any order', () => {
    // If this changes, which block may stand where depends on its neighbours, and selectionScope is wrong.
    expect(nodes.doc!.spec.content).toBe('block+');
  });

  const local = GROUPS.flat().filter((button) => button.local === true);

  it('marks every formatting button local, and not undo or redo (they read the undo plugin)', () => {
    expect(local.length).toBeGreaterThan(20);
    expect(GROUPS.flat().filter((button) => button.local !== true).map((b) => b.command)).toEqual(['undo', 'redo']);
  });

  it('gives every local button the same answers as the whole document, on every selection', () => {
    const checked = new Set<string>();
    for (const selection of selections(DOC)) {
      for (const storedMarks of [null, [marks.em!.create()]]) {
        const state = State.create({ schema, doc: DOC, selection, storedMarks });
        const scoped = selectionScope(state);
        for (const button of local) {
          const label = `${button.command} on ${selection.constructor.name} ${selection.from}-${selection.to}`;
          expect(answers(button, scoped), label).toEqual(answers(button, state));
          if (answers(button, state).enabled) checked.add(button.command);
        }
      }
    }
    // The selections exercise the buttons both ways, not just their refusals.
    expect(checked.size).toBe(local.length);
  });

  it('holds one block when the selection is in one, and the whole state otherwise', () => {
    const inTable = selections(DOC).find((s) => s instanceof CellSelection)!;
    const scoped = selectionScope(State.create({ schema, doc: DOC, selection: inTable }));
    expect(scoped.doc.childCount).toBe(1);
    expect(scoped.doc.child(0).type).toBe(nodes.table);
    expect(scoped.selection).toBeInstanceOf(CellSelection);

    const across = State.create({ schema, doc: DOC, selection: new AllSelection(DOC) });
    expect(selectionScope(across)).toBe(across);
  });

  it('costs the same at the end of a 20 000-paragraph document: it never looks at the blocks before', () => {
    const blocks = Array.from({ length: 20_000 }, (_, i) => p(`paragraph ${i}`));
    const doc = nodes.doc!.create(null, blocks);
    const state = State.create({ schema, doc, selection: TextSelection.create(doc, doc.content.size - 2) });
    // A block that throws when ProseMirror asks for its type: any whole-document match would touch it.
    Object.defineProperty(blocks[0]!, 'type', { get: () => { throw new Error('looked at the first block'); } });
    const scoped = selectionScope(state);
    for (const button of local) expect(() => answers(button, scoped), button.command).not.toThrow();
    expect(() => answers(local.find((b) => b.command === 'bulletList')!, state)).toThrow('looked at the first block');
  });
});
