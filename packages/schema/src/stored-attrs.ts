// Attribute values as stored, read where ProseMirror's `validate` would refuse them: any Yjs client (or a
// document stored before anything checked) may write a heading level "abc", a task checked "yes", a cell's
// colspan "abc" or a link to the number 5. y-prosemirror leaves out, or deletes from the Y.Doc it reads,
// whatever its node or mark cannot be made from, so each such value is read as the attribute's default
// (a value that should be text, as its text). The editor reads them so when it makes nodes and marks; the
// server's renders read them so in the copy they convert (readStoredAttrs).

import type { Attrs, AttributeSpec, MarkType, NodeType, Schema } from 'prosemirror-model';
import * as Y from 'yjs';
import { cellSpan, MAX_COLSPAN, MAX_ROWSPAN } from './formats/table-spans.js';

/** Whether `value` passes `spec`'s validate (a "number|null" list of typeof names, or a function that throws). */
export function passes(spec: AttributeSpec, value: unknown): boolean {
  const { validate } = spec;
  if (validate === undefined) return true;
  if (typeof validate === 'string') return validate.split('|').includes(value === null ? 'null' : typeof value);
  try {
    validate(value);
    return true;
  } catch {
    return false;
  }
}

/** A reader of `type`'s attributes: each value its validate refuses read as the default, else as text where text is allowed. */
export function validAttrsOf(type: NodeType | MarkType): (attrs: Attrs | null | undefined) => Attrs | null | undefined {
  const specs = Object.entries((type.spec.attrs ?? {}) as Record<string, AttributeSpec>).filter(([, spec]) => spec.validate !== undefined);
  return (attrs) => {
    if (attrs === null || attrs === undefined || specs.length === 0) return attrs;
    let read: Record<string, unknown> | undefined;
    for (const [name, spec] of specs) {
      const value = attrs[name];
      if (value === undefined || passes(spec, value)) continue;
      if ('default' in spec) (read ??= { ...attrs })[name] = spec.default;
      else if (typeof spec.validate === 'string' && spec.validate.split('|').includes('string')) (read ??= { ...attrs })[name] = String(value);
    }
    return read ?? attrs;
  };
}

/** y-prosemirror's reading of a format's name: a mark that may overlap itself is stored as "name--" and a hash of 8. */
export const markNameOf = (key: string): string => /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(key)?.[1] ?? key;

/** The mark a format's key names in `schema`, as y-prosemirror reads the key; undefined if it names none. */
export function markOfFormat(schema: Schema, key: string): MarkType | undefined {
  const name = markNameOf(key);
  return Object.hasOwn(schema.marks, name) ? schema.marks[name] : undefined;
}

/**
 * Whether a block of type `block` may hold the format `key` (y-prosemirror writes a mark as a format named for
 * it): undefined when the key names no mark of the block's schema. A code block holds none; given one,
 * ProseMirror refuses the block's content and y-prosemirror, unable to read it, deletes it. The one answer
 * for the editor (what it copies), the server's update gate (what it refuses) and stored documents (what is read).
 */
export function blockHoldsFormat(block: NodeType, key: string): boolean | undefined {
  const mark = markOfFormat(block.schema, key);
  return mark === undefined ? undefined : block.allowsMarkType(mark);
}

/** A table cell's spans as a browser reads them (table-spans.ts), its column widths dropped if they no longer fit. */
function spansRead(attrs: Attrs): Attrs {
  const colspan = cellSpan(attrs.colspan ?? 1, MAX_COLSPAN);
  const rowspan = cellSpan(attrs.rowspan ?? 1, MAX_ROWSPAN);
  if ((attrs.colspan ?? 1) === colspan && (attrs.rowspan ?? 1) === rowspan) return attrs;
  const colwidth = Array.isArray(attrs.colwidth) && attrs.colwidth.length === colspan ? attrs.colwidth : null;
  return { ...attrs, colspan, rowspan, colwidth };
}

/** Whether `value` (a format's) makes a mark of `type`: each attribute without a default is there (schema.mark throws otherwise). */
const makesMark = (type: MarkType, value: unknown): boolean =>
  Object.entries((type.spec.attrs ?? {}) as Record<string, AttributeSpec>).every(
    ([name, spec]) => 'default' in spec || (typeof value === 'object' && value !== null && Object.hasOwn(value, name) && (value as Attrs)[name] !== undefined),
  );

/**
 * Rewrites, in `fragment` (a copy about to be converted, never a live document), every element attribute
 * and every mark attribute that `schema` would refuse, as validAttrsOf reads it, and table cell spans as a
 * browser reads them; a format that cannot make its mark (a link without an href, or that is a number), or
 * whose block may not hold it (a code block holds none), is taken off its text.
 */
export function readStoredAttrs(fragment: Y.XmlFragment, schema: Schema): void {
  const readers = new Map<NodeType | MarkType, ReturnType<typeof validAttrsOf>>();
  const readerOf = (type: NodeType | MarkType) => readers.get(type) ?? readers.set(type, validAttrsOf(type)).get(type)!;
  const stack: Array<Y.XmlElement | Y.XmlFragment> = [fragment];
  while (stack.length > 0) {
    for (const child of stack.pop()!.toArray()) {
      if (child instanceof Y.XmlElement) {
        const type = schema.nodes[child.nodeName];
        if (type !== undefined) {
          const attrs = child.getAttributes() as Attrs;
          const valid = readerOf(type)(attrs)!;
          const role = type.spec.tableRole;
          const read = role === 'cell' || role === 'header_cell' ? spansRead(valid) : valid;
          if (read !== attrs) for (const [key, value] of Object.entries(read)) if (value !== attrs[key]) child.setAttribute(key, value as string);
        }
        stack.push(child);
      } else if (child instanceof Y.XmlText) {
        // A mark its block may not hold (any, in a code block) is taken off too: ProseMirror refuses the block.
        const block = child.parent instanceof Y.XmlElement && Object.hasOwn(schema.nodes, child.parent.nodeName) ? schema.nodes[child.parent.nodeName] : undefined;
        let index = 0;
        for (const op of child.toDelta() as Array<{ insert: unknown; attributes?: Record<string, Attrs | null> }>) {
          const length = typeof op.insert === 'string' ? op.insert.length : 1;
          for (const [name, attrs] of Object.entries(op.attributes ?? {})) {
            const type = markOfFormat(schema, name);
            if (type === undefined || attrs === null) continue;
            if (!makesMark(type, attrs) || (block !== undefined && blockHoldsFormat(block, name) === false)) child.format(index, length, { [name]: null });
            else if (typeof attrs !== 'object') continue;
            else {
              const read = readerOf(type)(attrs)!;
              if (read !== attrs) child.format(index, length, { [name]: read });
            }
          }
          index += length;
        }
      }
    }
  }
}
