// A restore makes the content exactly the version restored, whatever the document held meanwhile:
// randomized documents of every node and mark of the schema, edited as the editor edits them.
import { FRAGMENT, schema } from '@tandem/schema';
import type { Node } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { absolutePositionToRelativePosition, initProseMirrorDoc, updateYFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import * as Y from 'yjs';
import { restoreUpdate, undoRestoreUpdate } from './restore.js';
import { commentsOf, newCommentFields, quoteAnchors, readComments } from '@tandem/schema/comments';
import { seededRandom as rng } from '@tandem/persistence/testing/seeded-random';


function randomDoc(r: () => number): Node {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const words = ['alpha', 'beta ', 'gamma', ' ', 'x', 'delta epsilon', 'é', '😀'];
  const inline = (): Node[] => {
    const out: Node[] = [];
    const n = Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const k = r();
      if (k < 0.1) out.push(schema.nodes.hard_break!.create());
      else if (k < 0.2) out.push(schema.nodes.image!.create({ src: pick(['https://a.example/1.png', 'https://b.example/2.png']), alt: pick([null, 'pic']) }));
      else {
        const marks = [];
        if (r() < 0.3) marks.push(schema.marks.strong!.create());
        if (r() < 0.3) marks.push(schema.marks.em!.create());
        if (r() < 0.2) marks.push(schema.marks.link!.create({ href: pick(['https://x.example', 'https://y.example']) }));
        if (r() < 0.1) marks.push(schema.marks.underline!.create());
        if (r() < 0.1) marks.push(schema.marks.strikethrough!.create());
        out.push(schema.text(pick(words), marks));
      }
    }
    return out;
  };
  const para = () => schema.nodes.paragraph!.create(null, inline());
  const block = (depth: number): Node => {
    const k = r();
    if (depth > 2 || k < 0.35) return para();
    if (k < 0.45) return schema.nodes.heading!.create({ level: 1 + Math.floor(r() * 3) }, inline());
    if (k < 0.5) return schema.nodes.horizontal_rule!.create();
    if (k < 0.55) return schema.nodes.code_block!.create(null, r() < 0.5 ? [] : [schema.text('code\nmore')]);
    if (k < 0.62) return schema.nodes.blockquote!.create(null, [block(depth + 1)]);
    if (k < 0.75) {
      const list = r() < 0.5 ? schema.nodes.bullet_list! : schema.nodes.ordered_list!;
      const items = Array.from({ length: 1 + Math.floor(r() * 3) }, () =>
        schema.nodes.list_item!.create(null, r() < 0.4 ? [para(), block(depth + 1)] : [para()]),
      );
      return list.create(null, items);
    }
    if (k < 0.87) {
      const items = Array.from({ length: 1 + Math.floor(r() * 3) }, () => schema.nodes.task_item!.create({ checked: r() < 0.5 }, [para()]));
      return schema.nodes.task_list!.create(null, items);
    }
    const cols = 1 + Math.floor(r() * 2);
    const rows = Array.from({ length: 1 + Math.floor(r() * 2) }, (_, i) =>
      schema.nodes.table_row!.create(null, Array.from({ length: cols }, () => (i === 0 ? schema.nodes.table_header! : schema.nodes.table_cell!).create(null, [para()]))),
    );
    return schema.nodes.table!.create(null, rows);
  };
  const blocks = Array.from({ length: 1 + Math.floor(r() * 4) }, () => block(0));
  return schema.nodes.doc!.create(null, blocks);
}

/** The editor's change of `ydoc` to `node`. */
const editTo = (ydoc: Y.Doc, node: Node) => ydoc.transact(() => updateYFragment(ydoc, ydoc.getXmlFragment(FRAGMENT), node, { mapping: new Map(), isOMark: new Map() }));
const read = (ydoc: Y.Doc) => {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc));
  return yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(FRAGMENT), schema).toJSON();
};

