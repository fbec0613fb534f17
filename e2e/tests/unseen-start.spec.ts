// Bob presses Backspace at the start of "ghi" (a list item: it becomes the second line of "def"'s item) while
// Alice, offline, types "XX" after its "g" and presses Enter between the X's. Both moved "hi": his copy goes on
// from "g", hers starts at her second "X", which his could not hold, so neither move counted as starting inside
// the other and "hi" came out twice, whichever change the server stored first. Each move's start is now read
// among what the other mover had seen (double-move.ts): hers starts at "h", inside his, and her page takes her
// copy of "hi" out.

import { writeSharedList } from '../fixtures/editor-page.js';
import { converged } from '../fixtures/converged.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

for (const first of ['Bob', 'Alice'] as const) {
  test(`Backspace at the start of "ghi" while the other, offline, types "XX" into it and presses Enter between them: "hi" once (${first}'s change stored first)`, async ({ pair }) => {
    const { alice, bob } = await pair(`unseen-start/${first}`);
    await writeSharedList(alice, bob, ['abc', 'def', 'ghi', 'jkl']);

    await alice.goOffline();
    await alice.pressAt(2, 1, 'X');
    await alice.page.keyboard.press('X');
    await alice.page.keyboard.press('ArrowLeft');
    await alice.page.keyboard.press('Enter');
    await expect.poll(() => alice.blocks()).toEqual(['abc', 'def', 'gX', 'Xhi', 'jkl']);
    if (first === 'Bob') {
      await bob.pressAt(2, 0, 'Backspace');
      await expect.poll(() => bob.blocks()).toEqual(['abc', 'def', 'ghi', 'jkl']);
      await bob.expectSaved();
      await alice.context.setOffline(false);
      await alice.expectSaved();
    } else {
      await bob.goOffline();
      await bob.pressAt(2, 0, 'Backspace');
      await alice.context.setOffline(false);
      await alice.expectSaved();
      await bob.context.setOffline(false);
      await bob.expectSaved();
    }

    const result = await converged([alice, bob], (p) => p.blocks());
    expect([...result.join('')].sort().join('')).toBe([...'abcdefghijklXX'].sort().join('')); // before: "hi" twice
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}
