// The exported page's layout rules go with every HTML export, and do not change how it imports.
import { describe, expect, it } from 'vitest';
import { LAYOUT_STYLE } from './export-layout.js';
import { PAGE_STYLE, toHtml } from './export.js';
import { fromHtml } from './import.js';
import { schema } from './schema.js';

describe('the HTML export lays out task lists and tables as the editor does', () => {
  const doc = schema.node('doc', null, [
    schema.node('task_list', null, [schema.node('task_item', { checked: true }, [schema.node('paragraph', null, [schema.text('  done  twice')])])]),
  ]);

  it('holds the layout rules in a style element of their own, after the whitespace rule', () => {
    const page = toHtml(doc, 't');
    expect(page).toContain(`${PAGE_STYLE}${LAYOUT_STYLE}</head>`);
    expect(LAYOUT_STYLE).toMatch(/ul\.task-list\{list-style:none/);
    expect(LAYOUT_STYLE).toMatch(/th,td\{border:1px solid/);
  });

  it('comes back as it went, blanks included', () => {
    expect(fromHtml(toHtml(doc, 't')).toJSON()).toEqual(doc.toJSON());
  });
});
