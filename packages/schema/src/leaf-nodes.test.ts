import { describe, expect, it } from 'vitest';
import { LEAF_NODES } from './leaf-nodes.js';
import { schema } from './schema.js';

describe('LEAF_NODES', () => {
  it("names exactly the schema's leaf nodes other than text", () => {
    const leaves = Object.values(schema.nodes).filter((node) => node.isLeaf && !node.isText).map((node) => node.name);
    expect([...LEAF_NODES].sort()).toEqual(leaves.sort());
  });
});
