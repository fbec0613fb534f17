// Runs of spaces in the HTML export: shown as typed, as the editor shows them.
import { describe, expect, it } from 'vitest';
import { toHtml } from './export.js';
import { schema } from './schema.js';

describe('HTML export keeps what people typed', () => {
  const doc = schema.node('doc', null, [
    schema.node('paragraph', null, [schema.text('Name:    Alice   (two  spaces)')]),
    schema.node('paragraph', null, [schema.text('  indented')]),
  ]);

  it('the standalone page shows runs of spaces as typed (no whitespace collapsing)', () => {
    const page = toHtml(doc, 't');
    // Either the spaces are written as &nbsp;/alternating, or the page sets white-space: pre-wrap (as the editor does).
    expect(/white-space:\s*(pre-wrap|break-spaces|pre)/.test(page) || !/ {2}/.test(page.replace(/<[^>]*>/g, ''))).toBe(true);
  });
});
