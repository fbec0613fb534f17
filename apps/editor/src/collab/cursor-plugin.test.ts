import { EditorState, TextSelection } from 'prosemirror-state';
import { absolutePositionToRelativePosition, updateYFragment, ySyncPlugin, ySyncPluginKey } from 'y-prosemirror';
import { Awareness } from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import { poisonFirstStep } from './poison-first-step.js';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { publishCursor } from './cursor-plugin.js';
import type { Mapping } from './relative-position.js';

const { nodes } = schema;

/** A long document in an editor state bound to Yjs as the editor binds it (the mapping filled). */
function editor() {
  const ydoc = new Y.Doc();
  const type = ydoc.getXmlFragment('prosemirror');
  const doc = nodes.doc!.create(null, Array.from({ length: 200 }, (_, i) => nodes.paragraph!.create(null, [schema.text(`paragraph ${i}`)])));
  const state = EditorState.create({ schema, doc, plugins: [ySyncPlugin(type)] });
  const binding = (ySyncPluginKey.getState(state) as { binding: Parameters<typeof updateYFragment>[3] }).binding;
  updateYFragment(ydoc, type, doc, binding);
  return { ydoc, type, state, mapping: binding.mapping as Mapping, awareness: new Awareness(ydoc) };
}

describe('publishCursor', () => {
  it('publishes the caret as y-prosemirror does, without walking from the first block', () => {
    const { type, state, mapping, awareness } = editor();
    const at = state.doc.content.size - 4;
    const expected = Y.relativePositionToJSON(absolutePositionToRelativePosition(at, type, mapping));
    const heal = poisonFirstStep(type);
    publishCursor(state.apply(state.tr.setSelection(TextSelection.create(state.doc, at))), awareness, true);
    heal();
    const { cursor } = awareness.getLocalState() as { cursor: { anchor: Y.RelativePosition; head: Y.RelativePosition } };
    expect(Y.relativePositionToJSON(cursor.anchor)).toEqual(expected);
    expect(Y.relativePositionToJSON(cursor.head)).toEqual(expected);
  });

  it('withdraws the caret when the editor loses focus, and publishes nothing new for the same caret', () => {
    const { state, awareness } = editor();
    let changes = 0;
    awareness.on('change', () => changes++);
    publishCursor(state, awareness, true);
    publishCursor(state, awareness, true);
    expect(changes).toBe(1);
    publishCursor(state, awareness, false);
    expect((awareness.getLocalState() as { cursor: unknown }).cursor).toBeNull();
  });
});
