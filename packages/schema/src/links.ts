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
 * `schemes`: others than http, https and mailto (an image's source is http or https only).
 */
export function isSafeHref(href: unknown, schemes: ReadonlySet<string> = SAFE_SCHEMES): href is string {
  if (typeof href !== 'string' || href.trim() === '' || BREAKS_OUT.test(href.trim())) return false;
  const raw = squeeze(href);
  const readings = [raw, squeeze(decodeReferences(raw)), squeeze(unescapeMarkdown(raw)), squeeze(unescapeMarkdown(decodeReferences(raw)))];
  return readings.every((reading) => {
    const scheme = SCHEME.exec(reading)?.[1];
    return scheme === undefined || schemes.has(scheme.toLowerCase());
  });
}

/** `href` when it is safe, else null (an attribute renderers then leave out). */
export const safeHref = (href: unknown): string | null => (isSafeHref(href) ? href : null);

/**
 * Where a link may point when someone adds one, in every path a link enters (the link field, typed and
 * pasted URLs, `[text](url)`): http(s) and mailto URLs, and the app's own documents (`/d/…`). Stricter than
 * {@link isSafeHref}, which still renders other relative links already in a document.
 */
export function isLinkTarget(href: unknown): href is string {
  if (!isSafeHref(href)) return false;
  if (href.startsWith('/d/')) return href.length > 3;
  const scheme = SCHEME.exec(href)?.[1]?.toLowerCase();
  if (scheme === 'mailto') return /^mailto:[^@\s]+@[^@\s]+$/i.test(href);
  if (scheme !== 'http' && scheme !== 'https') return false;
  try {
    return new URL(href).hostname !== '';
  } catch {
    return false;
  }
}

// What people type for a web or email address without its scheme: `example.com`, `www.example.com:8080/a?b`,
// `localhost:3000`, `192.168.0.1`, `someone@example.com`.
const BARE_HOST = /^(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}|localhost|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?(?:[/?#]\S*)?$/i;
const BARE_EMAIL = /^[^\s@/:]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i;

export type LinkInput = { readonly ok: true; readonly href: string } | { readonly ok: false; readonly reason: 'empty' | 'not-allowed' };

/**
 * Reads what someone typed as a link address: a bare domain gets `https://`, a bare email address
 * `mailto:`, spaces are encoded; the result must pass {@link isLinkTarget}.
 */
export function normalizeLink(input: string): LinkInput {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  // A pasted address may hold spaces (`my file.pdf`); a URL carries them encoded.
  let href = text.replace(/ /g, '%20');
  if (BARE_HOST.test(href)) href = `https://${href}`;
  else if (BARE_EMAIL.test(href)) href = `mailto:${href}`;
  return isLinkTarget(href) ? { ok: true, href } : { ok: false, reason: 'not-allowed' };
}
