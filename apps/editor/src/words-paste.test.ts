import { Fragment, Slice } from 'prosemirror-model';
import { Transform } from 'prosemirror-transform';
import { describe, expect, it } from 'vitest';
import { schema } from './schema.js';
import { endClosedBeforeLine, wordsOf } from './words-paste.js';

const { heading, paragraph, bullet_list, list_item } = schema.nodes as Record<string, import('prosemirror-model').NodeType>;
const text = (t: string) => schema.text(t);

describe('wordsOf', () => {
  it('is the text of one textblock open down to it at both ends, however deep', () => {
    expect(wordsOf(new Slice(Fragment.from(heading!.create({ level: 2 }, text('Plan'))), 1, 1))?.textBetween(0, 4)).toBe('Plan');
    const item = bullet_list!.create(null, list_item!.create(null, paragraph!.create(null, text('item'))));
    expect(wordsOf(new Slice(Fragment.from(item), 3, 3))?.textBetween(0, 4)).toBe('item');
  });

  it('is nothing for a slice with a line end, more than one block, or a closed block', () => {
    const h = heading!.create({ level: 2 }, text('Plan'));
    const p = paragraph!.create(null, text('text'));
    const from = (...nodes: import('prosemirror-model').Node[]) => Fragment.from(nodes);
    expect(wordsOf(new Slice(from(h), 1, 0))).toBeUndefined();
    expect(wordsOf(new Slice(from(h, p), 1, 1))).toBeUndefined();
    expect(wordsOf(new Slice(from(h), 0, 0))).toBeUndefined();
    const item = bullet_list!.create(null, list_item!.create(null, paragraph!.create(null, text('item'))));
    expect(wordsOf(new Slice(from(item), 2, 2))).toBeUndefined();
  });
});

describe('endClosedBeforeLine: several lines pasted before the rest of a line of another kind', () => {
  const { code_block, blockquote } = schema.nodes as Record<string, import('prosemirror-model').NodeType>;
  const p = (t: string) => paragraph!.create(null, text(t));
  const doc = (...blocks: import('prosemirror-model').Node[]) => schema.node('doc', null, blocks);
  /** The document `start` with `slice` pasted at `at` (as the editor's paste replaces the selection), as lines "kind:text". */
  const pasted = (start: import('prosemirror-model').Node, at: number, slice: Slice) => {
    const out: string[] = [];
    new Transform(start).replace(at, at, endClosedBeforeLine(slice, start.resolve(at))).doc.descendants((n, _pos, parent) => {
      if (!n.isTextblock) return true;
      out.push(`${parent!.type.name === 'doc' ? '' : `${parent!.type.name}>`}${n.type.name}:${n.textContent}`);
      return false;
    });
    return out;
  };
  const mine = doc(p('Intro'), p('My own sentence.'));
  const start = 8; // the start of "My own sentence."

  it('a paragraph and a code block at the start of a paragraph: the code block ends, the paragraph stays one', () => {
    const slice = new Slice(Fragment.from([p('Intro line'), code_block!.create(null, text('let x = 1;'))]), 1, 1);
    expect(pasted(mine, start, slice)).toEqual(['paragraph:Intro', 'paragraph:Intro line', 'code_block:let x = 1;', 'paragraph:My own sentence.']);
  });

  it('a heading, a quote, a list item: the same', () => {
    for (const last of [heading!.create({ level: 2 }, text('Section')), blockquote!.create(null, p('Wise words')), bullet_list!.create(null, list_item!.create(null, p('point')))]) {
      const slice = new Slice(Fragment.from([p('Intro line'), last]), 1, last.type === heading ? 1 : last.type === blockquote ? 2 : 3);
      const result = pasted(mine, start, slice);
      expect(result.at(-1), last.type.name).toBe('paragraph:My own sentence.');
      expect(result.at(-2), last.type.name).toMatch(/(Section|Wise words|point)$/);
    }
  });

  it('lines ending in a paragraph pasted into a paragraph, or anything at the end of a line: as ProseMirror pastes it', () => {
    const slice = new Slice(Fragment.from([heading!.create({ level: 2 }, text('Section')), p('words')]), 1, 1);
    expect(endClosedBeforeLine(slice, mine.resolve(start))).toBe(slice);
    const code = new Slice(Fragment.from([p('Intro line'), code_block!.create(null, text('let x = 1;'))]), 1, 1);
    expect(endClosedBeforeLine(code, mine.resolve(mine.content.size - 1))).toBe(code); // the end of "My own sentence."
  });
});
