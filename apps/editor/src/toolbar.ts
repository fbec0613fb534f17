// The formatting toolbar: buttons for the shared commands, showing which apply to the selection.

import type { EditorView } from 'prosemirror-view';
import { blockActive, type CommandName, commands, markActive } from './commands.js';
import { schema } from './schema.js';
import type { EditorState } from 'prosemirror-state';

interface Button {
  readonly command: CommandName;
  readonly label: string;
  readonly title: string;
  readonly active?: (state: EditorState) => boolean;
}

const { marks, nodes } = schema;
const GROUPS: Button[][] = [
  [
    { command: 'bold', label: 'B', title: 'Bold (Ctrl+B)', active: (s) => markActive(s, marks.strong!) },
    { command: 'italic', label: 'I', title: 'Italic (Ctrl+I)', active: (s) => markActive(s, marks.em!) },
    { command: 'code', label: '</>', title: 'Code (Ctrl+`)', active: (s) => markActive(s, marks.code!) },
    { command: 'link', label: 'Link', title: 'Link (Ctrl+K)', active: (s) => markActive(s, marks.link!) },
  ],
  [
    { command: 'h1', label: 'H1', title: 'Heading 1 (Ctrl+Shift+1)', active: (s) => blockActive(s, nodes.heading!, { level: 1 }) },
    { command: 'h2', label: 'H2', title: 'Heading 2 (Ctrl+Shift+2)', active: (s) => blockActive(s, nodes.heading!, { level: 2 }) },
    { command: 'h3', label: 'H3', title: 'Heading 3 (Ctrl+Shift+3)', active: (s) => blockActive(s, nodes.heading!, { level: 3 }) },
    { command: 'bulletList', label: '•', title: 'Bullet list (Ctrl+Shift+8)', active: (s) => blockActive(s, nodes.bullet_list!) },
    { command: 'orderedList', label: '1.', title: 'Numbered list (Ctrl+Shift+9)', active: (s) => blockActive(s, nodes.ordered_list!) },
    { command: 'blockquote', label: '❝', title: 'Quote (Ctrl+>)', active: (s) => blockActive(s, nodes.blockquote!) },
    { command: 'codeBlock', label: '{ }', title: 'Code block (Ctrl+Shift+\\)', active: (s) => blockActive(s, nodes.code_block!) },
  ],
  [
    { command: 'undo', label: '↶', title: 'Undo your last change (Ctrl+Z)' },
    { command: 'redo', label: '↷', title: 'Redo (Ctrl+Shift+Z)' },
  ],
];

export interface Toolbar {
  readonly element: HTMLElement;
  update(view: EditorView): void;
}

export function createToolbar(getView: () => EditorView): Toolbar {
  const element = document.createElement('div');
  element.className = 'toolbar';
  element.setAttribute('role', 'toolbar');
  element.setAttribute('aria-label', 'Formatting');
  const buttons: Array<[Button, HTMLButtonElement]> = [];
  for (const group of GROUPS) {
    const groupEl = document.createElement('div');
    groupEl.className = 'toolbar-group';
    for (const button of group) {
      const el = document.createElement('button');
      el.type = 'button';
      el.textContent = button.label;
      el.title = button.title;
      el.setAttribute('aria-label', button.title.replace(/ \(.*\)$/, ''));
      el.dataset.command = button.command;
      // mousedown, not click: keep the editor's selection and focus.
      el.addEventListener('mousedown', (event) => {
        event.preventDefault();
        const view = getView();
        commands[button.command](view.state, view.dispatch, view);
        view.focus();
      });
      groupEl.append(el);
      buttons.push([button, el]);
    }
    element.append(groupEl);
  }
  return {
    element,
    update(view) {
      for (const [button, el] of buttons) {
        const enabled = commands[button.command](view.state, undefined, view);
        el.disabled = !enabled && button.active?.(view.state) !== true;
        const active = button.active?.(view.state) ?? false;
        el.classList.toggle('active', active);
        el.setAttribute('aria-pressed', String(active));
      }
    },
  };
}
