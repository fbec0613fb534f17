// Typing where someone else's caret is drawn. A remote caret is a widget that cannot be edited; in a code
// block, whose text sits in an inline <code> inside <pre>, Chromium put the letters typed before such a
// widget outside <code>, where ProseMirror does not read them: everything typed into a new, empty code block
// in which the other person had clicked was swallowed, without a word (found by an exploratory run). Each
// kind of line is tried, empty and at its start, both by the person who made it and by the other.

import { blocks } from '../fixtures/blocks.js';
import { writeShared, type EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const kinds = [
  { kind: 'code block', make: (p: EditorPage) => p.toolbar('codeBlock'), path: 'code_block' },
  { kind: 'paragraph', make: async () => {}, path: 'paragraph' },
  { kind: 'heading', make: (p: EditorPage) => p.toolbar('h2'), path: 'heading2' },
  { kind: 'list item', make: (p: EditorPage) => p.type('- '), path: 'bullet_list>list_item>paragraph' },
  { kind: 'quote', make: (p: EditorPage) => p.toolbar('blockquote'), path: 'blockquote>paragraph' },
] as const;

// The code block every way; the other kinds (which worked) empty, typed into by the other person.
const cases = kinds.flatMap(({ kind, make, path }) =>
  (kind === 'code block' ? (['', 'tail'] as const) : ([''] as const)).flatMap((start) =>
    (kind === 'code block' ? (['its maker', 'the other'] as const) : (['the other'] as const)).map((who) => ({ kind, make, path, start, who })),
  ),
);

for (const { kind, make, path, start, who } of cases) {
  const where = start === '' ? `an empty ${kind}` : `the start of a ${kind}`;
  test(`${who} types at ${where} where the other's caret is drawn: nothing is swallowed`, async ({ pair }) => {
    const { alice, bob } = await pair(`beside-a-cursor/${kind}-${start}-${who}`);
    await writeShared(alice, bob, ['intro']);
    await alice.focusEnd();
    await alice.page.keyboard.press('Enter');
    await make(alice);
    if (start !== '') {
      await alice.page.keyboard.insertText(start);
      await alice.caretInTextblock(1, 0);
    }
    await expect.poll(() => blocks(bob)).toEqual(['paragraph:intro', `${path}:${start}`]);
    await alice.expectSaved();

    const [writer, sitter] = who === 'its maker' ? [alice, bob] : [bob, alice];
    await sitter.caretInTextblock(1, 0);
    if (who === 'the other') await writer.caretInTextblock(1, 0);
    await expect.poll(() => writer.cursorLabels()).toContain(sitter.name);
    await writer.type('let a = 1;', 20);
    await writer.expectSaved();

    const expected = ['paragraph:intro', `${path}:let a = 1;${start}`];
    expect(await blocks(writer)).toEqual(expected);
    await expect.poll(() => blocks(sitter)).toEqual(expected);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}