describe('restore fidelity (randomized)', () => {
  it('the content after a restore is the version restored, and after its undo what was there', { timeout: 120_000 }, () => {
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed);
      const live = new Y.Doc();
      const states: Uint8Array[] = [Y.encodeStateAsUpdate(live)];
      const steps = 2 + Math.floor(r() * 3);
      for (let i = 0; i < steps; i++) {
        editTo(live, randomDoc(r));
        states.push(Y.encodeStateAsUpdate(live));
      }
      const at = 1 + Math.floor(r() * (steps - 1));
      const version = new Y.Doc();
      Y.applyUpdate(version, states[at]!);
      const wanted = read(version);
      const beforeState = Y.encodeStateAsUpdate(live);
      const beforeJson = read(live);
      const update = restoreUpdate(beforeState, version);
      Y.applyUpdate(live, update);
      expect({ seed, doc: read(live) }).toEqual({ seed, doc: wanted });
      // Undo it at once: the content is what it was before.
      const before = new Y.Doc({ gc: false });
      Y.applyUpdate(before, beforeState);
      const undo = undoRestoreUpdate(before, update, Y.encodeStateAsUpdate(live));
      Y.applyUpdate(live, undo);
      expect({ seed, undone: read(live) }).toEqual({ seed, undone: beforeJson });
    }
  });
  it('undoing a restore keeps a paragraph someone added at the start since', { timeout: 120_000 }, () => {
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed);
      const live = new Y.Doc();
      const states: Uint8Array[] = [Y.encodeStateAsUpdate(live)];
      const steps = 2 + Math.floor(r() * 3);
      for (let i = 0; i < steps; i++) {
        editTo(live, randomDoc(r));
        states.push(Y.encodeStateAsUpdate(live));
      }
      const at = 1 + Math.floor(r() * (steps - 1));
      const version = new Y.Doc();
      Y.applyUpdate(version, states[at]!);
      const beforeState = Y.encodeStateAsUpdate(live);
      const beforeJson = read(live) as { content: unknown[] };
      const update = restoreUpdate(beforeState, version);
      Y.applyUpdate(live, update);
      const other = new Y.Doc();
      Y.applyUpdate(other, Y.encodeStateAsUpdate(live));
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('NEW')]);
      other.getXmlFragment(FRAGMENT).insert(0, [p]);
      Y.applyUpdate(live, Y.encodeStateAsUpdate(other, Y.encodeStateVector(live)));
      const before = new Y.Doc({ gc: false });
      Y.applyUpdate(before, beforeState);
      const undo = undoRestoreUpdate(before, update, Y.encodeStateAsUpdate(live));
      Y.applyUpdate(live, undo);
      const wanted = { ...beforeJson, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'NEW' }] }, ...beforeJson.content] };
      expect({ seed, undone: read(live) }).toEqual({ seed, undone: wanted });
    }
  });
});

