// Find and replace, assembled: the plugin, the bar, and the keys that open it (Ctrl/Cmd+F; Ctrl+H
// or Cmd+Alt+F for replace). The page mounts the bar and listens; the editor takes the plugin.

import type { Plugin } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { createFindBar, type FindBar } from './find-bar.js';
import { closeSearch, findPlugin, goToMatch, replaceAll, replaceCurrent, setSearch } from './find-plugin.js';

export interface FindOptions {
  readonly getView: () => EditorView;
  /** An editor: replace is offered. Viewers and commenters find only. */
  readonly canReplace: boolean;
}

export interface Find {
  readonly plugin: Plugin;
  readonly bar: FindBar;
  /**
   * Takes Ctrl/Cmd+F (and the replace keys) from the browser while focus is in `page` (or nowhere,
   * as when someone reads a document they cannot edit), and while `page` is shown.
   */
  listen(page: HTMLElement): void;
}

/** The selection as the first query: short text within one block. */
function selectedText(view: EditorView): string | undefined {
  const { from, to, $from } = view.state.selection;
  if (from === to || to - from > 200 || !$from.sameParent(view.state.doc.resolve(to))) return undefined;
  return view.state.doc.textBetween(from, to);
}

const mac = typeof navigator !== 'undefined' && /Mac|iP(hone|[oa]d)/.test(navigator.platform);

export function createFind({ getView, canReplace }: FindOptions): Find {
  const bar = createFindBar(canReplace, {
    search: (query) => setSearch(getView(), query),
    next: () => goToMatch(getView(), 1),
    previous: () => goToMatch(getView(), -1),
    replace: (text) => replaceCurrent(getView(), text),
    replaceAll: (text) => {
      const n = replaceAll(getView(), text);
      bar.say(n === 1 ? 'Replaced 1 match' : `Replaced ${n} matches`);
    },
    close: () => {
      const view = getView();
      bar.hide();
      closeSearch(view);
      returnFocus(view);
    },
  });
  const plugin = findPlugin({ readOnly: !canReplace, onChange: (state) => bar.show(state) });
  return {
    plugin,
    bar,
    listen(page) {
      page.ownerDocument.addEventListener('keydown', (event) => {
        const target = event.target;
        if (!(target instanceof Node) || !(target === page.ownerDocument.body || page.contains(target))) return;
        const mod = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
        const find = mod && !event.altKey && !event.shiftKey && event.code === 'KeyF';
        const replace = canReplace && (mac ? mod && event.altKey && !event.shiftKey && event.code === 'KeyF' : mod && !event.altKey && !event.shiftKey && event.code === 'KeyH');
        if (!find && !replace) return;
        // The bar's place is hidden (the history view is open): the browser's own find is the one that helps.
        if (bar.element.parentElement?.closest('[hidden]') != null) return;
        event.preventDefault();
        const text = bar.element.contains(target) ? undefined : selectedText(getView());
        bar.open({ replace, ...(text === undefined ? {} : { text }) });
      });
    },
  };
}

/** Back to the document, with the current match selected (read-only documents too). */
function returnFocus(view: EditorView): void {
  if (view.editable) {
    view.focus();
    return;
  }
  view.dom.focus({ preventScroll: true });
  // ProseMirror does not draw its selection into a document that cannot be edited: do it here, so
  // the reader's place (and Shift+arrows, copy) starts at the match.
  const { from, to } = view.state.selection;
  const a = view.domAtPos(from);
  const b = view.domAtPos(to);
  getSelection()?.setBaseAndExtent(a.node, a.offset, b.node, b.offset);
}
