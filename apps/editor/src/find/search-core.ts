// Where a search's text occurs in a document: pure functions over ProseMirror nodes.
// A match lies within one textblock's run of text (across marks, never across blocks, a line break
// or an inline image); matches do not overlap (each starts after the previous one ends), so that
// replacing every one of them is well defined.

import type { Node } from 'prosemirror-model';

export interface SearchQuery {
  readonly text: string;
  readonly caseSensitive: boolean;
}

/** A match in document positions (`from` inclusive, `to` exclusive). */
export interface Match {
  readonly from: number;
  readonly to: number;
}

/** Characters with a meaning in a regular expression with the `u` flag (which allows escaping only these). */
const SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/**
 * The query as a global regular expression, or null when there is nothing to look for. Without
 * "match case", letters match whatever their case by Unicode's simple case folding (`Σ`, `σ` and `ς`
 * alike; `é` and `É`), which maps one code point to one, so offsets in the text stay offsets in the
 * document.
 */
export function queryPattern(query: SearchQuery): RegExp | null {
  if (query.text === '') return null;
  return new RegExp(query.text.replace(SYNTAX, '\\$&'), query.caseSensitive ? 'gu' : 'giu');
}

/** The matches in one textblock, as offsets into its content (position `blockPos + 1 + offset`). */
export function matchesInTextblock(block: Node, pattern: RegExp): Match[] {
  const found: Match[] = [];
  let run = '';
  let runStart = 0;
  const flush = () => {
    if (run === '') return;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(run); m !== null; m = pattern.exec(run)) {
      found.push({ from: runStart + m.index, to: runStart + m.index + m[0].length });
    }
    run = '';
  };
  block.forEach((child, offset) => {
    if (child.isText) {
      if (run === '') runStart = offset;
      run += child.text!;
    } else {
      // A line break or an inline image ends a run of text: no match spans it.
      flush();
    }
  });
  flush();
  return found;
}

/**
 * Every textblock of `doc` with its position, in document order (lists and quotes are walked into,
 * textblocks are not).
 */
export function textblocks(doc: Node): Array<{ readonly node: Node; readonly pos: number }> {
  const blocks: Array<{ node: Node; pos: number }> = [];
  doc.descendants((node, pos) => {
    if (node.isTextblock) {
      blocks.push({ node, pos });
      return false;
    }
    return !node.isInline;
  });
  return blocks;
}

/**
 * Every match of `query` in `doc`, in document order. `inBlock` finds a block's matches (offsets);
 * the plugin passes one that remembers unchanged blocks.
 */
export function findMatches(
  doc: Node,
  query: SearchQuery,
  inBlock: (block: Node, pattern: RegExp) => readonly Match[] = matchesInTextblock,
): Match[] {
  const pattern = queryPattern(query);
  if (pattern === null) return [];
  const matches: Match[] = [];
  for (const { node, pos } of textblocks(doc)) {
    for (const m of inBlock(node, pattern)) matches.push({ from: pos + 1 + m.from, to: pos + 1 + m.to });
  }
  return matches;
}

/**
 * A block-by-block memory of matches for one query: ProseMirror (and y-prosemirror, for remote
 * changes) keeps the same node object for a block that did not change, so after an edit only the
 * changed blocks are searched again. A new query starts a new memory.
 */
export function blockMemo(search: (block: Node, pattern: RegExp) => Match[] = matchesInTextblock): (block: Node, pattern: RegExp) => readonly Match[] {
  let key = '';
  let memo = new WeakMap<Node, readonly Match[]>();
  return (block, pattern) => {
    const k = `${pattern.flags}/${pattern.source}`;
    if (k !== key) {
      key = k;
      memo = new WeakMap();
    }
    let found = memo.get(block);
    if (found === undefined) {
      found = search(block, pattern);
      memo.set(block, found);
    }
    return found;
  };
}

/** The index of the first match at or after `pos`, wrapping to the first; -1 when there is none. */
export function matchAtOrAfter(matches: readonly Match[], pos: number): number {
  if (matches.length === 0) return -1;
  let lo = 0;
  let hi = matches.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (matches[mid]!.from < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo === matches.length ? 0 : lo;
}
