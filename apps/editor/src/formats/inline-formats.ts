// The editor's side of the inline formats (underline, strikethrough, horizontal rules, images by address,
// the placeholder and the word count), assembled for editor.ts, input-rules.ts, toolbar.ts and the page.

import type { InputRule } from 'prosemirror-inputrules';
import type { Plugin } from 'prosemirror-state';
import type { ToolbarButton } from '../toolbar.js';
import { HORIZONTAL_RULE_BUTTON, horizontalRuleInputRule } from './horizontal-rule.js';
import { IMAGE_ALT_BUTTON, imageAltKeymap } from './image-alt.js';
import { IMAGE_BUTTON } from './image-dialog.js';
import { INLINE_MARK_BUTTONS, inlineMarkKeymap } from './inline-marks.js';
import { placeholderPlugin } from './placeholder.js';

export { createWordCount } from './word-count.js';
export { INLINE_MARK_BUTTONS };

/** Keys, and the placeholder where the document can be written in. */
export const inlineFormatPlugins = (editable: boolean): Plugin[] => [inlineMarkKeymap(), imageAltKeymap(), ...(editable ? [placeholderPlugin()] : [])];

/** Typed shortcuts, for the editor's one input-rules plugin. */
export const INLINE_FORMAT_RULES: readonly InputRule[] = [horizontalRuleInputRule];

/** The toolbar's group of things to insert (and an image's description, shown with an image selected). */
export const INSERT_BUTTONS: readonly ToolbarButton[] = [HORIZONTAL_RULE_BUTTON, IMAGE_BUTTON, IMAGE_ALT_BUTTON];
