// Which link targets a document may carry: http(s), mailto and relative addresses. Shared by the
// editor (link command, paste, history view) and the server (exports), and applied again when a
// link is rendered, since anything can be written into a Yjs document by a client that skips the editor.

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** Browsers drop ASCII tab and newlines anywhere in a URL and C0 controls and spaces around it; drop them all. */
const squeeze = (href: string) => href.replace(/[\u0000-\u0020\u007f]+/g, '');

/**
 * HTML character references (`&#58;`, `&#x3a;`, `&colon;`), which a page or a Markdown renderer decodes.
 * Other named ones are read as nothing: those a scheme could hide behind (`&Tab;`, `&NewLine;`) decode
 * to characters a browser drops anyway, and none decodes to an ASCII letter.
 */
const decodeReferences = (href: string) =>
  href.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);?/gi, (_, ref: string) => {
    if (ref.toLowerCase() === 'colon') return ':';
    if (ref[0] !== '#') return '';
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });

/** Markdown backslash escapes (`javascript\:`), which a Markdown renderer removes. */
const unescapeMarkdown = (href: string) => href.replace(/\\(.)/g, '$1');

/**
 * Characters no URL carries unencoded, and that end a Markdown link destination (so that what follows
 * them, `<javascript:…>`, could be read as a link of its own): whitespace, controls, angle brackets.
 */
const BREAKS_OUT = /[\s\u0000-\u001f\u007f-\u009f<>]/;

/**
 * True when `href` is an http, https or mailto URL or a relative one (`/d/x`, `notes.html`, `#top`).
 * Conservative: the scheme is judged on every reading a browser or Markdown renderer might make of it.
 */
export function isSafeHref(href: unknown): href is string {
  if (typeof href !== 'string' || href.trim() === '' || BREAKS_OUT.test(href.trim())) return false;
  const raw = squeeze(href);
  const readings = [raw, squeeze(decodeReferences(raw)), squeeze(unescapeMarkdown(raw)), squeeze(unescapeMarkdown(decodeReferences(raw)))];
  return readings.every((reading) => {
    const scheme = SCHEME.exec(reading)?.[1];
    return scheme === undefined || SAFE_SCHEMES.has(scheme.toLowerCase());
  });
}

/** `href` when it is safe, else null (an attribute renderers then leave out). */
export const safeHref = (href: unknown): string | null => (isSafeHref(href) ? href : null);
