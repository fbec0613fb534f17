// Lines pasted into a paragraph while the other person, not having seen it, pressed Enter at that place.
// y-prosemirror kept the paragraph's old end " first." as the end of the pasted line "Pasted first." (the two
// ended alike), and Bob's Enter moved those old characters to a line of their own: the pasted line came out
// torn, "OriPasted" then " first.", for everyone (kept-in-place.ts).

import { writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';
import { converged } from '../fixtures/converged.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const letters = (lines: string[]) => [...lines.join('')].sort().join('');

for (const who of ['Bob', 'Alice'] as const) {
  test(`two lines pasted at the place where ${who === 'Bob' ? 'Bob, offline,' : 'Alice, offline,'} pressed Enter: each pasted line stays whole, nothing is lost`, async ({ pair }) => {
    const { alice, bob } = await pair(`paste-while-enter/${who}`);
    await writeShared(alice, bob, ['Original first.', 'Second line.']);
    // One of them goes offline and presses Enter after "Ori"; the other pastes two lines there meanwhile.
    const [apart, online] = who === 'Bob' ? [bob, alice] : [alice, bob];
    await apart.context.setOffline(true);
    await expect(apart.status).toHaveAttribute('data-connection', 'offline');
    await apart.caretInTextblock(0, 3);
    await apart.page.keyboard.press('Enter');
    await expect.poll(() => apart.blocks()).toEqual(['Ori', 'ginal first.', 'Second line.']);
    await online.caretInTextblock(0, 3);
    await online.paste({ 'text/html': '<p>Pasted first.</p><p>Pasted second</p>', 'text/plain': 'Pasted first.\nPasted second' });
    await expect.poll(() => online.blocks()).toEqual(['OriPasted first.', 'Pasted secondginal first.', 'Second line.']);
    await online.expectSaved();
    await apart.context.setOffline(false);
    await apart.expectSaved();

    await converged([alice, bob], (p) => p.blocks());
    const result = await alice.blocks();
    expect(result[0]).toBe('OriPasted first.'); // before: "OriPasted", with " first." on a line of its own
    expect(result).toContain('Second line.');
    expect(result.join('\n')).toContain('Pasted second');
    expect(letters(result)).toBe(letters(['Original first.', 'Pasted first.', 'Pasted second', 'Second line.']));
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}
