// A line made a heading (or a list item indented with Tab, or a line put in a list) by Alice, then a word in it
// made bold by Bob, then Alice's Ctrl+Z: the bold was gone for both (a helper's exploratory review, 5 of 5). Her
// step had copied the line's text into a new block; his bold was on the copy, and her Ctrl+Z brought back the old
// block's own text. The formats others made on the copy now go onto the text brought back.
import { setBlockType } from 'prosemirror-commands';
import type { Node } from 'prosemirror-model';
import { sinkListItem, wrapInList } from 'prosemirror-schema-list';
import type { Command, EditorState } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { li, meetAll, p, page, run, send, withUndo } from './test-editors.js';

const settle = () => new Promise((r) => setTimeout(r, 0));
const { nodes, marks } = schema;

/** Each text block as "type: text", bold in *stars*, italic in _underscores_. */
function shown(doc: Node): string[] {
  const out: string[] = [];
  doc.descendants((node) => {
    if (!node.isTextblock) return true;
    let text = '';
    node.forEach((t) => {
      let s = t.text ?? '';
      if (t.marks.some((m) => m.type === marks.strong)) s = `*${s}*`;
      if (t.marks.some((m) => m.type === marks.em)) s = `_${s}_`;
      text += s;
    });
    out.push(`${node.type.name}: ${text}`);
    return false;
  });
  return out;
}

/** `mark` added to (or, with `remove`, taken off) the first "words" in the document. */
const markWords = (mark: 'strong' | 'em', remove = false) => (s: EditorState) => {
  let at = -1;
  s.doc.descendants((node, pos) => {
    const i = node.isText ? (node.text ?? '').indexOf('words') : -1;
    if (at < 0 && i >= 0) at = pos + i;
  });
  return remove ? s.tr.removeMark(at, at + 5, marks[mark]!) : s.tr.addMark(at, at + 5, marks[mark]!.create());
};

const kinds: Array<{ name: string; start: Node[]; change: (s: EditorState) => ReturnType<EditorState['tr']['insertText']>; made: string }> = [
  { name: 'a heading', start: [p('Title words here'), p('Body.')], change: run(setBlockType(nodes.heading!, { level: 2 }) as Command, 0, 2), made: 'heading' },
  { name: 'a list item indented with Tab', start: [schema.node('bullet_list', null, [li('one'), li('two words'), li('three')])], change: run(sinkListItem(nodes.list_item!) as Command, 1, 1), made: 'paragraph' },
  { name: 'a line put in a list', start: [p('Title words here'), p('Body.')], change: run(wrapInList(nodes.bullet_list!) as Command, 0, 2), made: 'paragraph' },
];

describe('others’ formatting on a block Ctrl+Z takes back to what it was', () => {
  for (const kind of kinds) {
    for (const bobAbove of [true, false]) {
      const ids = `Bob's id ${bobAbove ? 'above' : 'below'}`;
      it(`${kind.name}, then Bob's bold on a word in it, then Alice's Ctrl+Z: the word stays bold; Ctrl+Y (${ids})`, async () => {
        const alice = page(schema.node('doc', null, kind.start));
        const bob = page(alice.ydoc);
        bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
        const ua = withUndo(alice);
        const plain = shown(alice.doc());
        alice.edit(kind.change);
        ua.stopCapturing();
        await send(alice, bob);
        const changed = shown(alice.doc());
        bob.edit(markWords('strong'));
        await send(bob, alice);
        ua.undo();
        await settle();
        await meetAll(alice, bob);
        const bold = plain.map((line) => line.replace('words', '*words*'));
        expect(shown(alice.doc())).toEqual(bold);
        expect(shown(bob.doc())).toEqual(bold);
        ua.redo();
        await settle();
        await meetAll(alice, bob);
        expect(shown(alice.doc())).toEqual(changed.map((line) => line.replace('words', '*words*')));
        ua.undo();
        await settle();
        await meetAll(alice, bob);
        expect(shown(bob.doc())).toEqual(bold);
      });
    }
  }
  it('a bold line made a code block, then Bob types in it, then Ctrl+Z: the line is bold again (the code block holds no marks)', async () => {
    const start = schema.node('doc', null, [schema.node('paragraph', null, [schema.text('Title '), schema.text('words', [marks.strong!.create()]), schema.text(' here')])]);
    const alice = page(start);
    const bob = page(alice.ydoc);
    const ua = withUndo(alice);
    alice.edit(run(setBlockType(nodes.code_block!) as Command, 0, 2));
    ua.stopCapturing();
    await send(alice, bob);
    expect(shown(bob.doc())).toEqual(['code_block: Title words here']);
    bob.edit((s) => s.tr.insertText('!', s.doc.content.size - 1));
    await send(bob, alice);
    ua.undo();
    await settle();
    await meetAll(alice, bob);
    expect(shown(bob.doc())[0]).toMatch(/^paragraph: Title \*words\* here/);
  });
  it('bold Bob took off stays off, and his italic comes back', async () => {
    const start = schema.node('doc', null, [schema.node('paragraph', null, [schema.text('Title '), schema.text('words', [marks.strong!.create()]), schema.text(' here')])]);
    const alice = page(start);
    const bob = page(alice.ydoc);
    const ua = withUndo(alice);
    alice.edit(run(setBlockType(nodes.heading!, { level: 2 }) as Command, 0, 2));
    ua.stopCapturing();
    await send(alice, bob);
    bob.edit(markWords('strong', true));
    bob.edit(markWords('em'));
    await send(bob, alice);
    ua.undo();
    await settle();
    await meetAll(alice, bob);
    expect(shown(bob.doc())).toEqual(['paragraph: Title _words_ here']);
  });
});
