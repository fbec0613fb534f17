// One typist's keystrokes as Yjs updates, encoded directly: each appends the character `x` to the
// end of the typist's own run in the Y.Text `t`, byte for byte what `text.insert(text.length, 'x')`
// emits on a Y.Doc that never receives anything (e2e/vitest/bench-keystrokes.test.ts holds it to
// that). A Y.Doc transaction costs tens of microseconds of the generator's CPU per keystroke, and
// thousands of typists share one worker thread; this costs about one.

import * as encoding from 'lib0/encoding';

/** The Y.Text every typist writes into. */
export const TEXT = 't';

// Item info byte: content ref 4 (ContentString); with bit 8 set, a left origin follows.
const STRING_CONTENT = 4;
const HAS_ORIGIN = 0x80;

export class Keystrokes {
  /** Clock of the next keystroke. */
  clock = 0;

  /** `client` is the Yjs client id (a random uint32, as Yjs picks it, by default). */
  constructor(readonly client: number = (Math.random() * 2 ** 32) >>> 0) {}

  /** The update (Yjs v1 encoding) of the next keystroke; advances the clock. */
  next(): Uint8Array {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1); // one client
    encoding.writeVarUint(e, 1); // one struct
    encoding.writeVarUint(e, this.client);
    encoding.writeVarUint(e, this.clock);
    if (this.clock === 0) {
      // No origin: the parent is named, as a root type.
      encoding.writeUint8(e, STRING_CONTENT);
      encoding.writeVarUint(e, 1);
      encoding.writeVarString(e, TEXT);
    } else {
      encoding.writeUint8(e, STRING_CONTENT | HAS_ORIGIN);
      encoding.writeVarUint(e, this.client);
      encoding.writeVarUint(e, this.clock - 1);
    }
    encoding.writeVarString(e, 'x');
    encoding.writeVarUint(e, 0); // empty delete set
    this.clock += 1;
    return encoding.toUint8Array(e);
  }
}
