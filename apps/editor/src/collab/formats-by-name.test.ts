import type { Node } from 'prosemirror-model';
import type { EditorState, Transaction } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { person } from './test-editors.js';

const { marks, nodes } = schema;

/** Alice's editor on a document of one paragraph holding `content`; her `change`; what Yjs then holds, against what her editor shows. */
function afterChange(content: readonly Node[], change: (s: EditorState) => Transaction) {
  const alice = person(nodes.doc!.create(null, [nodes.paragraph!.create(null, content)]));
  let shown: unknown;
  alice.edit((s) => {
    const tr = change(s);
    shown = tr.doc.toJSON();
    return tr;
  });
  return { stored: alice.doc().toJSON(), shown };
}

describe("a line's formatting reaches Yjs when a change leaves its text as it was elsewhere", () => {
  // y-prosemirror takes a line's Yjs text for up to date when its text and its number of marks match, without
  // comparing the marks' names: italic where the editor shows bold counts as the same.
  it('deleting across a line break (Shift+Enter) from a bold letter to an italic one leaves the bold one', () => {
    const content = [schema.text('T', [marks.strong!.create()]), schema.text('he cat'), nodes.hard_break!.create(), schema.text('T', [marks.em!.create()]), schema.text('he dog')];
    // "T|he cat⏎T|he dog": from after the bold T to after the italic T.
    const { stored, shown } = afterChange(content, (s) => s.tr.delete(2, 10));
    expect(shown).toEqual(nodes.doc!.create(null, [nodes.paragraph!.create(null, [schema.text('T', [marks.strong!.create()]), schema.text('he dog')])]).toJSON());
    expect(stored).toEqual(shown);
  });

  it('a letter typed and the line made bold instead of italic in one change', () => {
    const { stored, shown } = afterChange([schema.text('aa', [marks.em!.create()])], (s) => s.tr.insertText('a', 2).removeMark(1, 4, marks.em!).addMark(1, 4, marks.strong!.create()));
    expect(stored).toEqual(shown);
    const { stored: stored2, shown: shown2 } = afterChange([schema.text('aa', [marks.em!.create()])], (s) => s.tr.delete(1, 2).removeMark(1, 2, marks.em!).addMark(1, 2, marks.strong!.create()));
    expect(stored2).toEqual(shown2);
  });
});
