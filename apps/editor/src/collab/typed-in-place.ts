// A character typed or deleted beside the same character goes to Yjs where the person typed or deleted it.
//
// y-prosemirror writes a changed line to Yjs by comparing its old and new text from the start, then from
// the end (lib0's simpleDiff): a space typed just before a space is written after it, as if typed there; of
// two equal letters, Backspace on the first deletes the second. On one page nobody sees the difference; with
// two people it decides whose character is whose. Alice typed a space at the end of a line, Bob's caret
// stood just before it and he typed a space too: his went after hers, and everything each typed next came
// out in the wrong order ("dog. Bob adds that.Alice adds this. "; seen in CI, about one run in fifteen).
//
// ProseMirror's mapping of the person's change says where the text went. Before y-prosemirror updates a
// changed line, an insertion or a deletion that its comparison would place elsewhere among equal
// characters is written here at the place the mapping gives; y-prosemirror then finds the texts equal, and
// the line's formatting is checked after (formats-by-name.ts: y-prosemirror's own check of equal text
// compares marks by number, not by name). A stretch of text whose change both
// deleted and inserted, and lines whose images or line breaks came or went, are left to y-prosemirror.

import type { Node } from 'prosemirror-model';
import type { Mappable } from 'prosemirror-transform';
import * as Y from 'yjs';

const isHigh = (s: string, i: number) => i >= 0 && i < s.length && s.charCodeAt(i) >= 0xd800 && s.charCodeAt(i) <= 0xdbff;
const isLow = (s: string, i: number) => i >= 0 && i < s.length && s.charCodeAt(i) >= 0xdc00 && s.charCodeAt(i) <= 0xdfff;

/** Where lib0's simpleDiff puts the change from `a` to `b`: the length of the common start it keeps. */
function commonStart(a: string, b: string): number {
  let left = 0;
  while (left < a.length && left < b.length && a[left] === b[left]) left++;
  if (left > 0 && isHigh(a, left - 1)) left--;
  return left;
}

/** Where a block starts in the old document and in the new; worked out only when a change needs it (it walks the blocks before). */
export type BlockStart = () => readonly [number, number];

/**
 * For block `prev` and its new version `next` (starting where `start` says; the change `mapping` made, one
 * that changed only text within lines: no split, join or paste of blocks), with `y` the Yjs element
 * mirroring `prev`: writes to `y`'s lines each insertion or deletion y-prosemirror would place elsewhere
 * among equal characters, at the place `mapping` gives. Anything it cannot read for sure is left as it is.
 */
export function placeTextEdits(y: Y.XmlElement, prev: Node, next: Node, start: BlockStart, mapping: Mappable): void {
  placeIn(y, prev, next, 0, 0, start, mapping);
}

/** `placeTextEdits` for a block `prevAt` into the old top-level block, `nextAt` into the new. */
function placeIn(y: Y.XmlElement, prev: Node, next: Node, prevAt: number, nextAt: number, start: BlockStart, mapping: Mappable): void {
  if (prev === next || prev.type !== next.type) return;
  if (prev.isTextblock) {
    placeInLine(y, prev, next, prevAt + 1, nextAt + 1, start, mapping);
    return;
  }
  if (prev.childCount !== next.childCount || y.length !== prev.childCount) return;
  let p = prevAt + 1;
  let n = nextAt + 1;
  const children = y.toArray();
  for (let i = 0; i < prev.childCount; i++) {
    const child = children[i];
    if (!(child instanceof Y.XmlElement)) return;
    placeIn(child, prev.child(i), next.child(i), p, n, start, mapping);
    p += prev.child(i).nodeSize;
    n += next.child(i).nodeSize;
  }
}

/** A line's inline content as Yjs holds it: each stretch of text one run, each other node (an image, a line break) one. */
function runsOf(line: Node): Array<{ text: string | undefined; size: number }> {
  const runs: Array<{ text: string | undefined; size: number }> = [];
  line.forEach((child) => {
    const last = runs[runs.length - 1];
    if (!child.isText) runs.push({ text: undefined, size: child.nodeSize });
    else if (last !== undefined && last.text !== undefined) {
      last.text += child.text!;
      last.size += child.nodeSize;
    } else runs.push({ text: child.text!, size: child.nodeSize });
  });
  return runs;
}

/** `placeTextEdits` for one line, its content `from` into the old top-level block and `to` into the new. */
function placeInLine(y: Y.XmlElement, prev: Node, next: Node, from: number, to: number, start: BlockStart, mapping: Mappable): void {
  const before = runsOf(prev);
  const after = runsOf(next);
  if (before.length !== after.length || y.length !== before.length) return;
  const children = y.toArray();
  for (let i = 0; i < before.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    const child = children[i];
    if ((a.text === undefined) !== (b.text === undefined) || (a.text === undefined ? !(child instanceof Y.XmlElement) : !(child instanceof Y.XmlText))) return;
  }
  for (let i = 0; i < before.length; i++) {
    const { text: a, size } = before[i]!;
    const { text: b, size: newSize } = after[i]!;
    if (a !== undefined && b !== undefined && a !== b) placeInText(children[i] as Y.XmlText, a, b, from, to, start, mapping);
    from += size;
    to += newSize;
  }
}

/** For `text`, which holds `a` from `from` into the old top-level block, now `b` from `to` into the new. */
function placeInText(text: Y.XmlText, a: string, b: string, from: number, to: number, start: BlockStart, mapping: Mappable): void {
  if (text.length !== a.length || a.length === b.length) return;
  const left = commonStart(a, b);
  const n = Math.abs(b.length - a.length);
  const inserted = b.length > a.length;
  // Only an insertion or only a deletion: what follows the common start must then match to the end.
  if (inserted ? a.slice(left) !== b.slice(left + n) : a.slice(left + n) !== b.slice(left)) return;
  // Typing a letter unlike the one before it (most keys) leaves no choice: nothing to work out.
  if (left === 0 || (inserted ? a[left - 1] !== b[left - 1 + n] : a[left - 1] !== a[left - 1 + n])) return;
  const [prevStart, nextStart] = start();
  from += prevStart;
  to += nextStart;
  const at = (j: number) =>
    inserted
      ? mapping.map(from + j, -1) === to + j && mapping.map(from + j, 1) === to + j + n
      : mapping.map(from + j, -1) === to + j && mapping.map(from + j + n, 1) === to + j;
  // Each place the same change could have been made, from where simpleDiff makes it back to the first.
  for (let j = left; j >= 0; j--) {
    if (j < left && !(inserted ? a[j] === b[j + n] : a[j] === a[j + n])) return;
    if (isHigh(a, j - 1) || isLow(a, j) || !at(j)) continue;
    if (j === left) return; // y-prosemirror will make it there
    if (inserted) text.insert(j, b.slice(j, j + n));
    else text.delete(j, n);
    return;
  }
}
