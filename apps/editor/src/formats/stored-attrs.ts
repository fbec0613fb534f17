// Node and mark attributes as stored, read where the editor makes nodes and marks: a value ProseMirror's
// `validate` refuses (a heading level "abc", a task's checked "yes", a cell's colspan "abc") is read as the
// attribute's default (@tandem/schema's stored-attrs.ts), and table spans as a browser reads them (stored-spans.ts).
//
// Why here: every way stored content reaches the editor goes through NodeType.create, createChecked,
// createAndFill and MarkType.create: y-prosemirror's schema.node and schema.mark for the live document,
// Node.fromJSON for the history view's versions, AttrStep and setNodeMarkup for steps. `validate` throws,
// and y-prosemirror deletes from the shared document the element (or the whole text) it could not read:
// whoever opened a document holding such a value removed that content for everyone. A node view would
// only change the DOM, after prosemirror-tables' TableMap (width × height) had already thrown or hung. Not
// in @tandem/schema itself: the server must see stored values as they are (a JSON import with a bad span
// or level is refused; exports read them on their own).

import { lineBefore } from '@tandem/schema/first-lines';
import { validAttrsOf } from '@tandem/schema/stored-attrs';
import { Fragment, type Node, type NodeType, type Schema } from 'prosemirror-model';
import { cellAttrsRead, isCellType, tableContentRead } from './stored-spans.js';

type Read = ReturnType<typeof validAttrsOf>;

type Content = Fragment | Node | readonly Node[] | null | undefined;

function readNodes(type: NodeType, attrsOf: Read, contentOf?: (content: Fragment) => Fragment): void {
  const { create, createChecked, createAndFill } = type;
  const content = (c: Content) => (contentOf === undefined ? c : contentOf(Fragment.from(c)));
  type.create = (attrs, c, marks) => create.call(type, attrsOf(attrs), content(c), marks);
  type.createChecked = (attrs, c, marks) => createChecked.call(type, attrsOf(attrs), content(c), marks);
  type.createAndFill = (attrs, c, marks) => createAndFill.call(type, attrsOf(attrs), content(c), marks);
}

/**
 * `type`'s checked creation, reading content that starts with a block the type cannot start with, where an
 * empty line first would make it valid (a list item left starting with a nested list by changes made apart),
 * with that line: y-prosemirror deleted the item, every line in it. An editor's page writes the line into the
 * document as the change arrives (collab/item-first-line.ts); a viewer's writes nothing, and reads it so.
 * Only createChecked (y-prosemirror's schema.node): ProseMirror's own steps build exact content with create.
 */
function readFirstLine(type: NodeType): void {
  const { createChecked } = type;
  type.createChecked = (attrs, c, marks) => {
    const content = Fragment.from(c);
    const line = content.firstChild === null ? undefined : lineBefore(type, content.firstChild.type);
    return createChecked.call(type, attrs, line === undefined ? c : Fragment.from(line.create()).append(content), marks);
  };
}

/**
 * `type`'s checked creation, reading text formatted with marks the type may not hold (a code block holds none)
 * without them: only a client other than Tandem's editor writes such text (the server has refused it since
 * 2026-12-06, marks-in-place.ts), and y-prosemirror deleted the block, its text with it, for everyone.
 */
function readMarksAllowed(type: NodeType): void {
  if (!type.isTextblock || type.markSet === null) return; // null: every mark allowed
  const { createChecked } = type;
  type.createChecked = (attrs, c, marks) => {
    const content = Fragment.from(c);
    let allowed = true;
    content.forEach((child) => (allowed &&= type.allowsMarks(child.marks)));
    if (allowed) return createChecked.call(type, attrs, c, marks);
    const kept: Node[] = [];
    content.forEach((child) => kept.push(child.mark(child.marks.filter((mark) => type.allowsMarkType(mark.type)))));
    return createChecked.call(type, attrs, Fragment.from(kept), marks);
  };
}

const done = new WeakSet<Schema>();

/** Makes every node and mark `schema` creates read its stored attributes as above. Once per schema. */
export function readStoredAttrsOnCreate(schema: Schema): void {
  if (done.has(schema)) return;
  done.add(schema);
  for (const type of Object.values(schema.nodes)) {
    const valid = validAttrsOf(type);
    if (isCellType(type)) readNodes(type, (attrs) => valid(cellAttrsRead(attrs)));
    else if (type.spec.tableRole === 'table') readNodes(type, valid, tableContentRead);
    else readNodes(type, valid);
    readFirstLine(type);
    readMarksAllowed(type);
  }
  for (const type of Object.values(schema.marks)) {
    const { create } = type;
    const valid = validAttrsOf(type);
    type.create = (attrs) => create.call(type, valid(attrs));
  }
}
