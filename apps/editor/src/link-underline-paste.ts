// Links pasted from Google Docs. Its clipboard draws a link's underline (and blue) on a span inside the <a>,
// the <a> itself saying `text-decoration:none`: read as it comes, the linked text got an underline of its
// own besides the link, which stayed when the link was removed and went to exports as `<u>` (found by a
// review). Google Docs pastes the link alone. This pass takes the underline out of styles inside links; a
// <u> inside a link (underlined on purpose) stays.

import { Plugin } from 'prosemirror-state';

const DECORATION = /^\s*(text-decoration(?:-line)?)\s*:\s*([^;]*)$/i;

/** `style` without `underline` in its text-decoration declarations; other lines (line-through) stay. */
export function withoutUnderline(style: string): string {
  return style
    .split(';')
    .map((declaration) => {
      const match = DECORATION.exec(declaration);
      if (match === null) return declaration;
      const rest = match[2]!.split(/\s+/).filter((word) => word !== '' && word.toLowerCase() !== 'underline');
      return rest.length === 0 ? null : `${match[1]}:${rest.join(' ')}`;
    })
    .filter((declaration): declaration is string => declaration !== null)
    .join(';');
}

/** Takes the underline out of the style of every element inside a link of `root`. */
export function linksWithoutStyledUnderline(root: ParentNode): void {
  for (const styled of root.querySelectorAll('a[href] [style]')) {
    const style = styled.getAttribute('style') ?? '';
    if (/underline/i.test(style)) styled.setAttribute('style', withoutUnderline(style));
  }
}

/** The pass on pasted HTML (it does nothing to HTML without a link). */
export const linkUnderlinePaste = (): Plugin =>
  new Plugin({
    props: {
      transformPastedHTML(html) {
        if (!/<a\s/i.test(html) || !/underline/i.test(html)) return html;
        // Parsed into a document of its own, as ProseMirror parses a paste: inert, nothing in it runs or loads.
        const page = document.implementation.createHTMLDocument('');
        page.body.innerHTML = html;
        linksWithoutStyledUnderline(page.body);
        return page.body.innerHTML;
      },
    },
  });
