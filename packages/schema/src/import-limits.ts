// What the server checks of an import before parsing it, in a module of its own: the parsers
// (markdown-it, linkedom) cost a few hundred milliseconds to load, and the server's thread only needs this.

/**
 * Whether `markdown` may grow far beyond its size when parsed: a table's rows are padded to its header's
 * width, so the widest line's "|"s times the number of lines bounds its cells. Such input is parsed off
 * the server's thread (and then refused by the node budget if it did grow).
 */
export function markdownMayExpand(markdown: string, maxCells = 5_000): boolean {
  let lines = 1;
  let widest = 0;
  let pipes = 0;
  for (let i = 0; i < markdown.length; i++) {
    const c = markdown.charCodeAt(i);
    if (c === 124) pipes += 1;
    else if (c === 10) {
      lines += 1;
      widest = Math.max(widest, pipes);
      pipes = 0;
    }
  }
  return Math.max(widest, pipes) * lines > maxCells;
}

/**
 * How deep a document may nest (the document itself counts as one level): lists in lists in quotes as deep as
 * anyone writes (a list level takes two), and far from the depth at which the recursive walks over a document
 * (to Yjs, to the editor's view, to an export) run out of stack. Imports are refused past it, and so are
 * updates that nest blocks past it (the sync server's blocks-in-place.ts).
 */
export const MAX_NESTING = 100;

