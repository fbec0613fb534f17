// Text in the Markdown export that Markdown would otherwise read as something else. prosemirror-markdown
// escapes what is special at the start of a block; this adds what it leaves out:
// - the start of every line, not just the block's: after a hard break, "# x", "- x", "1) x" or "===" would
//   start a heading or a list, or turn the line before into a heading;
// - "1)" lists, "+" and "7." followed by a tab or nothing;
// - leading and trailing spaces and tabs, which a reader strips (or, four spaces or a tab at the start of a
//   block, reads as code): written as character references (&#32; &#9;);
// - "&amp;" and other entity references in the text, which a reader decodes: "\&";
// - a heading's closing "#"s ("C #" is the heading "C");
// - a hard break in a heading, which an ATX heading cannot hold: levels 1 and 2 are written as setext
//   headings (underlined), which can; in levels 3 to 6 the break is written as a space;
// - inline code that starts and ends with a space (a reader strips one space from each end): padded;
// - emphasis, bold and strikethrough whose text starts or ends with punctuation right beside a letter,
//   where "*", "**" or "~~" is no delimiter to a reader: written as the HTML tag (<em>, <strong>, <s>),
//   which the importer reads back as it reads <u>.

import type { MarkdownSerializer, MarkdownSerializerState } from 'prosemirror-markdown';
import type { Node } from 'prosemirror-model';

type NodeSerializer = MarkdownSerializer['nodes'][string];
type MarkSerializer = MarkdownSerializer['marks'][string];
type State = MarkdownSerializerState & { out: string; delim: string; inAutolink?: boolean };

const ENTITY = /&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)/g;
/** Spaces and tabs as character references: what a reader would strip at the start or end of a block. */
export const blanks = (text: string) => text.replace(/[ \t]/g, (c) => (c === ' ' ? '&#32;' : '&#9;'));

/** Whether what the state writes next starts a line of Markdown (after its container's prefix). */
const atLineStart = (state: State) => state.out === '' || state.out === state.delim || state.out.endsWith(`\n${state.delim}`);

