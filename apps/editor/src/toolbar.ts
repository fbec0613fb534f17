// The formatting toolbar: buttons for the shared commands, showing which apply to the selection.
// Keyboard: the WAI-ARIA toolbar pattern (one tab stop, arrows, Home/End, Enter/Space).

import type { Command, EditorState } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { blockActive, type CommandName, commands, markActive } from './commands.js';
import { tableButtons } from './formats/tables.js';
import { taskListButton } from './formats/task-list.js';
import { schema } from './schema.js';
import { selectionScope } from './toolbar-scope.js';
import { INLINE_MARK_BUTTONS, INSERT_BUTTONS } from './formats/inline-formats.js';
import { readDomSelection } from './key-selection.js';
import { revealInToolbar } from './toolbar-reveal.js';

/** A toolbar button: one of the shared commands, or a feature's own (`run`). */
export interface ToolbarButton {
  readonly command: CommandName | string;
  /** What the button does, when it is not one of the shared commands. */
  readonly run?: Command;
  /** What the button shows. */
  readonly label: string;
  /** Its accessible name; holds the label when the label is words, so speech users can say what they see. */
  readonly name: string;
  /** The keyboard shortcut, as shown in the tooltip (`aria-keyshortcuts` takes it in its own syntax); none for some. */
  readonly keys?: string;
  /** A toggle: shows, and tells assistive technology, whether it applies to the selection. */
  readonly active?: (state: EditorState) => boolean;
  /** Shown only when this says so (table tools, in a table); a hidden button is out of the arrow keys' way. */
  readonly visible?: (state: EditorState) => boolean;
  /** A tool for what the selection is in (a table, an image): scrolled into view when it appears (toolbar-reveal.ts). */
  readonly contextual?: boolean;
  /**
   * Its command, `active` and `visible` read only the selection and the blocks around it, never a plugin's
   * state: the toolbar checks it against the top-level block around the selection alone (selectionScope),
   * which costs the same in a long document as in a short one.
   */
  readonly local?: boolean;
}

const { marks, nodes } = schema;
const local = (group: readonly ToolbarButton[]): ToolbarButton[] => group.map((button) => ({ ...button, local: true }));

/** The formatting buttons, in their groups; exported for the tests. */
export const GROUPS: ToolbarButton[][] = [
  local([
    { command: 'bold', label: 'B', name: 'Bold', keys: 'Ctrl+B', active: (s) => markActive(s, marks.strong!) },
    { command: 'italic', label: 'I', name: 'Italic', keys: 'Ctrl+I', active: (s) => markActive(s, marks.em!) },
    ...INLINE_MARK_BUTTONS,
    { command: 'code', label: '</>', name: 'Code', keys: 'Ctrl+`', active: (s) => markActive(s, marks.code!) },
    { command: 'link', label: 'Link', name: 'Link', keys: 'Ctrl+K', active: (s) => markActive(s, marks.link!) },
  ]),
  local([
    { command: 'h1', label: 'H1', name: 'H1 heading', keys: 'Ctrl+Alt+1', active: (s) => blockActive(s, nodes.heading!, { level: 1 }) },
    { command: 'h2', label: 'H2', name: 'H2 heading', keys: 'Ctrl+Alt+2', active: (s) => blockActive(s, nodes.heading!, { level: 2 }) },
    { command: 'h3', label: 'H3', name: 'H3 heading', keys: 'Ctrl+Alt+3', active: (s) => blockActive(s, nodes.heading!, { level: 3 }) },
    { command: 'bulletList', label: '•', name: 'Bullet list', keys: 'Ctrl+Shift+8', active: (s) => blockActive(s, nodes.bullet_list!) },
    { command: 'orderedList', label: '1.', name: '1. Numbered list', keys: 'Ctrl+Shift+7', active: (s) => blockActive(s, nodes.ordered_list!) },
    { command: 'blockquote', label: '❝', name: 'Quote', keys: 'Ctrl+>', active: (s) => blockActive(s, nodes.blockquote!) },
    { command: 'codeBlock', label: '{ }', name: 'Code block', keys: 'Ctrl+Shift+\\', active: (s) => blockActive(s, nodes.code_block!) },
  ]),
  local(INSERT_BUTTONS),
  local([taskListButton]),
  local(tableButtons),
  [
    { command: 'undo', label: '↶', name: 'Undo your last change', keys: 'Ctrl+Z' },
    { command: 'redo', label: '↷', name: 'Redo', keys: 'Ctrl+Shift+Z' },
  ],
];

export interface Toolbar {
  readonly element: HTMLElement;
  update(view: EditorView): void;
}

/** Arrow keys move between buttons, wrapping at either end; Home and End jump to the first and last. */
const MOVES: Record<string, (index: number, count: number) => number> = {
  ArrowRight: (i, n) => (i + 1) % n,
  ArrowLeft: (i, n) => (i - 1 + n) % n,
  Home: () => 0,
  End: (_i, n) => n - 1,
};

export const commandOf = (button: ToolbarButton): Command => button.run ?? commands[button.command as CommandName];

