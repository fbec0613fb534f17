import { type Node } from 'prosemirror-model';
import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { clearFormatting } from './clear-formatting.js';
import { run } from './test-states.js';

const { marks } = schema;
const para = (...nodes: Node[]) => schema.nodes.paragraph!.create(null, nodes);
const selecting = (paragraph: Node, from: number, to: number) => {
  const doc = schema.nodes.doc!.create(null, [paragraph]);
  return EditorState.create({ schema, doc, selection: TextSelection.create(doc, 1 + from, 1 + to) });
};
const runs = (state: EditorState) => {
  const out: string[] = [];
  state.doc.firstChild!.forEach((n) => out.push(`${n.text}:${n.marks.map((m) => m.type.name).join(',')}`));
  return out;
};
const all = [marks.strong!.create(), marks.em!.create(), marks.underline!.create(), marks.strikethrough!.create()];

describe('clearFormatting', () => {
  it('takes every format but the link off the selection', () => {
    const link = marks.link!.create({ href: 'https://example.com' });
    const { ok, next } = run(selecting(para(schema.text('bold ', all), schema.text('link', [link, ...all]), schema.text(' code', [marks.code!.create()])), 0, 14), clearFormatting);
    expect(ok).toBe(true);
    expect(runs(next)).toEqual(['bold :', 'link:link', ' code:']);
  });

  it('does nothing over plain text', () => {
    expect(run(selecting(para(schema.text('plain')), 0, 5), clearFormatting).ok).toBe(false);
  });

  it('at a caret in formatted text, makes what is typed next plain', () => {
    const { ok, next } = run(selecting(para(schema.text('bold', all)), 4, 4), clearFormatting);
    expect(ok).toBe(true);
    expect(next.storedMarks).toEqual([]);
  });
});
