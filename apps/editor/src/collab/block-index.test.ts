import { updateYFragment } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { elementOf } from './block-index.js';
import type { Mapping } from './relative-position.js';

const { nodes } = schema;
const p = (text: string) => nodes.paragraph!.create(null, [schema.text(text)]);

function bind(blocks: ReturnType<typeof p>[]) {
  const ydoc = new Y.Doc();
  const type = ydoc.getXmlFragment('prosemirror');
  const meta = { mapping: new Map() as Mapping, isOMark: new Map() };
  updateYFragment(ydoc, type, nodes.doc!.create(null, blocks), meta);
  return { ydoc, type, meta };
}

describe('elementOf', () => {
  it('finds the element mirroring a block, and follows the mapping as the binding changes it', () => {
    const [a, b, c] = [p('a'), p('b'), p('c')];
    const { ydoc, type, meta } = bind([a, b, c]);
    expect(elementOf(type, meta.mapping, b)).toBe(type.get(1));
    // The binding updates block b: the new node is found, the old one no longer.
    const b2 = p('b2');
    updateYFragment(ydoc, type, nodes.doc!.create(null, [a, b2, c]), meta);
    expect(elementOf(type, meta.mapping, b2)).toBe(type.get(1));
    expect(elementOf(type, meta.mapping, b)).toBeUndefined();
    // A deleted element is not a block any more, even while the mapping still holds it.
    const last = type.get(2);
    type.delete(2, 1);
    expect(meta.mapping.get(last)).toBe(c);
    expect(elementOf(type, meta.mapping, c)).toBeUndefined();
    meta.mapping.clear();
    expect(elementOf(type, meta.mapping, a)).toBeUndefined();
  });

  it('gives no answer for a node object that two elements mirror', () => {
    const shared = p('same');
    const { type, meta } = bind([p('a'), shared, shared]);
    expect(meta.mapping.get(type.get(1))).toBe(shared);
    expect(meta.mapping.get(type.get(2))).toBe(shared);
    expect(elementOf(type, meta.mapping, shared)).toBeUndefined();
  });
});
