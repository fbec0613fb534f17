import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { exitCodeOnEmptyLastLine, joinAfterListOrQuote, joinListToNext, leaveCodeBlockDown, pasteOutOfEmptyItem, toggleCodeBlock } from './blocks.js';
import { toggleBlockquote, toggleHeading } from './commands.js';
import { schema } from './schema.js';

const code = (text: string, after = false) => {
  const blocks = [schema.node('code_block', null, text === '' ? [] : [schema.text(text)])];
  if (after) blocks.push(schema.node('paragraph'));
  const doc = schema.node('doc', null, blocks);
  const state = EditorState.create({ schema, doc });
  return state.apply(state.tr.setSelection(TextSelection.create(doc, 1 + text.length)));
};
const apply = (state: EditorState, command: typeof toggleCodeBlock) => {
  let next = state;
  const ok = command(state, (tr) => (next = state.apply(tr)));
  return { ok, next };
};
const shape = (state: EditorState) => state.doc.content.content.map((n) => `${n.type.name}:${JSON.stringify(n.textContent)}`);

describe('code blocks', () => {
  it('Enter on an empty last line drops it and continues in a paragraph', () => {
    const { ok, next } = apply(code('a\n'), exitCodeOnEmptyLastLine);
    expect(ok).toBe(true);
    expect(shape(next)).toEqual(['code_block:"a"', 'paragraph:""']);
    expect(next.selection.$from.parent.type.name).toBe('paragraph');
  });
  it('Enter at the end of a line with text stays in the block', () => expect(exitCodeOnEmptyLastLine(code('a'))).toBe(false));
  it('ArrowDown leaves a code block that ends the document, not one followed by text', () => {
    const { ok, next } = apply(code('a'), leaveCodeBlockDown);
    expect(ok).toBe(true);
    expect(shape(next)).toEqual(['code_block:"a"', 'paragraph:""']);
    expect(leaveCodeBlockDown(code('a', true))).toBe(false);
  });
  it('the code block command over several code blocks (after Select all) makes them all paragraphs', () => {
    const doc = schema.node('doc', null, [schema.node('code_block', null, [schema.text('a')]), schema.node('code_block', null, [schema.text('b')])]);
    const state = EditorState.create({ schema, doc, selection: TextSelection.create(doc, 1, 5) });
    const { ok, next } = apply(state, toggleCodeBlock);
    expect(ok).toBe(true);
    expect(shape(next)).toEqual(['paragraph:"a"', 'paragraph:"b"']);
  });
  it('the code block command toggles back to a paragraph, lines becoming hard breaks', () => {
    const { next } = apply(code('a\nb'), toggleCodeBlock);
    expect(next.doc.firstChild!.type.name).toBe('paragraph');
    expect(next.doc.firstChild!.childCount).toBe(3);
    expect(next.doc.firstChild!.child(1).type.name).toBe('hard_break');
  });
  it('the code block command in a list item takes the item out of its lists as a code block, the list going on after it', () => {
    const item = (text: string, ...more: ReturnType<typeof schema.node>[]) =>
      schema.node('list_item', null, [schema.node('paragraph', null, [schema.text(text)]), ...more]);
    const doc = schema.node('doc', null, [
      schema.node('bullet_list', null, [item('one'), item('two', schema.node('bullet_list', null, [item('inner')])), item('three')]),
    ]);
    // The caret in "inner", two lists deep.
    let at = 0;
    doc.descendants((node, pos) => {
      if (node.isText && node.text === 'inner') at = pos + 2;
    });
    const state = EditorState.create({ schema, doc, selection: TextSelection.create(doc, at) });
    const { ok, next } = apply(state, toggleCodeBlock);
    expect(ok).toBe(true);
    expect(shape(next)).toEqual(['bullet_list:"onetwo"', 'code_block:"inner"', 'bullet_list:"three"']);
    expect(next.selection.$from.parent.type.name).toBe('code_block');
    expect(next.selection.$from.parentOffset).toBe(2);
    // And back: a paragraph, not a list item again (as the button does outside lists).
    expect(shape(apply(next, toggleCodeBlock).next)).toEqual(['bullet_list:"onetwo"', 'paragraph:"inner"', 'bullet_list:"three"']);
  });
  it('the code block command in a task item takes it out of its list too', () => {
    const doc = schema.node('doc', null, [
      schema.node('task_list', null, [schema.node('task_item', null, [schema.node('paragraph', null, [schema.text('todo')])])]),
    ]);
    const state = EditorState.create({ schema, doc, selection: TextSelection.create(doc, 4) });
    const { ok, next } = apply(state, toggleCodeBlock);
    expect(ok).toBe(true);
    expect(shape(next)).toEqual(['code_block:"todo"']);
  });
  it('a heading button in a list item takes the item out of its lists as a heading, and toggles back to a paragraph', () => {
    const item = (text: string) => schema.node('list_item', null, [schema.node('paragraph', null, [schema.text(text)])]);
    const doc = schema.node('doc', null, [schema.node('ordered_list', null, [item('one'), item('Plan'), item('three')])]);
    const state = EditorState.create({ schema, doc, selection: TextSelection.create(doc, 12) });
    expect(state.selection.$from.parent.textContent).toBe('Plan');
    const { ok, next } = apply(state, toggleHeading(2));
    expect(ok).toBe(true);
    expect(shape(next)).toEqual(['ordered_list:"one"', 'heading:"Plan"', 'ordered_list:"three"']);
    expect(next.doc.child(1).attrs.level).toBe(2);
    // The list after it numbers on from the part before it, as one list: "three" is numbered 2.
    expect(next.doc.child(2).attrs.order).toBe(2);
    expect(shape(apply(next, toggleHeading(2)).next)).toEqual(['ordered_list:"one"', 'paragraph:"Plan"', 'ordered_list:"three"']);
  });
  it('the quote button in a list item takes the item out of its lists into a quote, and lifts it back out', () => {
    const item = (text: string) => schema.node('list_item', null, [schema.node('paragraph', null, [schema.text(text)])]);
    const doc = schema.node('doc', null, [schema.node('bullet_list', null, [item('one'), item('two'), item('three')])]);
    const state = EditorState.create({ schema, doc, selection: TextSelection.create(doc, 11) });
    expect(state.selection.$from.parent.textContent).toBe('two');
    const { ok, next } = apply(state, toggleBlockquote);
    expect(ok).toBe(true);
    expect(next.doc.toString()).toBe('doc(bullet_list(list_item(paragraph("one"))), blockquote(paragraph("two")), bullet_list(list_item(paragraph("three"))))');
    expect(shape(apply(next, toggleBlockquote).next)).toEqual(['bullet_list:"one"', 'paragraph:"two"', 'bullet_list:"three"']);
  });
});

