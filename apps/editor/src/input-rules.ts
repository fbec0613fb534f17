// Markdown-style shortcuts typed into the text: "# ", "- ", "1. ", "> ", "```", "---", **bold**, *italic*, `code`,
// [links](https://…), and a URL followed by a space.

import { InputRule, inputRules, textblockTypeInputRule, wrappingInputRule } from 'prosemirror-inputrules';
import { keymap } from 'prosemirror-keymap';
import type { MarkType } from 'prosemirror-model';
import { type Command, type EditorState, Plugin, Selection, type Transaction } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { undoCommand } from 'y-prosemirror';
import { codeBlockInListRule, headingInListRule, listConversionRules, quoteInListRule } from './blocks.js';
import { INLINE_FORMAT_RULES } from './formats/inline-formats.js';
import { inAddress } from './typing-in-addresses.js';
import { taskListInputRule } from './formats/task-list.js';
import { linkInputRule, typedUrlRule } from './links.js';
import { schema } from './schema.js';
import { OWN_UNDO_STEP, undoReplacement } from './undo-steps.js';

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
 * group of the match (or all of it) becomes `to`. Not in code, nor in inline code still being typed, nor
 * (`outsideAddresses`) in a URL being typed, where it would change where the link goes.
 */
function typographic(match: RegExp, to: string, outsideAddresses = false): InputRule {
  return new InputRule(
    match,
    (state, m, start, end) => {
      if (inOpenCode(state, start) || (outsideAddresses && inAddress(state, start))) return null;
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
  typographic(/\.\.\.$/, '\u2026', true),
  // At the start of a line, "--" becomes "—" only with the next character, which is not a third "-": "---"
  // there is a horizontal rule, and Backspace or Ctrl+Z right after it then brings back "---" as typed (it
  // brought back "—-", the em dash made first; found by an exploratory run).
  typographic(/(?<!^-?)--$/, '\u2014', true),
  typographic(/^(--)[^-]$/, '\u2014', true),
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

/** Transaction meta: this change is an input rule's conversion, made a step of its own by `ownStepRules`. */
const CONVERSION = 'tandem:input-rule-conversion';

/**
 * Input rules whose conversion is an undo step of its own, after the typed character: Ctrl+Z (or Backspace)
 * right after `**bold**` or `## ` brings back the characters as typed, as Google Docs and ProseMirror's
 * `undoInputRule` do. A rule replaces the text in the same change as the key that completes it, which was
 * typing to undoSteps: one Ctrl+Z took back the whole sentence with it (found by a review). So the typed
 * key goes in first, as typing, and the rule's change follows as a change of its own (OWN_UNDO_STEP).
 */
function ownStepRules(rules: readonly InputRule[]): Plugin[] {
  const inner = inputRules({ rules });
  const outer: Plugin<boolean> = new Plugin<boolean>({
    // Whether the last change was a conversion, with the caret where it left it: Backspace undoes it then.
    state: {
      init: () => false,
      apply: (tr, value) => (tr.getMeta(CONVERSION) === true ? true : tr.docChanged || tr.selectionSet ? false : value),
    },
    props: {
      handleTextInput(view, from, to, text, deflt) {
        if (from !== to || view.composing) return false;
        // The rules run against the state before the key, as always; their change is only caught here.
        let converted: Transaction | undefined;
        const dryRun = Object.create(view, { dispatch: { value: (tr: Transaction) => (converted = tr) } }) as EditorView;
        if (inner.props.handleTextInput?.call(inner, dryRun, from, to, text, deflt) !== true || converted === undefined) return false;
        const rule = converted;
        view.dispatch(deflt());
        // The same change, made after the typed key: take the key out again, then the rule's steps.
        const tr = view.state.tr.delete(from, from + text.length);
        if (!tr.doc.eq(rule.before) || !rule.steps.every((step) => !tr.maybeStep(step).failed)) return true;
        // A rule that only lets the key through (a marker typed in a list of its kind) changes nothing more.
        if (tr.doc.eq(view.state.doc)) return true;
        if (rule.selectionSet) tr.setSelection(Selection.fromJSON(tr.doc, rule.selection.toJSON()));
        if (rule.storedMarksSet) tr.setStoredMarks(rule.storedMarks);
        view.dispatch(tr.setMeta(OWN_UNDO_STEP, true).setMeta(CONVERSION, true).scrollIntoView());
        return true;
      },
      handleKeyDown(view, event): boolean {
        if (event.key !== 'Backspace' || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return false;
        if (outer.getState(view.state) !== true) return false;
        return (undoCommand as Command)(view.state, view.dispatch, view);
      },
    },
  });
  // Still installed for what it does besides typed keys: rules run at the end of a composition.
  return [outer, inner];
}

/**
 * The input rules' plugins. The typographic replacements (quotes, dashes) stay part of the typing around
 * them, as a word processor's autocorrect does, else every apostrophe would split a sentence's undo step;
 * Backspace right after one takes it back (ProseMirror's `undoInputRule`).
 */
export function buildInputRules(): Plugin[] {
  const { nodes, marks } = schema;
  return [
    inputRules({ rules: TYPOGRAPHY }),
    keymap({ Backspace: undoReplacement }),
    ...ownStepRules([
      // `---` on an empty line: a horizontal rule (after emDash has made the first two "—").
      ...INLINE_FORMAT_RULES,
      textblockTypeInputRule(/^(#{1,3})\s$/, nodes.heading!, (m) => ({ level: m[1]!.length })),
      headingInListRule,
      wrappingInputRule(/^\s*>\s$/, nodes.blockquote!),
      quoteInListRule,
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
      codeBlockInListRule,
      markRule(/\*\*([^*\s](?:[^*]*[^*\s])?)\*\*$/, marks.strong!),
      markRule(/(?<![*\w])\*([^*\s](?:[^*]*[^*\s])?)\*$/, marks.em!),
      markRule(/(?<![_\w])_([^_\s](?:[^_]*[^_\s])?)_$/, marks.em!),
      markRule(/`([^`]+)`$/, marks.code!),
      linkInputRule,
      typedUrlRule,
    ]),
  ];
}
