// Underline: <u> in the document and in HTML. Markdown has no underline of its own, so it is written as
// the raw tag `<u>…</u>`, which GitHub, GitLab and most renderers show underlined; the importer, which
// otherwise reads raw HTML as text, reads back just this pair of tags.

import type { MarkdownSerializer, ParseSpec } from 'prosemirror-markdown';
import type { MarkSpec } from 'prosemirror-model';
import type { PluginSimple, StateInline } from 'markdown-it';

type MarkSerializer = MarkdownSerializer['marks'][string];

/** True for a CSS `text-decoration` value that holds `line` (`underline`, `line-through`). */
export const decorates = (line: string) => (value: string) => value.split(/\s+/).includes(line) && null;

export const underline: MarkSpec = {
  parseDOM: [
    { tag: 'u' },
    // Google Docs and Word paste spans with a text-decoration style; not consuming, so that one style
    // holding both lines gives both marks.
    { style: 'text-decoration', getAttrs: decorates('underline'), consuming: false },
    { style: 'text-decoration-line', getAttrs: decorates('underline'), consuming: false },
  ],
  toDOM: () => ['u', 0],
};

export const underlineMarkdown: MarkSerializer = { open: '<u>', close: '</u>', mixable: true, expelEnclosingWhitespace: true };

/** markdown-it's `u_open` / `u_close` tokens (made by {@link underlineSyntax}). */
export const underlineTokens: Record<string, ParseSpec> = { u: { mark: 'underline' } };

/**
 * The tags read as marks: `<u>` (Markdown has no underline), and `<em>`, `<strong>` and `<s>`, which the
 * export writes where `*`, `**` or `~~` would be no delimiter (see markdown-text.ts).
 */
const TAG = /^<(\/?)(u|em|strong|s)>/i;

/**
 * What markTag knows of a state, kept between calls (each was a scan of every token or of the rest of the
 * source: a paragraph of 10 000 `<u>a</u>` took half a minute): how many of each tag its tokens open and
 * leave unclosed, counted up to `tokens`, and where each closing tag last occurs in the source.
 */
interface Seen {
  tokens: readonly unknown[];
  counted: number;
  open: Record<string, number>;
  src: string;
  last: Record<string, number>;
}
const seenIn = new WeakMap<StateInline, Seen>();

function scanned(state: StateInline): Seen {
  let seen = seenIn.get(state);
  // Tokens are only appended while a paragraph is read; start over if they were replaced or cut.
  if (seen === undefined || seen.tokens !== state.tokens || seen.counted > state.tokens.length || seen.src !== state.src) {
    seen = { tokens: state.tokens, counted: 0, open: {}, src: state.src, last: {} };
    seenIn.set(state, seen);
  }
  for (; seen.counted < state.tokens.length; seen.counted++) {
    const match = /^(u|em|strong|s)_(open|close)$/.exec(state.tokens[seen.counted]!.type);
    if (match !== null) seen.open[match[1]!] = (seen.open[match[1]!] ?? 0) + (match[2] === 'open' ? 1 : -1);
  }
  return seen;
}

/** Where `</name>` last starts in `src` (any case), -1 if nowhere. */
function lastClosing(seen: Seen, src: string, name: string): number {
  return (seen.last[name] ??= src.toLowerCase().lastIndexOf(`</${name}>`));
}

/** Reads `<u>` and `</u>` (and the others) as mark tokens, an opening tag only when its closing one follows it, a closing one only to close one. */
function markTag(state: StateInline, silent: boolean): boolean {
  if (state.src.charCodeAt(state.pos) !== 0x3c /* < */) return false;
  const tag = TAG.exec(state.src.slice(state.pos, state.pos + 9));
  if (tag === null) return false;
  const closing = tag[1] === '/';
  const name = tag[2]!.toLowerCase();
  const seen = scanned(state);
  if (closing ? (seen.open[name] ?? 0) <= 0 : lastClosing(seen, state.src, name) < state.pos + tag[0].length) return false;
  if (!silent) state.push(closing ? `${name}_close` : `${name}_open`, name, closing ? -1 : 1);
  state.pos += tag[0].length;
  return true;
}

/** A markdown-it plugin for the `<u>` and `</u>` tags (and `<em>`, `<strong>`, `<s>`), whether or not raw HTML is enabled. */
export const underlineSyntax: PluginSimple = (md) => {
  md.inline.ruler.before('autolink', 'underline_tag', markTag);
};