describe('Delete at the end of a paragraph just before a list', () => {
  const p = (t: string) => schema.node('paragraph', null, [schema.text(t)]);
  const item = (t: string, ...more: ReturnType<typeof schema.node>[]) => schema.node('list_item', null, [p(t), ...more]);
  const deleteAt = (doc: ReturnType<typeof schema.node>, pos: number) => apply(EditorState.create({ schema, doc, selection: TextSelection.create(doc, pos) }), joinListToNext);

  it('joins the first line to the paragraph, the rest of the list kept', () => {
    const { ok, next } = deleteAt(schema.node('doc', null, [p('before'), schema.node('ordered_list', null, [item('one'), item('two')])]), 7);
    expect(ok).toBe(true);
    expect(next.doc.toString()).toBe('doc(paragraph("beforeone"), ordered_list(list_item(paragraph("two"))))');
    expect(next.selection.from).toBe(7);
    const heading = schema.node('heading', { level: 2 }, [schema.text('Title')]);
    expect(deleteAt(schema.node('doc', null, [heading, schema.node('bullet_list', null, [item('one')])]), 6).next.doc.toString()).toBe('doc(heading("Titleone"))');
  });
  it('the first item\'s nested items take its place a level up, rather than stay under an empty line', () => {
    const nested = schema.node('bullet_list', null, [item('x'), item('y')]);
    const { next } = deleteAt(schema.node('doc', null, [p('before'), schema.node('bullet_list', null, [item('one', nested), item('two')])]), 7);
    expect(next.doc.toString()).toBe('doc(paragraph("beforeone"), bullet_list(list_item(paragraph("x")), list_item(paragraph("y")), list_item(paragraph("two"))))');
  });
  it('nested items of another kind (a task list in a bulleted item) stay under the emptied line', () => {
    const tasks = schema.node('task_list', null, [schema.node('task_item', null, [p('x')])]);
    const { next } = deleteAt(schema.node('doc', null, [p('before'), schema.node('bullet_list', null, [item('one', tasks)])]), 7);
    expect(next.doc.toString()).toBe('doc(paragraph("beforeone"), bullet_list(list_item(paragraph, task_list(task_item(paragraph("x"))))))');
  });
  it('does nothing before the end of the paragraph or before something else than a list', () => {
    expect(deleteAt(schema.node('doc', null, [p('before'), schema.node('bullet_list', null, [item('one')])]), 3).ok).toBe(false);
    expect(deleteAt(schema.node('doc', null, [p('before'), p('after')]), 7).ok).toBe(false);
  });
});

describe('Backspace at the start of a paragraph after a quote', () => {
  it('joins its text to the quote\'s last line', () => {
    const p = (t: string) => schema.node('paragraph', null, [schema.text(t)]);
    const doc = schema.node('doc', null, [schema.node('blockquote', null, [p('a'), p('quoted')]), p('after')]);
    const at = doc.child(0).nodeSize + 1;
    const { ok, next } = apply(EditorState.create({ schema, doc, selection: TextSelection.create(doc, at) }), joinAfterListOrQuote);
    expect(ok).toBe(true);
    expect(next.doc.toString()).toBe('doc(blockquote(paragraph("a"), paragraph("quotedafter")))');
  });
});

