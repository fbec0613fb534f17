// Remote cursors: y-prosemirror's cursor plugin, redrawn only when someone else's state changed
// (cursor-awareness.ts), and publishing our own caret with positions found from the block that holds
// it (relative-position.ts).
//
// Upstream, the plugin's view update turns the selection into Yjs positions on every transaction by
// walking from the document's first block, twice: with the caret at the end of a long document, the
// largest part of a keystroke's script time. The update below is upstream's `updateCursorInfo`
// (src/plugins/cursor-plugin.js, MIT) with that computation swapped; its focus listeners stay.

import type { EditorState, Plugin, PluginSpec } from 'prosemirror-state';
import type { DecorationSet } from 'prosemirror-view';
import { relativePositionToAbsolutePosition, yCursorPlugin, ySyncPluginKey } from 'y-prosemirror';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CaretOverlay, withoutCarets } from './caret-overlay.js';
import { remoteChangesOnly } from './cursor-awareness.js';
import { type Mapping, relativeSelection } from './relative-position.js';

type CursorOptions = NonNullable<Parameters<typeof yCursorPlugin>[1]>;

interface SyncState {
  readonly doc: Y.Doc;
  readonly type: Y.XmlFragment;
  readonly binding: { readonly mapping: Mapping } | null;
}

interface Published {
  readonly anchor: unknown;
  readonly head: unknown;
}

/** Publishes the caret of `state` in `awareness` (`cursor`), or withdraws it when the editor is not focused. */
export function publishCursor(state: EditorState, awareness: Awareness, focused: boolean): void {
  const sync = ySyncPluginKey.getState(state) as SyncState | undefined;
  if (sync?.binding == null) return;
  const current = (awareness.getLocalState() ?? {}) as { cursor?: Published | null };
  if (focused) {
    const { anchor, head } = relativeSelection(state, sync.type, sync.binding.mapping);
    const same = (published: unknown, position: Y.RelativePosition) =>
      Y.compareRelativePositions(Y.createRelativePositionFromJSON(published), position);
    if (current.cursor == null || !same(current.cursor.anchor, anchor) || !same(current.cursor.head, head)) {
      awareness.setLocalStateField('cursor', { anchor, head });
    }
  } else if (
    current.cursor != null &&
    relativePositionToAbsolutePosition(sync.doc, sync.type, Y.createRelativePositionFromJSON(current.cursor.anchor), sync.binding.mapping) !== null
  ) {
    // Withdrawn only if this editor published it (upstream's check).
    awareness.setLocalStateField('cursor', null);
  }
}

export function cursorPlugin(awareness: Awareness, options: CursorOptions): Plugin {
  const plugin = yCursorPlugin(remoteChangesOnly(awareness), options);
  const spec = plugin.spec as { view: NonNullable<PluginSpec<unknown>['view']> };
  const upstream = spec.view;
  // The carets are drawn over the text, not in it (caret-overlay.ts): the plugin's decorations keep the
  // selections only. (Props are copied from the spec as the plugin is made: replaced on the plugin.)
  const props = plugin.props as { decorations: (state: EditorState) => DecorationSet | undefined };
  const decorations = props.decorations;
  const inlineOnly = withoutCarets();
  props.decorations = (state) => {
    const set = decorations(state);
    return set === undefined ? set : inlineOnly(set);
  };
  // Plugin views are made from the spec when the EditorView is created, so replacing it here is what runs.
  spec.view = (view) => {
    const own = upstream(view);
    const overlay = new CaretOverlay(view);
    // The plugin redraws its decorations when someone's caret moves (a transaction with its meta): the
    // overlay follows every update.
    return {
      update: (v) => {
        publishCursor(v.state, awareness, v.hasFocus());
        overlay.schedule();
      },
      destroy: () => {
        own.destroy?.();
        overlay.destroy();
      },
    };
  };
  return plugin;
}
