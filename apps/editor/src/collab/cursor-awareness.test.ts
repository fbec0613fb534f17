import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { remoteChangesOnly } from './cursor-awareness.js';

describe('remoteChangesOnly', () => {
  it("tells of someone else's change, not of our own caret moving", () => {
    const ours = new Awareness(new Y.Doc());
    const theirs = new Awareness(new Y.Doc());
    const seen: number[][] = [];
    const listener = ({ added, updated }: { added: number[]; updated: number[] }) => seen.push([...added, ...updated]);
    const view = remoteChangesOnly(ours);
    view.on('change', listener);

    ours.setLocalStateField('cursor', { anchor: 1, head: 1 });
    ours.setLocalStateField('cursor', { anchor: 2, head: 2 });
    expect(seen).toEqual([]);

    theirs.setLocalStateField('user', { name: 'Bob' });
    applyAwarenessUpdate(ours, encodeAwarenessUpdate(theirs, [theirs.clientID]), 'remote');
    expect(seen).toEqual([[theirs.clientID]]);
    // The rest of the awareness reads through.
    expect(view.getStates()).toBe(ours.getStates());
    expect(view.getLocalState()).toEqual({ cursor: { anchor: 2, head: 2 } });

    view.off('change', listener);
    theirs.setLocalStateField('user', { name: 'Robert' });
    applyAwarenessUpdate(ours, encodeAwarenessUpdate(theirs, [theirs.clientID]), 'remote');
    expect(seen).toHaveLength(1);
  });
});
