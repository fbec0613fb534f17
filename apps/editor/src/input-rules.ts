// Markdown-style shortcuts typed into the text: "# ", "- ", "1. ", "> ", "```", "---", **bold**, *italic*, `code`,
// [links](https://…), and a URL followed by a space.

import { InputRule, inputRules, textblockTypeInputRule, wrappingInputRule } from 'prosemirror-inputrules';
import type { MarkType } from 'prosemirror-model';
import type { EditorState, Plugin } from 'prosemirror-state';
import { listConversionRules } from './blocks.js';
import { INLINE_FORMAT_RULES } from './formats/inline-formats.js';
import { taskListInputRule } from './formats/task-list.js';
import { linkInputRule, typedUrlRule } from './links.js';
import { schema } from './schema.js';

/**
 * Whether the caret at `pos` is inside inline code still being typed: an odd number of backticks before it
 * in its block, outside code already made. Typed `npm i --save-dev` became "npm i —save-dev" before the
 * closing backtick made it code (found by a review).
 */
function inOpenCode(state: EditorState, pos: number): boolean {
  const $pos = state.doc.resolve(pos);
  let ticks = 0;
  $pos.parent.forEach((node, offset) => {
    if (offset >= $pos.parentOffset || !node.isText || node.marks.some((m) => m.type === schema.marks.code)) return;
    const text = node.text!.slice(0, $pos.parentOffset - offset);
    for (const c of text) if (c === '`') ticks += 1;
  });
  return ticks % 2 === 1;
}

/**
 * A typographic replacement (dashes, ellipses, curly quotes), as prosemirror-inputrules' own: the first
 * group of the match (or all of it) becomes `to`. Not in code, nor in inline code still being typed.
 */
function typographic(match: RegExp, to: string): InputRule {
  return new InputRule(
    match,
    (state, m, start, end) => {
      if (inOpenCode(state, start)) return null;
      let insert = to;
      let from = start;
      if (m[1]) {
        const offset = m[0].lastIndexOf(m[1]);
        insert += m[0].slice(offset + m[1].length);
        from += offset;
        const cutOff = from - end;
        if (cutOff > 0) {
          insert = m[0].slice(offset - cutOff, offset) + insert;
          from = end;
        }
      }
      return state.tr.insertText(insert, from, end);
    },
    { inCodeMark: false },
  );
}

const TYPOGRAPHY = [
  typographic(/(?:^|[\s{[(<'"\u2018\u201C])(")$/, '\u201C'),
  typographic(/"$/, '\u201D'),
  typographic(/(?:^|[\s{[(<'"\u2018\u201C])(')$/, '\u2018'),
  typographic(/'$/, '\u2019'),
  typographic(/\.\.\.$/, '\u2026'),
  typographic(/--$/, '\u2014'),
];

/** Turns `<delimiter>text<delimiter>` into marked text once the closing delimiter is typed. */
function markRule(pattern: RegExp, mark: MarkType): InputRule {
  return new InputRule(pattern, (state, match, start, end) => {
    const text = match[1];
    if (text === undefined) return null;
    // The match starts at the opening delimiter (look-behinds consume nothing); the closing one is
    // the character being typed, which this replacement swallows.
    const tr = state.tr.replaceWith(start, end, schema.text(text, [mark.create()]));
    return tr.removeStoredMark(mark);
  });
}

export function buildInputRules(): Plugin {
  const { nodes, marks } = schema;
  return inputRules({
    rules: [
      ...TYPOGRAPHY,
      // `---` on an empty line: a horizontal rule (after emDash has made the first two "—").
      ...INLINE_FORMAT_RULES,
      textblockTypeInputRule(/^(#{1,3})\s$/, nodes.heading!, (m) => ({ level: m[1]!.length })),
      wrappingInputRule(/^\s*>\s$/, nodes.blockquote!),
      // Before the wrapping rules: a marker typed in a list converts that list instead of nesting one.
      ...listConversionRules,
      taskListInputRule,
      wrappingInputRule(/^\s*([-+*])\s$/, nodes.bullet_list!),
      wrappingInputRule(
        /^(\d+)\.\s$/,
        nodes.ordered_list!,
        (m) => ({ order: Number(m[1]) }),
        (m, node) => node.childCount + (node.attrs.order as number) === Number(m[1]),
      ),
      textblockTypeInputRule(/^```$/, nodes.code_block!),
      markRule(/\*\*([^*\s](?:[^*]*[^*\s])?)\*\*$/, marks.strong!),
      markRule(/(?<![*\w])\*([^*\s](?:[^*]*[^*\s])?)\*$/, marks.em!),
      markRule(/(?<![_\w])_([^_\s](?:[^_]*[^_\s])?)_$/, marks.em!),
      markRule(/`([^`]+)`$/, marks.code!),
      linkInputRule,
      typedUrlRule,
    ],
  });
}
