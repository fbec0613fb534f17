// Empty lines in pasted HTML. Google Docs puts each empty line between paragraphs on the clipboard as a bare
// <br> between the <p> elements (inside its <b id="docs-internal-guid…"> wrapper). Read as they come, each
// run of them became a paragraph holding line breaks: a line twice as tall, and text typed into it went
// after a break (found by a review). Google Docs pastes them as empty lines: so does this pass, which turns
// every <br> standing between blocks (not inside a line of text) into an empty paragraph.
// Word (and many web editors) write an empty line as a paragraph holding only a no-break space
// (`<p class=MsoNormal><o:p>&nbsp;</o:p></p>`): it came as a line holding a space, which stayed beside what
// was typed into it. This pass empties such paragraphs.
// A picture copied from Word is a file on the sender's computer (`<img src="file:///C:/…">`): the editor
// cannot show it and leaves it out, as any image it may not load; the line that held only the picture was
// left behind as an empty line. Such lines go with their picture.

import { isImageSource } from '@tandem/schema/inline-formats';
import { Plugin } from 'prosemirror-state';
import { sayPicturesLeftOut } from './pasted-pictures.js';

/** Elements that make lines of their own: a <br> next to one is not inside a line of text. */
const BLOCK = new Set(['ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DIV', 'DL', 'FIGURE', 'FOOTER', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'OL', 'P', 'PRE', 'SECTION', 'TABLE', 'UL']);

// Node types by number: the pass runs on the browser's DOM and, in its tests, on linkedom's (no global Node).
const ELEMENT = 1;
const TEXT = 3;
const COMMENT = 8;

const isBlank = (node: Node): boolean => node.nodeType === COMMENT || (node.nodeType === TEXT && (node.textContent ?? '').trim() === '');
const isBlock = (node: Node): boolean => node.nodeType === ELEMENT && BLOCK.has(node.nodeName);
// The <br> a browser adds after a copied selection that ends a line is no line of the text.
const isBreak = (node: Node): boolean => node.nodeName === 'BR' && !/\bApple-interchange-newline\b/.test((node as Element).getAttribute('class') ?? '');

/**
 * Replaces each <br> of `root` that stands between blocks (each neighbour, blank text aside, a block, another
 * such <br>, or the edge of a parent that holds blocks) with an empty <p>. A <br> inside a line of text stays.
 */
export function emptyLinesAsParagraphs(root: ParentNode): void {
  for (const parent of [root, ...root.querySelectorAll('*')]) {
    const children = [...parent.childNodes].filter((child) => !isBlank(child));
    if (!children.some(isBlock)) continue;
    let i = 0;
    while (i < children.length) {
      if (!isBreak(children[i]!)) {
        i++;
        continue;
      }
      let end = i;
      while (end < children.length && isBreak(children[end]!)) end++;
      const before = children[i - 1];
      const after = children[end];
      if ((before === undefined || isBlock(before)) && (after === undefined || isBlock(after))) {
        for (const br of children.slice(i, end)) br.parentNode!.replaceChild(br.ownerDocument!.createElement('p'), br);
      }
      i = end;
    }
  }
}

/** The lines these passes look at. */
const LINES = 'p, h1, h2, h3, h4, h5, h6';
/** What makes a line hold something though it has no text. */
const NOT_TEXT = 'img, br, hr, input, table, ul, ol, li';
/** Whether a line's text is only blanks and no-break spaces. */
const blankText = (line: Element): boolean => (line.textContent ?? '').replace(/[\s\u00a0]/g, '') === '';

/** Empties each paragraph or heading of `root` whose only text is no-break spaces (and blanks), with nothing else in it but inline wrappers. */
export function emptyLinesWithoutSpaces(root: ParentNode): void {
  for (const line of root.querySelectorAll(LINES)) {
    const text = line.textContent ?? '';
    if (!text.includes('\u00a0') || !blankText(line)) continue;
    if (line.querySelector(NOT_TEXT) !== null) continue;
    line.replaceChildren();
  }
}

/**
 * Removes each image of `root` the editor would leave out (see isImageSource: a file on someone's computer,
 * a data: URL), and the paragraph or heading it stood in when nothing else was in it: no text but blanks and
 * no-break spaces, no other image, line break or block. Returns how many images it removed.
 */
export function linesOfUnloadableImages(root: ParentNode): number {
  let removed = 0;
  for (const image of [...root.querySelectorAll('img')]) {
    if (isImageSource(image.getAttribute('src'))) continue;
    const line = image.closest(LINES);
    image.remove();
    removed += 1;
    if (line === null || !blankText(line) || line.querySelector(NOT_TEXT) !== null) continue;
    line.remove();
  }
  return removed;
}

/** The passes on pasted HTML (they do nothing to HTML without a <br>, an <img> or a no-break space). */
export const emptyLinesPaste = (): Plugin =>
  new Plugin({
    props: {
      transformPastedHTML(html, view) {
        if (!/<br|<img|&nbsp;|&#160;|\u00a0/i.test(html)) return html;
        // Parsed into a document of its own, as ProseMirror parses a paste: inert, nothing in it runs or loads.
        const page = document.implementation.createHTMLDocument('');
        page.body.innerHTML = html;
        emptyLinesAsParagraphs(page.body);
        emptyLinesWithoutSpaces(page.body);
        const leftOut = linesOfUnloadableImages(page.body);
        // Said, not left out in silence (see pasted-pictures.ts).
        if (leftOut > 0) sayPicturesLeftOut(view, { kind: 'in-html', count: leftOut });
        return page.body.innerHTML;
      },
    },
  });
