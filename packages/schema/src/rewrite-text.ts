// Writing characters of a Yjs text again, as new characters with the formatting they had: how a change
// puts text where it belongs when Yjs kept or brought back the old characters somewhere else (the editor's
// kept-in-place.ts; the server's undo of a restore).

import * as Y from 'yjs';

type Attributes = Record<string, unknown>;

/** The characters `index`…`index + length` of `text`, in runs of one formatting: [index, characters, attributes]. */
export function formattedRuns(text: Y.XmlText, index: number, length: number): Array<[number, string, Attributes]> {
  const runs: Array<[number, string, Attributes]> = [];
  const delta = text.toDelta() as Array<{ insert: unknown; attributes?: Attributes }>;
  // Every formatting the node uses, off unless the run has it (as y-prosemirror writes text), so that the
  // written characters do not take on their new left neighbour's.
  const off: Record<string, null> = {};
  for (const op of delta) for (const name of Object.keys(op.attributes ?? {})) off[name] = null;
  let at = 0;
  for (const op of delta) {
    const size = typeof op.insert === 'string' ? op.insert.length : 1;
    const from = Math.max(at, index);
    const to = Math.min(at + size, index + length);
    if (from < to && typeof op.insert === 'string') runs.push([from, op.insert.slice(from - at, to - at), { ...off, ...(op.attributes ?? {}) }]);
    at += size;
    if (at >= index + length) break;
  }
  return runs;
}

/**
 * Deletes the characters `index`…`index + length` of `text` and writes them again, with their formatting,
 * at `to` (an index in the text without them; by default where they were). Inside one transaction.
 */
export function rewriteText(text: Y.XmlText, index: number, length: number, to = index): void {
  const runs = formattedRuns(text, index, length);
  text.delete(index, length);
  let at = to;
  for (const [, characters, attributes] of runs) {
    text.insert(at, characters, attributes);
    at += characters.length;
  }
}
