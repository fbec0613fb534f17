import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from './schema.js';
import { blockHoldsFormat, readStoredAttrs, validAttrsOf } from './stored-attrs.js';

describe('stored attribute values the schema refuses', () => {
  it('are read as the default (or as text), valid ones as they are', () => {
    const heading = validAttrsOf(schema.nodes.heading!);
    expect(heading({ level: 'abc' })).toEqual({ level: 1 });
    const valid = { level: 3 };
    expect(heading(valid)).toBe(valid);
    expect(validAttrsOf(schema.marks.link!)({ href: 5, title: null })).toEqual({ href: '5', title: null });
  });

  it('are rewritten in a copy about to be converted, elements and marks alike, and nothing else', () => {
    const ydoc = new Y.Doc();
    const heading = new Y.XmlElement('heading');
    heading.setAttribute('level', 'abc');
    const kept = new Y.XmlElement('heading');
    kept.setAttribute('level', 2 as unknown as string);
    const p = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    p.insert(0, [text]);
    ydoc.getXmlFragment('prosemirror').insert(0, [heading, kept, p]);
    text.insert(0, 'plain ');
    text.insert(6, 'linked', { link: { href: 5, title: null } });
    const changes: number[] = [];
    ydoc.on('update', () => changes.push(1));
    readStoredAttrs(ydoc.getXmlFragment('prosemirror'), schema);
    expect(heading.getAttribute('level')).toBe(1);
    expect(kept.getAttribute('level')).toBe(2);
    expect(text.toDelta()).toEqual([{ insert: 'plain ' }, { insert: 'linked', attributes: { link: { href: '5', title: null } } }]);
    expect(changes.length).toBe(2);
  });

  it('take a mark off text in a block that may not hold it (bold in a code block), marks elsewhere kept', () => {
    // y-prosemirror could not read the code block, and left it out with its text (an export, a restore).
    const ydoc = new Y.Doc();
    const code = new Y.XmlElement('code_block');
    const codeText = new Y.XmlText();
    code.insert(0, [codeText]);
    const p = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    p.insert(0, [text]);
    ydoc.getXmlFragment('prosemirror').insert(0, [code, p]);
    codeText.insert(0, 'let x = 1;');
    codeText.format(0, 3, { strong: true, 'em--abcdefgh': {} });
    text.insert(0, 'bold', { strong: true });
    readStoredAttrs(ydoc.getXmlFragment('prosemirror'), schema);
    expect(codeText.toDelta()).toEqual([{ insert: 'let x = 1;' }]);
    expect(text.toDelta()).toEqual([{ insert: 'bold', attributes: { strong: true } }]);
  });
});

describe('whether a block may hold a format', () => {
  it('reads the key as y-prosemirror does (a hashed name is its mark) and answers nothing for a key naming no mark', () => {
    const codeBlock = schema.nodes.code_block!;
    const paragraph = schema.nodes.paragraph!;
    expect(blockHoldsFormat(codeBlock, 'strong')).toBe(false);
    expect(blockHoldsFormat(paragraph, 'strong')).toBe(true);
    expect(blockHoldsFormat(codeBlock, 'em--AbCd+/=9')).toBe(false);
    expect(blockHoldsFormat(paragraph, 'em--AbCd+/=9')).toBe(true);
    // Not a hash of 8: y-prosemirror reads the whole key, which names no mark.
    expect(blockHoldsFormat(codeBlock, 'strong--x')).toBeUndefined();
    expect(blockHoldsFormat(paragraph, 'toString')).toBeUndefined();
    expect(blockHoldsFormat(paragraph, '__proto__')).toBeUndefined();
  });
});
