// A changed line's formatting in Yjs is the editor's, compared mark by mark by name.
//
// y-prosemirror takes a line's Yjs text for up to date when the text and the number of marks on each stretch
// match: it compares each Yjs attribute with the editor's mark of that name, and a mark that is missing
// compares equal to an attribute without values. So italic in Yjs where the editor shows bold passes, and the
// line keeps the old formatting for everyone else (and for this person after a reload): deleting across a line
// break (Shift+Enter) from after a bold "T" to after an italic one left the italic "T" in Yjs; a change
// that types a letter (written in place first, typed-in-place.ts) and swaps one mark for another did the same.
//
// After a local change is written, each changed line's stretches of text are compared again, by name, and
// set to the editor's formatting where they differ, as y-prosemirror's own update of a line sets it.

import type { Mark, Node } from 'prosemirror-model';
import * as Y from 'yjs';

/** Yjs's attributes for `marks`: each mark's attributes under its name (no mark of this schema may overlap itself). */
function attributesOf(marks: readonly Mark[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const mark of marks) {
    if (!mark.type.excludes(mark.type)) return undefined; // an overlapping mark: y-prosemirror names it by a hash
    out[mark.type.name] = mark.attrs;
  }
  return out;
}

/** Whether two attribute values are equal as y-prosemirror's equalAttrs compares them (null and undefined alike). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b || (a == null && b == null)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] != null);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] != null);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Sets the formatting of `text`'s characters to `nodes`' marks (the editor's text nodes of one stretch, whose
 * text `text` holds) where a mark differs by name or value; nothing when they agree or when it cannot read them.
 */
function settleStretch(text: Y.XmlText, nodes: readonly Node[]): void {
  const delta = text.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>;
  const wanted: Array<{ length: number; attributes: Record<string, unknown> }> = [];
  for (const node of nodes) {
    const attributes = attributesOf(node.marks);
    if (attributes === undefined) return;
    wanted.push({ length: node.text!.length, attributes });
  }
  // Both as one attribute set per character range: compared where their boundaries meet.
  let i = 0;
  let j = 0;
  let di = 0;
  let wj = 0;
  let differs = false;
  const held = new Set<string>();
  for (const d of delta) {
    if (typeof d.insert !== 'string') return;
    for (const key of Object.keys(d.attributes ?? {})) held.add(key);
  }
  while (i < delta.length && j < wanted.length && !differs) {
    const d = delta[i]!;
    const w = wanted[j]!;
    const have = d.attributes ?? {};
    const names = new Set([...Object.keys(have), ...Object.keys(w.attributes)]);
    for (const name of names) if (!(name in have) || !(name in w.attributes) || !sameValue(have[name], w.attributes[name])) differs = true;
    const dLeft = (d.insert as string).length - di;
    const wLeft = w.length - wj;
    const step = Math.min(dLeft, wLeft);
    di += step;
    wj += step;
    if (di === (d.insert as string).length) (i += 1), (di = 0);
    if (wj === w.length) (j += 1), (wj = 0);
  }
  if (!differs) return;
  const none = Object.fromEntries([...held].map((key) => [key, null]));
  text.applyDelta(wanted.map((w) => ({ retain: w.length, attributes: { ...none, ...w.attributes } })));
}

/**
 * For block `node` (as the editor shows it after a local change) and `y`, the Yjs element now mirroring it:
 * sets each stretch of text whose formatting in Yjs differs from the editor's to the editor's.
 */
export function settleFormatting(y: Y.XmlElement, node: Node): void {
  if (node.isTextblock) {
    // The stretches as y-prosemirror writes them: consecutive text nodes one Yjs text, each other node an element.
    const children = y.toArray();
    let k = 0;
    let stretch: Node[] = [];
    const flush = (): boolean => {
      if (stretch.length === 0) return true;
      const text = children[k++];
      if (!(text instanceof Y.XmlText) || text.length !== stretch.reduce((n, t) => n + t.text!.length, 0)) return false;
      settleStretch(text, stretch);
      stretch = [];
      return true;
    };
    for (let c = 0; c < node.childCount; c++) {
      const child = node.child(c);
      if (child.isText) stretch.push(child);
      else if (!flush() || !(children[k++] instanceof Y.XmlElement)) return;
    }
    flush();
    return;
  }
  if (y.length !== node.childCount) return;
  const children = y.toArray();
  for (let c = 0; c < node.childCount; c++) {
    const child = children[c];
    if (child instanceof Y.XmlElement) settleFormatting(child, node.child(c));
  }
}
