// Markdown-style shortcuts typed into the text: "# ", "- ", "1. ", "> ", "```", "---", **bold**, *italic*, `code`,
// [links](https://…), and a URL followed by a space.

import {
  ellipsis,
  emDash,
  InputRule,
  inputRules,
  smartQuotes,
  textblockTypeInputRule,
  wrappingInputRule,
} from 'prosemirror-inputrules';
import type { MarkType } from 'prosemirror-model';
import type { Plugin } from 'prosemirror-state';
import { listConversionRules } from './blocks.js';
import { INLINE_FORMAT_RULES } from './formats/inline-formats.js';
import { taskListInputRule } from './formats/task-list.js';
import { linkInputRule, typedUrlRule } from './links.js';
import { schema } from './schema.js';

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
      ...smartQuotes,
      ellipsis,
      emDash,
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
