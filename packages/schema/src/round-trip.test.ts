// Markdown → document → Markdown over a fixture holding every node and mark of the schema, and the same
// document through HTML: what an import makes is what an export gives back, with nothing dropped.

import { readFileSync } from 'node:fs';
import type { Node } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { fromHtml, fromMarkdown, fromProseMirrorJson } from './import.js';
import { toHtmlFragment, toMarkdown } from './export.js';
import { schema } from './schema.js';

const FIXTURE = readFileSync(new URL('./fixtures/every-node.md', import.meta.url), 'utf8');

function typesIn(doc: Node): { nodes: Set<string>; marks: Set<string> } {
  const nodes = new Set<string>([doc.type.name]);
  const marks = new Set<string>();
  doc.descendants((node) => {
    nodes.add(node.type.name);
    for (const mark of node.marks) marks.add(mark.type.name);
  });
  return { nodes, marks };
}

describe('the Markdown round trip', () => {
  const doc = fromMarkdown(FIXTURE);

  it('has a fixture that holds every node and mark of the schema (a new one must be added to it)', () => {
    const { nodes, marks } = typesIn(doc);
    expect([...nodes].sort()).toEqual(Object.keys(schema.nodes).sort());
    expect([...marks].sort()).toEqual(Object.keys(schema.marks).sort());
  });

  it('gives back the same Markdown, byte for byte', () => {
    expect(toMarkdown(doc)).toBe(FIXTURE);
  });

  it('keeps the document through HTML and ProseMirror JSON as well', () => {
    expect(fromHtml(toHtmlFragment(doc)).eq(doc)).toBe(true);
    expect(fromProseMirrorJson(doc.toJSON()).eq(doc)).toBe(true);
  });

  it('reads tight lists, underscores and setext headings as the same nodes (what people write by hand)', () => {
    const byHand = fromMarkdown('One\n===\n\n- _a_\n- __b__\n');
    expect(toMarkdown(byHand)).toBe('# One\n\n* *a*\n\n* **b**');
  });
});