/**
 * `extra`: groups of feature buttons after the formatting ones; `formatting: false` leaves the
 * formatting out (someone who may comment but not edit).
 */
export function createToolbar(getView: () => EditorView, extra: readonly ToolbarButton[][] = [], formatting = true): Toolbar {
  const element = document.createElement('div');
  element.className = 'toolbar';
  element.setAttribute('role', 'toolbar');
  element.setAttribute('aria-label', 'Formatting');
  const buttons: Array<[ToolbarButton, HTMLButtonElement]> = [];

  // Roving tabindex: the toolbar is one stop in the tab order, and remembers the button last used.
  const rove = (target: HTMLButtonElement) => {
    for (const [, el] of buttons) el.tabIndex = el === target ? 0 : -1;
  };

  const run = (button: ToolbarButton, el: HTMLButtonElement) => {
    const view = getView();
    // The selection the person sees first, as key commands do (key-selection.ts): a press right after the
    // caret moved can come before the browser's "selectionchange", and acted on the line it had left (seen
    // in CI: the code block button turned the next line into code). Updates the buttons' states too.
    readDomSelection(view);
    // Unavailable buttons stay focusable (aria-disabled, not `disabled`), so they must refuse here.
    if (el.getAttribute('aria-disabled') === 'true') return;
    const before = document.activeElement;
    const applied = commandOf(button)(view.state, view.dispatch, view);
    // Back to the text after an edit, unless the command put focus somewhere of its own (a field).
    const after = document.activeElement;
    if (applied && (after === before || after === document.body || after === null)) view.focus();
  };

  for (const group of [...(formatting ? GROUPS : []), ...extra]) {
    const groupEl = document.createElement('div');
    groupEl.className = 'toolbar-group';
    for (const button of group) {
      const el = document.createElement('button');
      el.type = 'button';
      el.textContent = button.label;
      el.title = button.keys === undefined ? button.name : `${button.name} (${button.keys})`;
      el.setAttribute('aria-label', button.name);
      if (button.keys !== undefined) el.setAttribute('aria-keyshortcuts', button.keys.replace('Ctrl', 'Control'));
      el.dataset.command = button.command;
      el.tabIndex = buttons.length === 0 ? 0 : -1;
      if (button.active !== undefined) el.setAttribute('aria-pressed', 'false');
      // mousedown, not click: keep the editor's selection and focus.
      el.addEventListener('mousedown', (event) => {
        event.preventDefault();
        rove(el);
        run(button, el);
      });
      // A click with no pointer behind it (detail 0): Enter or Space on the focused button, or a
      // screen reader's activation. Pointer clicks were handled on mousedown.
      el.addEventListener('click', (event) => {
        if (event.detail === 0) run(button, el);
      });
      el.addEventListener('focus', () => rove(el));
      groupEl.append(el);
      buttons.push([button, el]);
    }
    element.append(groupEl);
  }

  element.addEventListener('keydown', (event) => {
    const move = MOVES[event.key];
    if (move === undefined || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const shown = buttons.filter(([, el]) => !el.hidden);
    const index = shown.findIndex(([, el]) => el === document.activeElement);
    if (index < 0) return;
    event.preventDefault();
    shown[move(index, shown.length)]![1].focus();
  });

  return {
    element,
    update(view) {
      let scoped: EditorState | undefined;
      const appeared: HTMLButtonElement[] = [];
      const focused = buttons.find(([, el]) => el === document.activeElement)?.[1];
      for (const [button, el] of buttons) {
        const state = button.local === true ? (scoped ??= selectionScope(view.state)) : view.state;
        const active = button.active?.(state) ?? false;
        const enabled = active || commandOf(button)(state, undefined, view);
        const hidden = !(button.visible?.(state) ?? true);
        // Touch the DOM only for a change: most keystrokes change no button.
        if (el.getAttribute('aria-disabled') !== String(!enabled)) el.setAttribute('aria-disabled', String(!enabled));
        if (el.classList.contains('active') !== active) {
          el.classList.toggle('active', active);
          el.setAttribute('aria-pressed', String(active));
        }
        if (el.hidden !== hidden) {
          el.hidden = hidden;
          if (!hidden && button.contextual === true) appeared.push(el);
        }
      }
      revealInToolbar(element, appeared);
      // The toolbar's one tab stop must not be a button just hidden: it moves to the nearest shown button before
      // it (after it, for the first), and focus with it when the hidden button had it (someone else deleted the
      // table whose Add row button had focus, and focus dropped to the page; found by an exploratory review).
      const stop = buttons.findIndex(([, el]) => el.hidden && el.tabIndex === 0);
      if (stop >= 0) {
        const before = buttons.slice(0, stop).reverse().find(([, el]) => !el.hidden);
        const next = (before ?? buttons.slice(stop).find(([, el]) => !el.hidden))?.[1];
        if (next !== undefined) {
          rove(next);
          if (focused === buttons[stop]![1]) next.focus();
        }
      }
    },
  };
}
