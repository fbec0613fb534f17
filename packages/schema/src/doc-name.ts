// Which document names are allowed: the one rule the server, its storage and the editor all apply
// (the editor imports this module alone, `@tandem/schema/doc-name`, so nothing else comes with it).
// Names are data, never paths, but rejecting tricks early keeps logs, URLs and any future
// file-based adapter honest.

export const MAX_DOC_NAME_LENGTH = 200;

// C0/C1 control characters, DEL, and Unicode line/paragraph separators.
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// Unicode format characters (category Cf): zero-width spaces and joiners, bidirectional controls, the
// BOM, soft hyphens. Invisible, they make share links that look like another document's.
const FORMAT_CHARS = /\p{Cf}/u;
// A UTF-16 surrogate not in a pair: JSON and JavaScript strings carry it, but UTF-8 cannot (SQLite
// would keep three U+FFFD, PostgreSQL one), nor can a URL (encodeURIComponent throws).
const LONE_SURROGATE = /\p{Cs}/u;

/** Returns why `name` is not a valid document name (a phrase to follow "Document name"), or undefined when it is. */
export function docNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_DOC_NAME_LENGTH) return `is longer than ${MAX_DOC_NAME_LENGTH} characters`;
  if (LONE_SURROGATE.test(name)) return 'is not well-formed Unicode (a lone surrogate)';
  if (FORBIDDEN_CHARS.test(name)) return 'contains a control character';
  if (FORMAT_CHARS.test(name)) return 'contains an invisible formatting character (zero-width or bidirectional control)';
  // Refused rather than normalised: a name then maps to exactly one document, never silently to another's.
  if (name.normalize('NFC') !== name) return 'is not in Unicode normal form NFC (compose accents with their letters)';
  if (name.trim() !== name) return 'starts or ends with whitespace';
  if (name.startsWith('/') || name.endsWith('/')) return 'starts or ends with "/"';
  for (const segment of name.split('/')) {
    if (segment === '') return 'contains an empty path segment ("//")';
    if (segment === '.' || segment === '..') return `contains a "${segment}" segment`;
  }
  if (name.includes('\\')) return 'contains a backslash';
  return undefined;
}

/**
 * A valid name close to `name`, for a person who typed or followed an invalid one: invisible and
 * control characters dropped, accents composed, backslashes read as "/", empty, "." and ".."
 * segments dropped, each segment trimmed, cut to the length limit. Undefined when nothing is left
 * or `name` is already valid.
 */
export function suggestDocName(name: string): string | undefined {
  if (docNameProblem(name) === undefined) return undefined;
  const segments = name
    .normalize('NFC')
    .replace(new RegExp(`${FORBIDDEN_CHARS.source}|${FORMAT_CHARS.source}|${LONE_SURROGATE.source}`, 'gu'), '')
    .replace(/\\/g, '/')
    .split('/')
    .map((segment) => segment.trim())
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  let joined = segments.join('/');
  // Cut to the limit, never between the two halves of a pair.
  if (joined.length > MAX_DOC_NAME_LENGTH) joined = joined.slice(0, MAX_DOC_NAME_LENGTH).replace(/\p{Cs}$/u, '');
  const suggestion = joined.replace(/[\s/]+$/u, '');
  return suggestion !== '' && docNameProblem(suggestion) === undefined ? suggestion : undefined;
}
