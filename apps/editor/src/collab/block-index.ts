// Which top-level Yjs element mirrors a ProseMirror block: y-prosemirror's mapping (Yjs type →
// ProseMirror node) read backwards, kept up to date as the binding changes the mapping.
//
// Finding a block's Yjs element by its index means stepping through every block before it (an
// XmlFragment keeps no search markers), and that ran several times per keystroke. The mapping already
// pairs each element with its node; this index answers "node → element" in one look-up. It is installed
// on a mapping the first time it is asked (one pass over the mapping) and follows it from then on by
// wrapping that Map's set, delete and clear.

import type { Node } from 'prosemirror-model';
import type * as Y from 'yjs';
import type { Mapping, YType } from './relative-position.js';

/** Two live elements mirror the same node object (ProseMirror shares unchanged nodes): ask by index instead. */
const AMBIGUOUS = Symbol('ambiguous');
type Entry = YType | typeof AMBIGUOUS;

const indexes = new WeakMap<Mapping, WeakMap<Node, Entry>>();

function note(index: WeakMap<Node, Entry>, mapping: Mapping, type: YType, node: Node): void {
  const had = index.get(node);
  if (had === AMBIGUOUS || had === type) return;
  if (had !== undefined && Map.prototype.get.call(mapping, had) === node) index.set(node, AMBIGUOUS);
  else index.set(node, type);
}

function install(mapping: Mapping): WeakMap<Node, Entry> {
  let index = new WeakMap<Node, Entry>();
  for (const [type, node] of mapping) if (!Array.isArray(node)) note(index, mapping, type, node);
  const { set, delete: remove, clear } = Map.prototype;
  // Own properties on this one Map: y-prosemirror calls `binding.mapping.set(…)` and friends.
  Object.assign(mapping, {
    set(type: YType, node: Node | Node[]) {
      if (!Array.isArray(node)) note(index, mapping, type, node);
      return set.call(mapping, type, node);
    },
    delete(type: YType) {
      const node = Map.prototype.get.call(mapping, type) as Node | Node[] | undefined;
      if (node !== undefined && !Array.isArray(node) && index.get(node) === type) index.delete(node);
      return remove.call(mapping, type);
    },
    clear() {
      index = new WeakMap();
      indexes.set(mapping, index);
      clear.call(mapping);
    },
  });
  indexes.set(mapping, index);
  return index;
}

/**
 * The live top-level element of `type` that `mapping` pairs with `node`, or undefined when there is no
 * single such element (the node is not mirrored yet, or mirrored twice).
 */
export function elementOf(type: Y.XmlFragment, mapping: Mapping, node: Node): YType | undefined {
  const found = (indexes.get(mapping) ?? install(mapping)).get(node);
  if (found === undefined || found === AMBIGUOUS) return undefined;
  const item = found._item;
  if (item === null || item.deleted || item.parent !== type || mapping.get(found) !== node) return undefined;
  return found;
}
