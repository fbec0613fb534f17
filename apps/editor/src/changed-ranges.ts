// What a run of transactions changed, as ranges of the document after them, and the ends of a range resolved
// cheaply: plugins that look only around a change (numbering-on.ts, tables.ts) must not make a key's work grow
// with the document. ProseMirror resolves a position by walking the top-level blocks from the first, and keeps
// the last few it resolved per document; the end of a typed range is where the selection is, resolved anyway.

import type { Node, ResolvedPos } from 'prosemirror-model';
import type { Transaction } from 'prosemirror-state';
import { AddMarkStep, RemoveMarkStep, StepMap } from 'prosemirror-transform';

/**
 * Each range the steps of `transactions` changed, in the document after the last of them. With `strict`, null
 * when a step changed something its map does not show (a node's attributes; marks are never a change of shape).
 */
export function changedRanges(transactions: readonly Transaction[], { strict = false } = {}): Array<[number, number]> | null {
  const ranges: Array<[number, number]> = [];
  const changing = transactions.filter((tr) => tr.docChanged);
  for (const [t, tr] of changing.entries()) {
    for (const [s, step] of tr.steps.entries()) {
      const map = step.getMap();
      if (strict && map === StepMap.empty && !(step instanceof AddMarkStep || step instanceof RemoveMarkStep)) return null;
      map.forEach((_oldStart, _oldEnd, newStart, newEnd) => {
        let [from, to] = [newStart, newEnd];
        for (let k = s + 1; k < tr.mapping.maps.length; k++) [from, to] = [tr.mapping.maps[k]!.map(from, -1), tr.mapping.maps[k]!.map(to, 1)];
        for (const later of changing.slice(t + 1)) [from, to] = [later.mapping.map(from, -1), later.mapping.map(to, 1)];
        ranges.push([from, to]);
      });
    }
  }
  return ranges;
}

/**
 * `from` and `to` resolved in `doc`; only `to` when both lie in one textblock (their ancestors are the same),
 * so that typing resolves one position, the one the selection resolves too.
 */
export function rangeEnds(doc: Node, from: number, to: number): ResolvedPos[] {
  const $to = doc.resolve(Math.min(to, doc.content.size));
  if ($to.parent.inlineContent && from >= $to.start() && from <= to) return [$to];
  return [doc.resolve(Math.min(from, doc.content.size)), $to];
}

/**
 * Where the first of `tr`'s steps starts, in any document of the transaction: every position before it is the
 * same in the document before and after (each step changes nothing before its own start, so the least of the
 * starts holds for all of them). Marks and attributes count (they change how the text is laid out), though
 * their steps' maps show nothing; a step of unknown shape counts from the document's start.
 */
export function firstChangedPos(tr: Transaction): number {
  let first = Number.POSITIVE_INFINITY;
  for (const step of tr.steps) {
    const { from, pos } = step as { from?: unknown; pos?: unknown };
    first = Math.min(first, typeof from === 'number' ? from : typeof pos === 'number' ? pos : 0);
  }
  return first;
}
