// Ctrl+Z of a paste, after the other person typed into the pasted blocks. Undo keeps a block that holds
// someone else's text (undo-steps.ts), but took back the attributes this person's paste had given it: Bob's
// words in a pasted "Heading 2" were left in a Heading 1, in a ticked task unticked, in a list numbered
// from 3 numbered from 1 — for everyone.

import { writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';
import { converged } from '../fixtures/converged.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

interface Block {
  readonly type: string;
  readonly attrs?: Record<string, unknown>;
  readonly content?: readonly Block[];
  readonly text?: string;
}

/** Each block as `type{attrs}` with its children, text as it is: the document's shape and attributes. */
const shape = (p: { page: import('@playwright/test').Page }): Promise<string[]> =>
  p.page.evaluate(() => {
    const out: string[] = [];
    const walk = (node: Block, path: string): void => {
      for (const child of node.content ?? []) {
        if (child.type === 'text') continue;
        const here = `${path}${child.type}${child.attrs === undefined ? '' : JSON.stringify(child.attrs)}`;
        const text = (child.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('');
        out.push(`${here}:${text}`);
        walk(child, `${here}>`);
      }
    };
    walk((window as unknown as { tandem: { view: { state: { doc: { toJSON(): Block } } } } }).tandem.view.state.doc.toJSON(), '');
    return out;
  });

test('Ctrl+Z of a paste leaves the other person\'s words in blocks of the kind they were typed in', async ({ pair }) => {
  const { alice, bob } = await pair('undo-paste/attributes');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Notes');
  await alice.page.keyboard.press('Enter');
  await alice.page.waitForTimeout(1_200); // a pause: the paste is a step of its own anyway
  await alice.paste({
    'text/html':
      '<h2>Agenda</h2><ul data-type="task-list"><li data-type="task-item" data-checked="true"><p>Book room</p></li></ul>' +
      '<ol start="3"><li><p>Third</p></li></ol><p>end</p>',
    'text/plain': 'Agenda\nBook room\nThird\nend',
  });
  await expect.poll(() => bob.blocks()).toEqual(['Notes', 'Agenda', 'Book room', 'Third', 'end']);

  // Bob adds a word at the end of three of the pasted blocks.
  for (const words of ['Agenda', 'Book room', 'Third']) {
    await bob.select(words);
    await bob.page.keyboard.press('End');
    await bob.selectionRead();
    await bob.page.keyboard.insertText(' (Bob)');
  }
  await expect.poll(() => alice.blocks()).toEqual(['Notes', 'Agenda (Bob)', 'Book room (Bob)', 'Third (Bob)', 'end']);

  // Alice takes back her paste: her words go, Bob's stay where he typed them, in blocks of the same kind.
  await alice.page.keyboard.press('Control+z');
  const kept = [
    'paragraph:Notes',
    'heading{"level":2}: (Bob)',
    'task_list:',
    'task_list>task_item{"checked":true}:',
    'task_list>task_item{"checked":true}>paragraph: (Bob)',
    'ordered_list{"order":3}:',
    'ordered_list{"order":3}>list_item:',
    'ordered_list{"order":3}>list_item>paragraph: (Bob)',
    'paragraph:',
  ];
  await expect.poll(() => shape(alice)).toEqual(kept);
  await expect.poll(() => shape(bob)).toEqual(kept);

  // Ctrl+Y puts her paste back around Bob's words.
  await alice.page.keyboard.press('Control+y');
  await expect.poll(() => alice.blocks()).toEqual(['Notes', 'Agenda (Bob)', 'Book room (Bob)', 'Third (Bob)', 'end']);
  await converged([alice, bob], shape);
  expect((await shape(bob))[1]).toBe('heading{"level":2}:Agenda (Bob)');
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

// Bob's letter at the start of the line a paste of paragraphs ended in ("Three|world") was left a paragraph of
// its own by Alice's Ctrl+Z ("Hello world", "X"): the undo deletes the pasted "Three" on its left. One typed
// into the pasted text of the first line ("On|e") went after the line's rest it brought back ("Hello worldX").
for (const [where, block, offset, typed] of [
  ["at the start of the line's rest", 2, 5, ['Hello One', 'Two', 'ThreeXworld', 'end']],
  ['into the pasted text of the first line', 0, 8, ['Hello OnXe', 'Two', 'Threeworld', 'end']],
] as const) {
  test(`Ctrl+Z of a paste of paragraphs keeps the letter the other typed ${where} where the paste was`, async ({ pair }) => {
    const { alice, bob } = await pair(`undo-paste/letter-${block}`);
    await writeShared(alice, bob, ['Hello world', 'end']);
    await alice.page.waitForTimeout(1_100);
    await alice.caretAt(0, 6);
    await alice.paste({ 'text/html': '<p>One</p><p>Two</p><p>Three</p>', 'text/plain': 'One\nTwo\nThree' });
    await expect.poll(() => bob.blocks()).toEqual(['Hello One', 'Two', 'Threeworld', 'end']);
    await bob.caretAt(block, offset);
    await bob.page.keyboard.type('X');
    await expect.poll(() => alice.blocks()).toEqual([...typed]);
    await bob.expectSaved();
    await alice.page.keyboard.press('Control+z');
    await expect.poll(() => alice.blocks()).toEqual(['Hello Xworld', 'end']);
    await expect.poll(() => bob.blocks()).toEqual(['Hello Xworld', 'end']);
    await alice.expectSaved();
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });
}
