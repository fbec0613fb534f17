// Alice presses Backspace at the start of "def" and then of "klm" (each joined to the line above) while Bob,
// not having seen either, presses Enter in "gh|ij". Her two moved lines were read as one range of blocks she had
// moved (their copies stand side by side), and Bob's new line "ij", between them, as left behind in it: his page
// typed "ij" again above "gh" and took his line out, with the "klm" her page had meanwhile moved after his "ij".
// Crossing at the same moment, "klm" was lost for everyone (found by a review; the other orders put "ij" above
// "gh"). A line the mover had seen and left standing ("ghij") now tells the two moves apart.
import { joinBackward, splitBlock } from 'prosemirror-commands';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { meetAll, meetAs, meetings, p, run, twoPages } from './test-editors.js';

describe('two joins around a line someone else splits', () => {
  for (const meeting of meetings) {
    it(`keep every line, in order (${meeting.name})`, async () => {
      const { alice, bob } = twoPages(schema.node('doc', null, [p('abc'), p('def'), p('ghij'), p('klm')]), meeting);
      alice.edit(run(joinBackward, 1)); // "abcdef"
      alice.edit(run(joinBackward, 2)); // "ghijklm"
      bob.edit(run(splitBlock, 2, 2)); // "gh", "ij"
      await meetAs(alice, bob, meeting);
      expect(await meetAll(alice, bob)).toEqual(['abcdef', 'gh', 'ijklm']); // before, at the same moment: "abcdef", "ij", "gh"
    });
  }
});
