// Words copied from inside one line and pasted into another: they go in as words, and the line they land
// in keeps its kind, as in Google Docs. ProseMirror's clipboard keeps the blocks around copied words (the
// heading, the list item), and a paste keeps a "defining" block (heading, code block) and the list item
// or quote around it when the words land at the start of a textblock: a word copied from a heading and
// pasted at the start of a paragraph, or into an empty one, made the whole paragraph a heading, while the
// same word pasted one character further on went in as a word (found by a review).
//
// Only a slice open right down to the text on both sides, inside one textblock: anything copied with a
// line end (a whole heading, two list items) still pastes as blocks. Only what an editor's own clipboard
// holds (its HTML marks the slice with data-pm-slice) or a drag inside it: a browser puts a block element
// such as <h2> on the clipboard of another page only when the whole block was selected, and a heading
// copied whole from a web page still pastes as a heading.

import { type Fragment, type Node, type ResolvedPos, Slice } from 'prosemirror-model';
import { Plugin, TextSelection } from 'prosemirror-state';

/** The inline content of `slice` when it is the text of one textblock, open down to it at both ends. */
export function wordsOf(slice: Slice): Fragment | undefined {
  if (slice.openStart === 0 || slice.openStart !== slice.openEnd) return undefined;
  let content = slice.content;
  for (let depth = 0; depth < slice.openStart; depth++) {
    if (content.childCount !== 1) return undefined;
    const node = content.firstChild!;
    if (node.isTextblock) return depth === slice.openStart - 1 ? node.content : undefined;
    content = node.content;
  }
  return undefined;
}

/**
 * `slice` with its end closed when it holds several lines, the last of another kind than the line it lands in
 * (another block, or the same inside other lists or quotes), and that line goes on after `$end`: the line keeps
 * its kind and its own text, after the pasted lines, as in Google Docs. A paragraph and a code block (a heading,
 * a quote, a list item) pasted at the start of "My own sentence." made it part of that code block.
 */
export function endClosedBeforeLine(slice: Slice, $end: ResolvedPos): Slice {
  if (slice.openEnd === 0 || !$end.parent.isTextblock || $end.parentOffset === $end.parent.content.size || wordsOf(slice) !== undefined) return slice;
  const chain: Node[] = []; // the nodes open at the slice's end, outermost first
  for (let node = slice.content.lastChild; node !== null && chain.length < slice.openEnd; node = node.lastChild) chain.push(node);
  const last = chain.at(-1);
  if (last === undefined || !last.isTextblock) return slice;
  const sameKind = chain.length <= $end.depth && chain.every((node, i) => {
    const there = $end.node($end.depth - (chain.length - 1 - i));
    return node.type === there.type && (i < chain.length - 1 || node.hasMarkup(there.type, there.attrs));
  });
  return sameKind ? slice : new Slice(slice.content, slice.openStart, 0);
}

export function wordsPaste(): Plugin {
  /** The HTML being pasted came from elsewhere than an editor (read before `transformPasted`, in the same paste). */
  let foreign = false;
  return new Plugin({
    props: {
      transformPastedHTML(html) {
        foreign = !/\sdata-pm-slice=/.test(html);
        return html;
      },
      transformPasted(slice, view) {
        const fromElsewhere = foreign;
        foreign = false;
        const { selection } = view.state;
        if (!(selection instanceof TextSelection) || !selection.$from.parent.isTextblock) return slice;
        const words = fromElsewhere ? undefined : wordsOf(slice);
        if (words !== undefined) return new Slice(words, 0, 0);
        // A drop lands elsewhere than the selection: left as ProseMirror makes it.
        return view.dragging === null ? endClosedBeforeLine(slice, selection.$to) : slice;
      },
    },
  });
}
