// The typists' hand-encoded keystrokes (bench/load/keystrokes.ts) must be the very updates Yjs emits,
// or the benchmarks would measure servers on traffic no editor sends.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Keystrokes, TEXT } from '../../bench/load/keystrokes.js';

describe('bench keystrokes', () => {
  it.each([1, 300, 2 ** 31 + 5, 2 ** 32 - 1])('encodes each keystroke of client %i byte for byte as Y.Text emits it', (client) => {
    const doc = new Y.Doc();
    doc.clientID = client;
    const emitted: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => emitted.push(update));
    const text = doc.getText(TEXT);
    const keystrokes = new Keystrokes(client);
    for (let i = 0; i < 200; i++) {
      text.insert(text.length, 'x');
      expect(keystrokes.next(), `keystroke ${i}`).toEqual(emitted[i]);
    }
    expect(keystrokes.clock).toBe(200);
  });

  it("interleaves several typists' keystrokes into one document that applies them all", () => {
    const reader = new Y.Doc();
    const typists = [new Keystrokes(), new Keystrokes(), new Keystrokes()];
    for (let i = 0; i < 50; i++) for (const t of typists) Y.applyUpdate(reader, t.next());
    expect(reader.store.pendingStructs).toBeNull();
    expect(reader.getText(TEXT).length).toBe(150);
    for (const t of typists) expect(Y.getState(reader.store, t.client)).toBe(50);
  });
});