/** Wraps the state's `esc` with the rules above; call once per state, before rendering. */
export function escapeLineStarts(state: MarkdownSerializerState): void {
  const s = state as State;
  const esc = s.esc.bind(s);
  s.esc = (str: string, startOfLine = false) => {
    let out = esc(str, startOfLine).replace(ENTITY, '\\&');
    if (startOfLine || atLineStart(s)) {
      out = out
        .replace(/^[ \t]+/, blanks)
        .replace(/^(\d{1,9})([.)])(?=[ \t]|$)/, '$1\\$2')
        .replace(/^([+\-=])/, '\\$1')
        .replace(/^(#{1,6})(?=[ \t]|$)/, '\\$1');
    }
    return out;
  };
}

const hasBreak = (node: Node) => {
  let found = false;
  node.forEach((child, _, i) => {
    if (child.type.name === 'hard_break' && i < node.childCount - 1) found = true;
  });
  return found;
};

export const textMarkdown = (defaults: MarkdownSerializer['nodes']): Record<string, NodeSerializer> => ({
  text(state, node, parent, index) {
    const s = state as State;
    if (s.inAutolink) return defaults.text!(state, node, parent, index);
    let body = node.text ?? '';
    let tail = '';
    let head = '';
    // An ATX heading's text starts after "## ", not at a line start, and a reader strips its spaces too.
    if (index === 0 && parent.type.name === 'heading') {
      const leading = /^[ \t]+/.exec(body);
      if (leading !== null) {
        head = blanks(leading[0]);
        body = body.slice(leading[0].length);
      }
    }
    if (parent.isTextblock && index === parent.childCount - 1) {
      const trailing = /[ \t]+$/.exec(body);
      if (trailing !== null) {
        tail = blanks(trailing[0]);
        body = body.slice(0, trailing.index);
      } else if (parent.type.name === 'heading' && (!hasBreak(parent) || (parent.attrs.level as number) > 2)) {
        // (A level-1 or -2 heading with a break is written underlined, where "#"s are text; at 3 to 6 the
        // break is a space and the heading ATX, where "a #" ends in a closing sequence.)
        const closing = /(^|[ \t])(#+)$/.exec(body);
        if (closing !== null) {
          tail = `\\${closing[2]}`;
          body = body.slice(0, body.length - closing[2]!.length);
        }
      }
    }
    if (head !== '') state.text(head, false);
    if (body !== '') state.text(body, true);
    if (tail !== '') state.text(tail, false);
  },
  hard_break(state, node, parent, index) {
    if (parent.type.name === 'heading' && (parent.attrs.level as number) > 2) {
      for (let i = index + 1; i < parent.childCount; i++) {
        if (parent.child(i).type !== node.type) return state.write(' ');
      }
      return;
    }
    return defaults.hard_break!(state, node, parent, index);
  },
  heading(state, node, parent, index) {
    if ((node.attrs.level as number) > 2 || !hasBreak(node)) return defaults.heading!(state, node, parent, index);
    state.renderInline(node);
    state.ensureNewLine();
    state.write(node.attrs.level === 1 ? '===' : '---');
    state.closeBlock(node);
  },
});

/** prosemirror-markdown's code mark, with a space of padding inside the backticks of code that starts and ends with one. */
export const codeMarkdown = (code: MarkSerializer): MarkSerializer => {
  const padded = (node: Node | undefined) => {
    const text = node?.isText === true ? node.text! : '';
    return !text.includes('`') && text.length > 1 && text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '';
  };
  const open = code.open as (state: MarkdownSerializerState, mark: unknown, parent: Node, index: number) => string;
  const close = code.close as (state: MarkdownSerializerState, mark: unknown, parent: Node, index: number) => string;
  return {
    ...code,
    open: (state, mark, parent, index) => open(state, mark, parent, index) + (padded(parent.child(index)) ? ' ' : ''),
    close: (state, mark, parent, index) => (padded(parent.maybeChild(index - 1) ?? undefined) ? ' ' : '') + close(state, mark, parent, index),
  };
};

const PUNCTUATION = /[\p{P}\p{S}]/u;
const SPACE = /\s/u;
/** A node's text as a reader sees it beside a delimiter: an image or other leaf counts as a letter. */
const textOf = (node: Node): string => (node.isText ? node.text! : node.type.name === 'hard_break' ? '\n' : 'x');

/** Whether `node` has a mark other than `mark` that `neighbour` does not: one that opens (or closes) beside it. */
const changes = (node: Node, neighbour: Node | null, mark: { eq(other: unknown): boolean }): boolean =>
  node.marks.some((other) => !mark.eq(other) && (neighbour === null || !other.isInSet(neighbour.marks)));

/** The character each delimited mark is written with. */
const DELIMITER: Record<string, string> = { em: '*', strong: '*', strikethrough: '~' };

/** Whether `neighbour` has a mark written with `char` that `node` does not (it closes or opens between them). */
const closesWith = (neighbour: Node | null, node: Node, char: string): boolean =>
  neighbour !== null && neighbour.marks.some((other) => DELIMITER[other.type.name] === char && !other.isInSet(node.marks));

/** Marks opened as HTML tags, per serializer state, until they close. */
const openedAsTags = new WeakMap<object, Set<unknown>>();

/**
 * A mark written with `delim` (`*`, `**`, `~~`) where CommonMark reads it as one (left-flanking where it
 * opens, right-flanking where it closes), else as `<tag>`…`</tag>`.
 */
export const flankingMark = (mark: MarkSerializer, delim: string, tag: string): MarkSerializer => ({
  ...mark,
  open(state, m, parent, index) {
    let end = index;
    while (end < parent.childCount && m.isInSet(parent.child(end).marks)) end += 1;
    let inner = '';
    for (let i = index; i < end; i++) inner += textOf(parent.child(i));
    const out = (state as State).out;
    // Whitespace at either end is moved outside the delimiters (expelEnclosingWhitespace).
    const before = /^\s/u.test(inner) ? ' ' : out === '' ? '\n' : out.at(-1)!;
    const after = /\s$/u.test(inner) ? ' ' : end < parent.childCount ? textOf(parent.child(end)).charAt(0) || '\n' : '\n';
    const body = inner.trim();
    const previous = parent.maybeChild(index - 1);
    const next = parent.maybeChild(end);
    // Another mark opening at the run's start (or closing at its end) puts its own delimiter, punctuation,
    // between this one and the text: "a*<u>b</u>*" has no emphasis.
    const first = body !== '' && changes(parent.child(index), previous, m) ? '<' : body.charAt(0);
    const last = body !== '' && changes(parent.child(end - 1), next, m) ? '>' : body.charAt(body.length - 1);
    const opens = first !== '' && (!PUNCTUATION.test(first) || SPACE.test(before) || PUNCTUATION.test(before));
    const closes = last !== '' && (!PUNCTUATION.test(last) || SPACE.test(after) || PUNCTUATION.test(after));
    // A mark written with the same character closing right before, or opening right after, would make one
    // run of delimiters with this one ("*a*" then "**b**": "*a***b**"), which reads as neither.
    const merges = (/^\s/u.test(inner) ? false : closesWith(previous, parent.child(index), delim[0]!)) || (/\s$/u.test(inner) ? false : closesWith(next, parent.child(end - 1), delim[0]!));
    if (opens && closes && !merges) return delim;
    let tags = openedAsTags.get(state);
    if (tags === undefined) openedAsTags.set(state, (tags = new Set()));
    tags.add(m);
    return `<${tag}>`;
  },
  close(state, m) {
    const tags = openedAsTags.get(state);
    if (tags?.delete(m) === true) return `</${tag}>`;
    return delim;
  },
});
