import { Fragment, Slice } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { schema } from './schema.js';
import { wordsOf } from './words-paste.js';

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
