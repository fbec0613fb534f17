// Alice makes a line a heading (or a code block: her step writes the line into a new block and deletes the
// old one), Bob presses Enter at its end and types the next line, then Alice presses Ctrl+Z: Bob's line went
// above hers, for both (an exploratory run, 4 of 4). Yjs puts an undone block back between its old neighbours;
// Bob's new block had been written right after the heading, before the old block's tombstone, and so became the
// old block's left neighbour. A new block now goes after the tombstones of blocks deleted earlier.
import { setBlockType, splitBlock } from 'prosemirror-commands';
import type { Node } from 'prosemirror-model';
import type { Command, EditorState } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { inText, meetAll, p, page, run, send, withUndo } from './test-editors.js';

const settle = () => new Promise((r) => setTimeout(r, 0));
const { nodes } = schema;

/** Each text block as "type: text". */
const shown = (doc: Node): string[] => {
  const out: string[] = [];
  doc.descendants((node) => {
    if (!node.isTextblock) return true;
    out.push(`${node.type.name}: ${node.textContent}`);
    return false;
  });
  return out;
};

/** Enter at the end of the first text block, then `text` typed on the new line. */
const enterAtEndOfFirstLine = (text: string) => (s: EditorState) => {
  let length = -1;
  s.doc.descendants((node) => (length >= 0 ? false : node.isTextblock ? ((length = node.content.size), false) : true));
  const end = inText(0, length)(s);
  const tr = run(splitBlock, 0, length)(s);
  return tr.insertText(text, tr.mapping.map(end, 1));
};

const heading = run(setBlockType(nodes.heading!, { level: 2 }) as Command, 0, 2);
const kinds: Array<{ name: string; start: Node[]; change: typeof heading }> = [
  { name: 'a heading', start: [p('Title here'), p('Body.')], change: heading },
  { name: 'a code block', start: [p('Title here'), p('Body.')], change: run(setBlockType(nodes.code_block!) as Command, 0, 2) },
  // Inside a block of blocks, where y-prosemirror writes the new blocks.
  { name: 'a heading in a quote', start: [schema.node('blockquote', null, [p('Title here'), p('Body.')])], change: heading },
  { name: 'a heading in a table cell', start: [schema.node('table', null, [schema.node('table_row', null, [schema.node('table_cell', null, [p('Title here'), p('Body.')])])])], change: heading },
];

describe("Ctrl+Z of a line's new kind after the other added a line below it", () => {
  for (const kind of kinds) {
    for (const bobAbove of [true, false]) {
      it(`${kind.name}; Bob's line stays below hers (Bob's id ${bobAbove ? 'above' : 'below'}); Ctrl+Y`, async () => {
        const alice = page(schema.node('doc', null, kind.start));
        const bob = page(alice.ydoc);
        bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
        const ua = withUndo(alice);
        alice.edit(kind.change);
        ua.stopCapturing();
        await send(alice, bob);
        bob.edit(enterAtEndOfFirstLine('Next line'));
        await send(bob, alice);
        const withNext = shown(alice.doc());
        expect(withNext.map((l) => l.split(': ')[1])).toEqual(['Title here', 'Next line', 'Body.']);
        ua.undo();
        await settle();
        await meetAll(alice, bob);
        expect(shown(alice.doc())).toEqual(['paragraph: Title here', 'paragraph: Next line', 'paragraph: Body.']);
        expect(shown(bob.doc())).toEqual(shown(alice.doc()));
        ua.redo();
        await settle();
        await meetAll(alice, bob);
        expect(shown(alice.doc())).toEqual(withNext);
        expect(shown(bob.doc())).toEqual(withNext);
      });

      it(`${kind.name} while Bob, not having seen it, adds a line below: his line stays below (Bob's id ${bobAbove ? 'above' : 'below'})`, async () => {
        const alice = page(schema.node('doc', null, kind.start));
        const bob = page(alice.ydoc);
        bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
        alice.edit(kind.change);
        bob.edit(enterAtEndOfFirstLine('Next line'));
        await meetAll(alice, bob);
        expect(shown(alice.doc()).map((l) => l.split(': ')[1])).toEqual(['Title here', 'Next line', 'Body.']);
        expect(shown(bob.doc())).toEqual(shown(alice.doc()));
      });
    }
  }
});