describe('Backspace in the line between two parts of one list', () => {
  const p = (t: string) => schema.node('paragraph', null, t === '' ? [] : [schema.text(t)]);
  const li = (t: string) => schema.node('list_item', null, [p(t)]);
  const backspaceIn = (blocks: ReturnType<typeof p>[], line: number) => {
    const doc = schema.node('doc', null, blocks);
    let at = 1;
    for (let i = 0; i < line; i++) at += doc.child(i).nodeSize;
    return apply(EditorState.create({ schema, doc, selection: TextSelection.create(doc, at) }), joinAfterListOrQuote);
  };
  it('makes them one list again: numbered, when the second numbered on from the first; bulleted, always', () => {
    const numbered = backspaceIn([schema.node('ordered_list', { order: 1 }, [li('a'), li('b')]), p(''), schema.node('ordered_list', { order: 3 }, [li('c')])], 1);
    expect(numbered.ok).toBe(true);
    expect(numbered.next.doc.toString()).toBe('doc(ordered_list(list_item(paragraph("a")), list_item(paragraph("b")), list_item(paragraph("c"))))'); // before: two lists
    const bulleted = backspaceIn([schema.node('bullet_list', null, [li('a')]), p('x'), schema.node('bullet_list', null, [li('b')])], 1);
    expect(bulleted.next.doc.toString()).toBe('doc(bullet_list(list_item(paragraph("ax")), list_item(paragraph("b"))))');
  });

  it('leaves a numbered list that started again from its own number, and a list of another kind, as lists of their own', () => {
    const again = backspaceIn([schema.node('ordered_list', { order: 1 }, [li('a')]), p(''), schema.node('ordered_list', { order: 1 }, [li('b')])], 1);
    expect(again.next.doc.childCount).toBe(2);
    const kinds = backspaceIn([schema.node('ordered_list', { order: 1 }, [li('a')]), p(''), schema.node('bullet_list', null, [li('b')])], 1);
    expect(kinds.next.doc.childCount).toBe(2);
  });
});

describe('blocks pasted into an empty list item', () => {
  const n = schema.nodes;
  const para = (t: string) => n.paragraph!.create(null, t ? schema.text(t) : null);
  const shape = (node: import('prosemirror-model').Node, depth = 0): string[] => {
    const out: string[] = [];
    node.forEach((c) => {
      out.push(`${'  '.repeat(depth)}${c.type.name}${c.isTextblock ? `: ${c.textContent}` : ''}`);
      if (!c.isTextblock) out.push(...shape(c, depth + 1));
    });
    return out;
  };
  /** "Before", then a list of `kind` holding "first" and an empty item, the caret in it. */
  const intoEmptyItem = (kind: 'task' | 'bullet') => {
    const item = kind === 'task' ? n.task_item! : n.list_item!;
    const list = (kind === 'task' ? n.task_list! : n.bullet_list!).create(null, [item.create(null, para('first')), item.create(null, para(''))]);
    const doc = n.doc!.create(null, [para('Before'), list]);
    return EditorState.create({ schema, doc, selection: TextSelection.create(doc, doc.content.size - 3) });
  };
  const copied = n.doc!.create(null, [
    n.heading!.create({ level: 2 }, schema.text('Heading')),
    para('Some text'),
    n.bullet_list!.create(null, [n.list_item!.create(null, para('one'))]),
    n.task_list!.create(null, [n.task_item!.create({ checked: true }, para('todo'))]),
  ]);

  for (const kind of ['task', 'bullet'] as const) {
    it(`go where the empty ${kind} item stood, out of its list (a whole document copied: not nested in the item)`, () => {
      const state = intoEmptyItem(kind);
      const tr = pasteOutOfEmptyItem(state, copied.slice(0, copied.content.size));
      expect(tr).not.toBeNull();
      const list = kind === 'task' ? 'task_list' : 'bullet_list';
      const item = kind === 'task' ? 'task_item' : 'list_item';
      expect(shape(state.apply(tr!).doc)).toEqual([
        'paragraph: Before',
        list,
        `  ${item}`,
        '    paragraph: first',
        'heading: Heading',
        'paragraph: Some text',
        'bullet_list',
        '  list_item',
        '    paragraph: one',
        'task_list',
        '  task_item',
        '    paragraph: todo',
      ]);
    });
  }

  it('leave paragraphs and list items to the usual paste (lines of the item, items of its list), and an item with text alone', () => {
    const state = intoEmptyItem('bullet');
    const lines = n.doc!.create(null, [para('a'), para('b')]);
    expect(pasteOutOfEmptyItem(state, lines.slice(1, lines.content.size - 1))).toBeNull();
    const items = n.doc!.create(null, [n.bullet_list!.create(null, [n.list_item!.create(null, para('one')), n.list_item!.create(null, para('two'))])]);
    expect(pasteOutOfEmptyItem(state, items.slice(3, items.content.size - 3))).toBeNull();
    const withText = EditorState.create({ schema, doc: state.doc, selection: TextSelection.create(state.doc, 'Before'.length + 2 + 3) });
    expect(pasteOutOfEmptyItem(withText, copied.slice(0, copied.content.size))).toBeNull();
  });
});
