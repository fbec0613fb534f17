// Two people typing at the same place at the same moment, as in a meeting's notes: each keeps typing where
// they were, their words in one piece, as in Google Docs. A change from elsewhere inserted right at this
// page's caret left the caret after the other's letters, so each next key went after them: "BoAlb iacddes
// a dthdast. this." (found by an exploratory review, three runs in three). And a space typed just before
// the other's space went to Yjs after it: "dog. Bob adds that.Alice adds this. " (CI, about one run in
// fifteen; typed-in-place.ts).

import { converged } from '../fixtures/converged.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

const SENTENCE = 'The quick brown fox jumps over the lazy dog.';

for (const where of ['end', 'middle'] as const) {
  test(`both typing at the ${where === 'end' ? 'end of one paragraph' : 'same place in a sentence'} at once keep their words whole`, async ({ pair }) => {
    const { alice, bob } = await pair(`one-place/${where}`);
    await alice.focusEnd();
    await alice.page.keyboard.insertText(SENTENCE);
    await expect.poll(() => bob.text()).toBe(SENTENCE);
    await alice.expectSaved();
    const at = where === 'end' ? SENTENCE.length : SENTENCE.indexOf('fox');
    await alice.caretInTextblock(0, at);
    await bob.caretInTextblock(0, at);
    const [aliceWords, bobWords] = where === 'end' ? [' Alice adds this.', ' Bob adds that.'] : ['crimson ', 'gigantic '];
    await Promise.all([alice.type(aliceWords, 90), bob.type(bobWords, 80)]);
    const text = await converged([alice, bob], (p) => p.text());
    expect(text, `words interleaved: ${text}`).toContain(aliceWords);
    expect(text).toContain(bobWords);
    expect(text.length).toBe(SENTENCE.length + aliceWords.length + bobWords.length);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });
}
