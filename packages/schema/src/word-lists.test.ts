// Lists as Microsoft Word puts them on the clipboard (and in a page saved as HTML): paragraphs styled
// `mso-list`, each with its bullet or number as text. The fixture is Word for Windows' clipboard HTML.
import { readFileSync } from 'node:fs';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { fromHtml } from './import.js';
import { listsFromWord, mayHoldWordLists } from './word-lists.js';

const word = readFileSync(new URL('./fixtures/word-lists.html', import.meta.url), 'utf8');

describe('lists from Word', () => {
  it('turns the list paragraphs into nested bullet and numbered lists, markers left out', () => {
    const doc = fromHtml(word);
    const json = JSON.stringify(doc.toJSON());
    expect(json).not.toContain('·');
    expect(doc.textContent).not.toMatch(/\bo\s*Travel|1\.\s*Open|a\.\s*Apologies/);
    const shape = (node: ReturnType<typeof fromHtml>): unknown =>
      node.isTextblock
        ? node.textContent
        : node.type.name === 'list_item'
          ? node.content.content.map(shape)
          : { [node.type.name]: node.content.content.map(shape) };
    expect(doc.content.content.map(shape)).toEqual([
      'Agenda for Monday',
      { bullet_list: [['Budget review', { bullet_list: [['Travel'], ['Equipment']] }], ['Hiring']] },
      'Then, in order:',
      { ordered_list: [['Open the meeting', { ordered_list: [['Apologies']] }], ['Close it']] },
    ]);
    // The items keep their formatting.
    expect(json).toContain('"type":"em"');
  });

  it('leaves HTML without Word lists alone, and an odd start (a fragment copied from level 3) flat', () => {
    expect(mayHoldWordLists('<ul><li>a</li></ul>')).toBe(false);
    const { document } = parseHTML('<!doctype html><html><body></body></html>');
    const div = document.createElement('div');
    div.innerHTML = `<p style="mso-list:l0 level3 lfo1"><span style="mso-list:Ignore">§&nbsp;</span>deep</p><p>after</p>`;
    listsFromWord(div);
    expect(div.innerHTML).toBe('<ul><li><p>deep</p></li></ul><p>after</p>');
  });
});
