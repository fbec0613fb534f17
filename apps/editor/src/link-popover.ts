// The link popover: with the caret in a link it shows the address with Open / Edit / Remove; the link
// command (Ctrl+K, the toolbar's Link button) turns it into a labelled address field. Enter applies, Esc
// cancels, and both return focus to the text. Tab from the text moves into the popover while it shows.

import { normalizeLink } from '@tandem/schema/links';
import { type Command, type EditorState, Plugin, PluginKey, type Selection } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { canLink, linkAt, type LinkTarget, linkTargetOf, openLink, removeLink, setLink } from './links.js';

interface PopoverState {
  readonly editing: boolean;
  /** What the open field applies to, as it was when it opened (see `setLink`). */
  readonly target?: LinkTarget;
}

const key = new PluginKey<PopoverState>('link-popover');

export const LINK_REFUSED_MESSAGE = 'Links can go to web addresses (http, https), email (mailto) or a Tandem document (/d/…).';
const EMPTY_MESSAGE = 'Type an address, such as example.com.';
/** Enter in the field once what it was opened for is gone: someone else changed the text meanwhile. */
const GONE_MESSAGE: Record<LinkTarget, string> = {
  selection: 'Someone else deleted the text this link was for. Nothing was changed; press Esc and select the text again.',
  link: 'Someone else removed this link meanwhile. Nothing was changed; press Esc to go back to the text.',
  caret: 'The text changed meanwhile and the link could not be added here. Nothing was changed; press Esc to go back to the text.',
};

/** Opens the address field for the selection, or for the link at the caret. */
export const openLinkField: Command = (state, dispatch) => {
  if (!canLink(state) && linkAt(state) === null) return false;
  dispatch?.(state.tr.setMeta(key, { editing: true, target: linkTargetOf(state) } satisfies PopoverState));
  return true;
};

const closeField = (state: EditorState) => state.tr.setMeta(key, { editing: false } satisfies PopoverState);

let nextId = 0;

function button(label: string, onPress: () => void): HTMLButtonElement {
  const el = document.createElement('button');
  el.type = 'button';
  el.textContent = label;
  // Keep the editor's focus and selection on a mouse press; the click does the work.
  el.addEventListener('mousedown', (event) => event.preventDefault());
  el.addEventListener('click', onPress);
  return el;
}

class LinkPopoverView {
  readonly dom = document.createElement('div');
  private mode: 'hidden' | 'view' | 'edit' = 'hidden';
  private shownHref = '';
  private destroyed = false;
  /** The selection at which Escape in the text put the popover away; it shows again once the caret moves. */
  private dismissedAt: Selection | null = null;
  // Focus moves between the text, the popover and the rest of the page without a transaction.
  private readonly onFocusChange = () => setTimeout(() => this.destroyed || this.update(), 0);

