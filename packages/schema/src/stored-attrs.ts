// Attribute values as stored, read where ProseMirror's `validate` would refuse them: any Yjs client (or a
// document stored before anything checked) may write a heading level "abc", a task checked "yes", a cell's
// colspan "abc" or a link to the number 5. y-prosemirror leaves out, or deletes from the Y.Doc it reads,
// whatever its node or mark cannot be made from, so each such value is read as the attribute's default
// (a value that should be text, as its text). The editor reads them so when it makes nodes and marks; the
// server's renders read them so in the copy they convert (readStoredAttrs).

import type { Attrs, AttributeSpec, MarkType, NodeType, Schema } from 'prosemirror-model';
import * as Y from 'yjs';

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

/**
 * Rewrites, in `fragment` (a copy about to be converted, never a live document), every element attribute
 * and every mark attribute that `schema` would refuse, as validAttrsOf reads it.
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
          const read = readerOf(type)(attrs)!;
          if (read !== attrs) for (const [key, value] of Object.entries(read)) if (value !== attrs[key]) child.setAttribute(key, value as string);
        }
        stack.push(child);
      } else if (child instanceof Y.XmlText) {
        let index = 0;
        for (const op of child.toDelta() as Array<{ insert: unknown; attributes?: Record<string, Attrs | null> }>) {
          const length = typeof op.insert === 'string' ? op.insert.length : 1;
          for (const [name, attrs] of Object.entries(op.attributes ?? {})) {
            const type = schema.marks[name];
            if (type === undefined || attrs === null || typeof attrs !== 'object') continue;
            const read = readerOf(type)(attrs)!;
            if (read !== attrs) child.format(index, length, { [name]: read });
          }
          index += length;
        }
      }
    }
  }
}
