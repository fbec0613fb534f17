// Words and characters in the document, and in the selection when there is one ("3 of 120 words"), shown
// under the text. Not a live region: it is read when someone goes to it, never announced per keystroke.
// Counts are kept per block in a WeakMap keyed by the (immutable) node, so a keystroke recounts only the
// blocks on its path and the rest is a lookup; the display is updated once typing pauses.

import type { Node } from 'prosemirror-model';
import { type EditorState, Plugin } from 'prosemirror-state';

export interface Counts {
  readonly words: number;
  readonly characters: number;
}

const NONE: Counts = { words: 0, characters: 0 };
/** How long after the last change the figures are redrawn. */
const SETTLE_MS = 250;

// Intl.Segmenter knows where words end in every script (Chinese and Japanese have no spaces).
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Words (word-like segments) and characters (graphemes, spaces included, as Google Docs counts them) in
 * `text`; a line end ("\n", between blocks and for hard breaks and images) separates words and is no character.
 */
export function countText(text: string): Counts {
  let words = 0;
  for (const segment of wordSegmenter.segment(text)) if (segment.isWordLike) words++;
  let characters = 0;
  // ASCII is one grapheme per code unit; only other text needs the segmenter.
  if (/^[\x00-\x7f]*$/.test(text)) characters = text.length - (text.match(/\n/g)?.length ?? 0);
  else for (const { segment } of graphemeSegmenter.segment(text)) if (segment !== '\n') characters++;
  return { words, characters };
}

const add = (a: Counts, b: Counts): Counts => ({ words: a.words + b.words, characters: a.characters + b.characters });

/** Counts of a document, remembering each block's so that unchanged blocks are not counted again. */
export function createCounter(counter: (text: string) => Counts = countText): (node: Node) => Counts {
  const cache = new WeakMap<Node, Counts>();
  const count = (node: Node): Counts => {
    let counts = cache.get(node);
    if (counts !== undefined) return counts;
    if (node.isTextblock) counts = counter(node.textBetween(0, node.content.size, '\n', '\n'));
    else if (node.isLeaf) counts = NONE;
    else {
      counts = NONE;
      node.forEach((child) => (counts = add(counts!, count(child))));
    }
    cache.set(node, counts);
    return counts;
  };
  return count;
}

/** The selection's counts, or null for a caret. Blocks in it count apart (a word does not run across two). */
export function selectionCounts(state: EditorState): Counts | null {
  const { from, to, empty } = state.selection;
  return empty ? null : countText(state.doc.textBetween(from, to, '\n', '\n'));
}

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

/** "12 words · 60 characters", or "3 of 12 words · 15 of 60 characters" with a selection. */
export function describeCounts(doc: Counts, selection: Counts | null): string {
  if (selection === null) return `${plural(doc.words, 'word')} · ${plural(doc.characters, 'character')}`;
  return `${selection.words.toLocaleString()} of ${plural(doc.words, 'word')} · ${selection.characters.toLocaleString()} of ${plural(doc.characters, 'character')}`;
}

export interface WordCount {
  readonly element: HTMLElement;
  readonly plugin: Plugin;
}

export function createWordCount(): WordCount {
  const element = document.createElement('p');
  element.className = 'word-count';
  element.dataset.testid = 'word-count';
  const count = createCounter();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = (state: EditorState) => {
    element.textContent = describeCounts(count(state.doc), selectionCounts(state));
  };
  const plugin = new Plugin({
    view(view) {
      show(view.state);
      return {
        update(view, before) {
          if (view.state.doc === before.doc && view.state.selection.eq(before.selection)) return;
          clearTimeout(timer);
          timer = setTimeout(() => show(view.state), SETTLE_MS);
        },
        destroy: () => clearTimeout(timer),
      };
    },
  });
  return { element, plugin };
}
