// For tests of code that must not walk a Yjs fragment from its first block: stepping from the first block to
// the next throws until the returned function heals it.

import type * as Y from 'yjs';

export function poisonFirstStep(type: Y.XmlFragment): () => void {
  const first = type._start!;
  const right = first.right;
  Object.defineProperty(first, 'right', {
    configurable: true,
    get() {
      throw new Error('walked from the first block');
    },
  });
  return () => Object.defineProperty(first, 'right', { value: right, writable: true, configurable: true, enumerable: true });
}
