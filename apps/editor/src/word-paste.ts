// Pasting from Microsoft Word (and other office programs). Their clipboard HTML starts with a <style>
// sheet, which the page's Content-Security-Policy refuses (a console error for every paste, and nothing
// of it is wanted: the schema keeps no style): it is left out before the HTML is parsed. Word's lists come
// as paragraphs with their bullets and numbers as text (see @tandem/schema/word-lists): they are made
// lists before the editor reads the HTML, as an import does.

import { listsFromWord, mayHoldWordLists } from '@tandem/schema/word-lists';
import { Plugin } from 'prosemirror-state';

/** `html` without its style sheets (a <style> element holds raw text up to its end tag). */
const withoutStyleSheets = (html: string): string => html.replace(/<style[\s>][\s\S]*?(<\/style\s*>|$)/gi, '');

export const wordPaste = (): Plugin =>
  new Plugin({
    props: {
      transformPastedHTML(html) {
        const bare = withoutStyleSheets(html);
        if (!mayHoldWordLists(bare)) return bare;
        // Parsed into a document of its own, as ProseMirror parses a paste: inert, nothing in it runs or loads.
        const page = document.implementation.createHTMLDocument('');
        page.body.innerHTML = bare;
        listsFromWord(page.body);
        return page.body.innerHTML;
      },
    },
  });