describe('undo restore after random edits since (randomized)', () => {
  const counts = (ydoc: Y.Doc) => {
    const inY = { elements: 0, chars: 0 };
    const stack: Array<Y.XmlElement | Y.XmlFragment> = [ydoc.getXmlFragment(FRAGMENT)];
    while (stack.length > 0) {
      for (const child of stack.pop()!.toArray()) {
        if (child instanceof Y.XmlElement) {
          inY.elements += 1;
          stack.push(child);
        } else if (child instanceof Y.XmlText) {
          for (const op of child.toDelta() as Array<{ insert: unknown }>) if (typeof op.insert === 'string') inY.chars += op.insert.length;
        }
      }
    }
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc));
    const node = yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(FRAGMENT), schema);
    const read = { elements: 0, chars: 0 };
    node.descendants((n) => {
      if (n.isText) read.chars += n.text!.length;
      else read.elements += 1;
    });
    let valid = true;
    try {
      if (node.childCount > 0) node.check(); // an empty document is what the editor shows as one empty paragraph
    } catch {
      valid = false;
    }
    return { inY, read, valid };
  };
  it('leaves a document the editor reads whole', { timeout: 120_000 }, () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed * 7919);
      const live = new Y.Doc();
      const states: Uint8Array[] = [Y.encodeStateAsUpdate(live)];
      const steps = 2 + Math.floor(r() * 3);
      for (let i = 0; i < steps; i++) {
        editTo(live, randomDoc(r));
        states.push(Y.encodeStateAsUpdate(live));
      }
      const version = new Y.Doc();
      Y.applyUpdate(version, states[1 + Math.floor(r() * (steps - 1))]!);
      const beforeState = Y.encodeStateAsUpdate(live);
      const update = restoreUpdate(beforeState, version);
      Y.applyUpdate(live, update);
      // Someone edits the restored document (a whole new random version, as the editor writes it).
      const other = new Y.Doc();
      Y.applyUpdate(other, Y.encodeStateAsUpdate(live));
      editTo(other, randomDoc(r));
      Y.applyUpdate(live, Y.encodeStateAsUpdate(other, Y.encodeStateVector(live)));
      const before = new Y.Doc({ gc: false });
      Y.applyUpdate(before, beforeState);
      Y.applyUpdate(live, undoRestoreUpdate(before, update, Y.encodeStateAsUpdate(live)));
      const c = counts(live);
      expect({ seed, ...c }).toEqual({ seed, inY: c.inY, read: c.inY, valid: true });
    }
  });
});

describe('comments through a restore', () => {
  const quoted = (ydoc: Y.Doc) => {
    const [c] = readComments(ydoc);
    return quoteAnchors(ydoc, [c!.anchor])[0];
  };
  it('a comment over text of two paragraphs moves onto that text when the restore rewrites them, and back when it is undone', () => {
    const p = (type: string, text: string) => schema.node(type, type === 'heading' ? { level: 1 } : null, [schema.text(text)]);
    const live = new Y.Doc();
    editTo(live, schema.node('doc', null, [p('paragraph', 'Alpha beta'), p('paragraph', 'Gamma delta')]));
    const version = new Y.Doc();
    Y.applyUpdate(version, Y.encodeStateAsUpdate(live));
    // Both made headings since (y-prosemirror writes them as new elements), then a comment over "beta" … "Gamma".
    editTo(live, schema.node('doc', null, [p('heading', 'Alpha beta'), p('heading', 'Gamma delta')]));
    const [h1, h2] = live.getXmlFragment(FRAGMENT).toArray() as Y.XmlElement[];
    const anchor = {
      start: Y.createRelativePositionFromTypeIndex(h1!.get(0) as Y.XmlText, 6, 0),
      end: Y.createRelativePositionFromTypeIndex(h2!.get(0) as Y.XmlText, 5, -1),
    };
    const comment = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(newCommentFields({ body: 'Check these', anchor, now: 1 }))) comment.set(k, v);
    commentsOf(live).set('c1', comment);
    expect(quoted(live)).toEqual({ quote: 'beta\nGamma', orphaned: false, truncated: false });

    const beforeState = Y.encodeStateAsUpdate(live);
    const update = restoreUpdate(beforeState, version);
    Y.applyUpdate(live, update);
    expect(read(live)).toEqual(read(version));
    // The restored version still has the text: the comment is on it, not orphaned.
    expect(quoted(live)).toEqual({ quote: 'beta\nGamma', orphaned: false, truncated: false });

    const before = new Y.Doc({ gc: false });
    Y.applyUpdate(before, beforeState);
    Y.applyUpdate(live, undoRestoreUpdate(before, update, Y.encodeStateAsUpdate(live)));
    expect(quoted(live)).toEqual({ quote: 'beta\nGamma', orphaned: false, truncated: false });
  });
});

