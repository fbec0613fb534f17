// Remote cursors: y-prosemirror's cursor plugin, redrawn only when someone else's state changed
// (cursor-awareness.ts), and publishing our own caret with positions found from the block that holds
// it (relative-position.ts).
//
// Upstream, the plugin's view update turns the selection into Yjs positions on every transaction by
// walking from the document's first block, twice: with the caret at the end of a long document, the
// largest part of a keystroke's script time. The update below is upstream's `updateCursorInfo`
// (src/plugins/cursor-plugin.js, MIT) with that computation swapped; its focus listeners stay.

import { type EditorState, type Plugin, Plugin as PmPlugin, type PluginSpec } from 'prosemirror-state';
import { DecorationSet } from 'prosemirror-view';
import { relativePositionToAbsolutePosition, yCursorPlugin, yCursorPluginKey, ySyncPluginKey } from 'y-prosemirror';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CaretOverlay, withoutCarets } from './caret-overlay.js';
import { remoteChangesOnly } from './cursor-awareness.js';
import { firstChangeBetween } from './narrow-sync.js';
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

/**
 * y-prosemirror's cursor plugin, with its carets drawn over the text (caret-overlay.ts) and a second plugin
 * drawing its selections: the same inline decorations, mapped through each change as upstream maps its own
 * (a set made anew on each change, as filtering upstream's would be, cost 0.4 ms a key at 2 000 paragraphs:
 * the view compares it block by block). Goes in this order, the second after the first.
 */
export function cursorPlugin(awareness: Awareness, options: CursorOptions): [Plugin, Plugin] {
  const plugin = yCursorPlugin(remoteChangesOnly(awareness), options);
  const spec = plugin.spec as { view: NonNullable<PluginSpec<unknown>['view']> };
  const upstream = spec.view;
  // Upstream's decorations (carets and selections) are not drawn; its state still holds them for the two
  // below. (Props are copied from the spec as the plugin is made: replaced on the plugin.)
  (plugin.props as { decorations: () => DecorationSet }).decorations = () => DecorationSet.empty;
  // Plugin views are made from the spec when the EditorView is created, so replacing it here is what runs.
  spec.view = (view) => {
    const own = upstream(view);
    const overlay = new CaretOverlay(view);
    // The plugin remakes its decorations when someone's caret moves (a transaction with its meta): the
    // overlay follows every update.
    return {
      update: (v, prev) => {
        publishCursor(v.state, awareness, v.hasFocus());
        overlay.schedule(prev.doc === v.state.doc ? Number.POSITIVE_INFINITY : (firstChangeBetween(prev.doc, v.state.doc) ?? 0));
      },
      destroy: () => {
        own.destroy?.();
        overlay.destroy();
      },
    };
  };
  const all = (state: EditorState) => (yCursorPluginKey.getState(state) as DecorationSet | undefined) ?? DecorationSet.empty;
  const selections = new PmPlugin<DecorationSet>({
    state: {
      init: (_, state) => withoutCarets(all(state)),
      apply(tr, previous, _old, state) {
        // Upstream made its set anew (the same condition as its own): so does this one; else mapped, as it is.
        const remade = (ySyncPluginKey.getState(state) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin === true || (tr.getMeta(yCursorPluginKey) as { awarenessUpdated?: boolean } | undefined)?.awarenessUpdated === true;
        return remade ? withoutCarets(all(state)) : previous.map(tr.mapping, tr.doc);
      },
    },
    props: {
      decorations(state) {
        return this.getState(state);
      },
    },
  });
  return [plugin, selections];
}
