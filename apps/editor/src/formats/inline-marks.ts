// Underline and strikethrough in the editor: their commands, keys (Ctrl/Cmd+U, and Ctrl/Cmd+Shift+X as
// in Google Docs on a Mac, Slack and Notion) and toolbar buttons.

import { keymap } from 'prosemirror-keymap';
import type { Plugin } from 'prosemirror-state';
import { markActive } from '../commands.js';
import { schema } from '../schema.js';
import { clearFormatting } from './clear-formatting.js';
import { toggleFormat } from './mark-toggle.js';
import type { ToolbarButton } from '../toolbar.js';

const underline = schema.marks.underline!;
const strikethrough = schema.marks.strikethrough!;

export const toggleUnderline = toggleFormat(underline);
export const toggleStrikethrough = toggleFormat(strikethrough);

/**
 * Ctrl/Cmd+U; strikethrough on Ctrl/Cmd+Shift+X (Google Docs' key on a Mac) and, elsewhere, Alt+Shift+5 (its key
 * on Windows, Linux and ChromeOS; on a Mac, Option+Shift+5 types a character); clear formatting on Ctrl/Cmd+\.
 */
export function inlineMarkKeymap(): Plugin {
  const mac = typeof navigator !== 'undefined' && /Mac|iP(hone|[oa]d)/.test(navigator.platform);
  return keymap({
    'Mod-u': toggleUnderline,
    'Mod-Shift-x': toggleStrikethrough,
    ...(mac ? {} : { 'Alt-Shift-5': toggleStrikethrough }),
    'Mod-\\': clearFormatting,
  });
}

export const INLINE_MARK_BUTTONS: readonly ToolbarButton[] = [
  { command: 'underline', run: toggleUnderline, label: 'U', name: 'Underline', keys: 'Ctrl+U', active: (s) => markActive(s, underline) },
  { command: 'strikethrough', run: toggleStrikethrough, label: 'S', name: 'Strikethrough', keys: 'Ctrl+Shift+X', active: (s) => markActive(s, strikethrough) },
];