describe('comments through a restore, over inline nodes', () => {
  const quoted = (ydoc: Y.Doc) => {
    const [c] = readComments(ydoc);
    return quoteAnchors(ydoc, [c!.anchor])[0];
  };
  const comment = (live: Y.Doc, body: string, anchor: { start: Y.RelativePosition; end: Y.RelativePosition }) => {
    const map = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(newCommentFields({ body, anchor, now: 1 }))) map.set(k, v);
    commentsOf(live).set('c1', map);
  };
  /** `live` (with one comment, quoting `was`) restored to `version`, then the restore undone: the comment quotes `was` throughout. */
  const restoreAndUndo = (live: Y.Doc, version: Y.Doc, was: ReturnType<typeof quoted>) => {
    const beforeState = Y.encodeStateAsUpdate(live);
    const update = restoreUpdate(beforeState, version);
    Y.applyUpdate(live, update);
    expect(read(live)).toEqual(read(version));
    expect(quoted(live)).toEqual(was);
    const before = new Y.Doc({ gc: false });
    Y.applyUpdate(before, beforeState);
    Y.applyUpdate(live, undoRestoreUpdate(before, update, Y.encodeStateAsUpdate(live)));
    expect(quoted(live)).toEqual(was);
  };
  /** A paragraph of `parts` as the version, then made a heading (y-prosemirror writes it as a new element). */
  const paragraphMadeHeading = (parts: () => Node[]) => {
    const block = (type: string) => schema.node(type, type === 'heading' ? { level: 1 } : null, parts());
    const live = new Y.Doc();
    editTo(live, schema.node('doc', null, [block('paragraph')]));
    const version = new Y.Doc();
    Y.applyUpdate(version, Y.encodeStateAsUpdate(live));
    editTo(live, schema.node('doc', null, [block('heading')]));
    return { live, version };
  };

  for (const [name, inline] of [
    ['an image', () => schema.nodes.image!.create({ src: 'https://a.example/1.png' })],
    ['a line break', () => schema.nodes.hard_break!.create()],
  ] as const) {
    it(`a comment over text with ${name} in it moves onto that text when the restore rewrites its paragraph, and back when it is undone`, () => {
      const { live, version } = paragraphMadeHeading(() => [schema.text('Alpha beta'), inline(), schema.text('gamma delta')]);
      const [h] = live.getXmlFragment(FRAGMENT).toArray() as Y.XmlElement[];
      const texts = h!.toArray().filter((n): n is Y.XmlText => n instanceof Y.XmlText);
      comment(live, 'Check these', {
        start: Y.createRelativePositionFromTypeIndex(texts[0]!, 6, 0),
        end: Y.createRelativePositionFromTypeIndex(texts.at(-1)!, 5, -1),
      });
      const was = quoted(live);
      expect(was?.orphaned).toBe(false);
      restoreAndUndo(live, version, was);
    });
  }

  /** A comment's anchor on the first `name` node of `live`, as the editor anchors a selected node: the positions just before and after it. */
  const anchorAround = (live: Y.Doc, name: string) => {
    const fragment = live.getXmlFragment(FRAGMENT);
    const { doc, mapping } = initProseMirrorDoc(fragment, schema);
    let from = -1;
    doc.descendants((node, pos) => {
      if (node.type.name === name && from < 0) from = pos;
    });
    return { start: absolutePositionToRelativePosition(from, fragment, mapping), end: absolutePositionToRelativePosition(from + 1, fragment, mapping) };
  };
  it.each([
    ['between words', () => [schema.text('See '), 'image', schema.text(' here')]],
    ['alone in its paragraph', () => ['image']],
  ] as const)('a comment on an image is quoted by its description (%s), as the editor quotes it, and stays on the image through a restore and its undo', (_, parts) => {
    const image = () => schema.nodes.image!.create({ src: 'https://a.example/cat.png', alt: 'A cat' });
    const { live, version } = paragraphMadeHeading(() => parts().map((p) => (p === 'image' ? image() : p)));
    comment(live, 'Nice cat', anchorAround(live, 'image'));
    const was = { quote: '[image: A cat]', orphaned: false, truncated: false };
    expect(quoted(live)).toEqual(was);
    restoreAndUndo(live, version, was);
  });
});