  constructor(private readonly view: EditorView) {
    this.dom.className = 'link-popover';
    this.dom.dataset.testid = 'link-popover';
    this.dom.hidden = true;
    this.dom.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      this.backToText();
    });
    // DOM order puts the popover right after the text, so Shift+Tab from it goes back there.
    view.dom.after(this.dom);
    view.dom.ownerDocument.addEventListener('focusin', this.onFocusChange);
    view.dom.ownerDocument.addEventListener('focusout', this.onFocusChange);
  }

  /**
   * Escape in the text puts the popover away, as Google Docs closes its link bubble: its buttons, right
   * after the text in the tab order, are then out of the way of the Tab that leaves the editor (Esc then
   * Tab moved into the popover instead; found by a review).
   */
  dismiss(): void {
    this.dismissedAt = this.view.state.selection;
    this.hide();
  }

  /** The popover's first button, when it shows a link (Tab from the text goes there). */
  firstButton(): HTMLButtonElement | null {
    return this.mode === 'view' ? this.dom.querySelector('button') : null;
  }

  update(): void {
    const { state } = this.view;
    if (key.getState(state)?.editing === true) {
      if (this.mode !== 'edit') this.showField();
      this.place(state.selection.from);
      return;
    }
    if (this.dismissedAt !== null && !this.dismissedAt.eq(state.selection)) this.dismissedAt = null;
    const link = state.selection.empty && this.dismissedAt === null ? linkAt(state) : null;
    const focused = this.view.hasFocus() || this.dom.contains(this.view.dom.ownerDocument.activeElement);
    if (link === null || !focused) return this.hide();
    if (this.mode !== 'view' || this.shownHref !== link.href) this.showLink(link.href);
    this.place(link.from);
  }

  destroy(): void {
    this.destroyed = true;
    this.view.dom.ownerDocument.removeEventListener('focusin', this.onFocusChange);
    this.view.dom.ownerDocument.removeEventListener('focusout', this.onFocusChange);
    this.dom.remove();
  }

  private hide(): void {
    // Called on every keystroke away from a link: touch the DOM only when something shows.
    if (this.mode === 'hidden') return;
    const hadFocus = this.dom.contains(this.view.dom.ownerDocument.activeElement);
    this.mode = 'hidden';
    this.dom.hidden = true;
    this.dom.replaceChildren();
    // The link went away under a focused button (someone else removed it): back to the text, where the caret
    // still is, rather than to the page itself (found by an exploratory review).
    if (hadFocus) this.view.focus();
  }

  private backToText(): void {
    if (key.getState(this.view.state)?.editing === true) this.view.dispatch(closeField(this.view.state));
    this.view.focus();
  }

  private showLink(href: string): void {
    this.mode = 'view';
    this.shownHref = href;
    this.dom.hidden = false;
    this.dom.setAttribute('role', 'group');
    this.dom.setAttribute('aria-label', 'Link');
    const address = document.createElement('span');
    address.className = 'link-address';
    address.textContent = href;
    address.title = href;
    const buttons = [button('Open', () => openLink(href))];
    if (this.view.editable) {
      buttons.push(
        button('Edit', () => openLinkField(this.view.state, this.view.dispatch)),
        button('Remove', () => {
          removeLink(this.view.state, this.view.dispatch);
          this.view.focus();
        }),
      );
    }
    // Drawn again under a focused button (someone else changed the address): focus stays on that button.
    const focusedLabel = this.dom.contains(this.view.dom.ownerDocument.activeElement) ? this.view.dom.ownerDocument.activeElement?.textContent : undefined;
    this.dom.replaceChildren(address, ...buttons);
    buttons.find((b) => b.textContent === focusedLabel)?.focus();
  }

  private showField(): void {
    this.mode = 'edit';
    this.dom.hidden = false;
    this.dom.setAttribute('role', 'dialog');
    this.dom.setAttribute('aria-label', 'Edit link');
    const id = `link-field-${++nextId}`;
    const form = document.createElement('form');
    form.className = 'link-form';
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = 'Link address';
    const input = document.createElement('input');
    input.id = id;
    input.type = 'text';
    input.inputMode = 'url';
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.placeholder = 'example.com';
    input.value = linkAt(this.view.state)?.href ?? '';
    const error = document.createElement('p');
    error.className = 'link-error';
    error.id = `${id}-error`;
    const cancel = button('Cancel', () => this.backToText());
    const apply = document.createElement('button');
    apply.type = 'submit';
    apply.textContent = 'Apply';
    form.append(label, input, apply, cancel, error);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const refuse = (message: string, addressWrong = true) => {
        error.setAttribute('role', 'alert');
        error.textContent = message;
        if (addressWrong) input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', error.id);
        input.focus();
      };
      const link = normalizeLink(input.value);
      if (!link.ok) return refuse(link.reason === 'empty' ? EMPTY_MESSAGE : LINK_REFUSED_MESSAGE);
      const target = key.getState(this.view.state)?.target ?? linkTargetOf(this.view.state);
      const applied = setLink(link.href, input.value.trim(), target)(this.view.state, (tr) => this.view.dispatch(tr.setMeta(key, { editing: false })));
      if (!applied) return refuse(GONE_MESSAGE[target], false);
      this.backToText();
    });
    input.addEventListener('input', () => {
      input.removeAttribute('aria-invalid');
      error.textContent = '';
    });
    // Clicking back into the text (or anywhere else) cancels, leaving focus where it went.
    form.addEventListener('focusout', (event) => {
      if (event.relatedTarget instanceof globalThis.Node && this.dom.contains(event.relatedTarget)) return;
      if (key.getState(this.view.state)?.editing === true) this.view.dispatch(closeField(this.view.state));
    });
    this.dom.replaceChildren(form);
    // At once, so that what is typed right after Ctrl+K goes into the field: focused only after the key's event,
    // a fast typist's first letters went into the text, and a paste (Ctrl+K, Ctrl+V) replaced the selected words
    // with the address (found by an exploratory review). And again after the current event: the toolbar gives
    // the editor focus back once its command has run.
    const focusField = () => {
      if (input.isConnected && document.activeElement !== input) {
        input.focus();
        input.select();
      }
    };
    focusField();
    setTimeout(focusField, 0);
  }

  private place(pos: number): void {
    const parent = this.dom.offsetParent ?? this.view.dom.parentElement;
    if (parent === null) return;
    let coords: { left: number; bottom: number };
    try {
      coords = this.view.coordsAtPos(pos);
    } catch {
      return;
    }
    const box = parent.getBoundingClientRect();
    const maxLeft = Math.max(0, box.width - this.dom.offsetWidth - 8);
    this.dom.style.left = `${Math.min(Math.max(0, coords.left - box.left), maxLeft)}px`;
    this.dom.style.top = `${coords.bottom - box.top + 6}px`;
  }
}

/** The popover and its address field, with Tab into the popover and Alt+Enter to open the link at the caret. */
export function linkPopover(): Plugin {
  let popover: LinkPopoverView | null = null;
  return new Plugin<PopoverState>({
    key,
    state: {
      init: () => ({ editing: false }),
      apply: (tr, value) => (tr.getMeta(key) as PopoverState | undefined) ?? value,
    },
    view(view) {
      popover = new LinkPopoverView(view);
      return { update: () => popover?.update(), destroy: () => popover?.destroy() };
    },
    props: {
      handleKeyDown(view, event) {
        if (event.key === 'Tab' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
          const first = popover?.firstButton();
          if (first == null) return false;
          // In a list item or a table cell Tab indents or moves on: there the popover takes it only from
          // inside the link, not at either end of it (the caret at the start of an item that begins with
          // a link is where Tab indents; found by a review).
          const { $from } = view.state.selection;
          const link = linkAt(view.state);
          let structural = false;
          for (let d = $from.depth; d > 0; d--) if (['list_item', 'task_item', 'table_cell', 'table_header'].includes($from.node(d).type.name)) structural = true;
          if (structural && (link === null || $from.pos <= link.from || $from.pos >= link.to)) return false;
          first.focus();
          return true;
        }
        if (event.key === 'Escape' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
          // Not consumed: Escape then Tab leaves the editor (tab-key.ts), and others may listen for it too.
          if (key.getState(view.state)?.editing !== true) popover?.dismiss();
          return false;
        }
        if (event.key === 'Enter' && event.altKey) {
          const link = view.state.selection.empty ? linkAt(view.state) : null;
          if (link === null) return false;
          openLink(link.href);
          return true;
        }
        return false;
      },
    },
  });
}
