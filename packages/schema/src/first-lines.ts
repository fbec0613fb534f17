// The line a list item must start with (the schema's `paragraph block*`), when changes made apart left it
// starting with something else: Yjs orders blocks two people put at one place by their client ids, so a
// nested list one put after an item's line can come first once the other took that line out and wrote
// its own after it. y-prosemirror leaves out (or deletes from the Y.Doc it reads) what the schema refuses,
// and such an item went with every line in it. The editor gives it an empty first line as the change
// arrives (apps/editor item-first-line.ts); the server's renders, restores and copies read a version
// caught before that so too (addMissingFirstLines, on the copy they convert).

import type { NodeType, Schema } from 'prosemirror-model';
import * as Y from 'yjs';

/**
 * The line (a textblock) a block of `type` starting with a `first` must have before it: where `type` cannot
 * start with `first` and can with that line first; undefined otherwise. The editor reads content so too
 * (its formats/stored-attrs.ts).
 */
export function lineBefore(type: NodeType, first: NodeType): NodeType | undefined {
  if (type.contentMatch.matchType(first) !== null) return undefined;
  const line = type.contentMatch.defaultType;
  if (line === null || !line.isTextblock || type.contentMatch.matchType(line)?.matchType(first) == null) return undefined;
  return line;
}

/** The name of the block `element` must start with, when what it starts with now is refused; undefined if none is missing. */
export function missingFirstLine(element: Y.XmlElement, schema: Schema): string | undefined {
  const type = schema.nodes[element.nodeName];
  if (type === undefined) return undefined;
  let first: Y.Item | null = element._start;
  while (first !== null && (first.deleted || !first.countable)) first = first.right;
  // An element with nothing in it gets nothing: nothing is lost when it goes.
  if (first === null || !(first.content instanceof Y.ContentType) || !(first.content.type instanceof Y.XmlElement)) return undefined;
  const firstType = schema.nodes[first.content.type.nodeName];
  return firstType === undefined ? undefined : lineBefore(type, firstType)?.name;
}

/** Gives every block in `fragment` that lacks the line it must start with an empty one; returns how many. */
export function addMissingFirstLines(fragment: Y.XmlFragment, schema: Schema): number {
  const missing: Array<[Y.XmlElement, string]> = [];
  const stack: Array<Y.XmlElement | Y.XmlFragment> = [fragment];
  while (stack.length > 0) {
    for (const child of stack.pop()!.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue;
      const line = missingFirstLine(child, schema);
      if (line !== undefined) missing.push([child, line]);
      stack.push(child);
    }
  }
  for (const [element, line] of missing) element.insert(0, [new Y.XmlElement(line)]);
  return missing.length;
}
