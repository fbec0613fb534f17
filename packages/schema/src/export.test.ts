// Markdown export of long documents: the same bytes as prosemirror-markdown's serializer gives, written
// without its cost growing with the square of the document (see serialize in export.ts). How long it
// takes is measured in bench/ (not here); what is checked here is that nothing changes.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownSerializer, toMarkdown } from './export.js';
import { fromMarkdown } from './import.js';

const FIXTURE = readFileSync(new URL('./fixtures/every-node.md', import.meta.url), 'utf8');

describe('Markdown export of a long document', () => {
  it('gives what the serializer gives, over every node repeated past many drains (lists, tables, code, quotes)', () => {
    // Separated by a rule so that each copy's lists stay apart from the next copy's, as typed.
    const doc = fromMarkdown(Array.from({ length: 300 }, () => FIXTURE).join('\n\n---\n\n'));
    const expected = markdownSerializer().serialize(doc);
    expect(expected.length).toBeGreaterThan(10 * 16 * 1024);
    expect(toMarkdown(doc)).toBe(expected);
  });

  it('gives what the serializer gives for one long list, a long table and a long code block, and adjacent lists', () => {
    const items = Array.from({ length: 1_500 }, (_, i) => `- item ${i} with *emphasis* and \`code\`\n  - nested ${i}`).join('\n');
    const rows = Array.from({ length: 1_000 }, (_, i) => `| cell ${i} with a \\| pipe | **${i}** |`).join('\n');
    const code = Array.from({ length: 1_500 }, (_, i) => `line ${i} <tag>`).join('\n');
    const tasks = Array.from({ length: 500 }, (_, i) => `- [${i % 2 === 0 ? 'x' : ' '}] task ${i}`).join('\n');
    const numbered = Array.from({ length: 500 }, (_, i) => `${i + 1}. step ${i}`).join('\n');
    const doc = fromMarkdown(`${items}\n\n| a | b |\n| --- | --- |\n${rows}\n\n\`\`\`\n${code}\n\`\`\`\n\n${tasks}\n\n${numbered}\n\n> ${'quoted '.repeat(2_500)}\n`);
    const expected = markdownSerializer().serialize(doc);
    expect(expected).toContain('| cell 999 with a \\| pipe | **999** |');
    // Each long block spans several of toMarkdown's drains (16 KiB).
    expect(expected.length).toBeGreaterThan(8 * 16 * 1024);
    expect(toMarkdown(doc)).toBe(expected);
  });
});
