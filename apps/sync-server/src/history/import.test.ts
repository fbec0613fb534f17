import { FRAGMENT, fromMarkdown } from '@tandem/schema';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { replacementUpdate } from './import.js';

describe('replacementUpdate', () => {
  it('writes only under its own client id when the document holds an update still waiting for an earlier one', () => {
    // One person's two updates; the live document has the second without the first (with several
    // instances, one behind the log holds such an update until the first reaches it).
    const person = new Y.Doc();
    const text = new Y.XmlText();
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [text]);
    person.getXmlFragment(FRAGMENT).insert(0, [paragraph]);
    const first = Y.encodeStateAsUpdate(person);
    const sv = Y.encodeStateVector(person);
    text.insert(0, 'typed later');
    const second = Y.encodeStateAsUpdate(person, sv);

    const live = new Y.Doc();
    live.getXmlFragment(FRAGMENT); // the type exists, as in the server's document
    Y.applyUpdate(live, second);
    expect(live.store.pendingStructs).not.toBeNull();
    const current = Y.encodeStateAsUpdate(live);

    const update = replacementUpdate(current, fromMarkdown('# Replaced\n'));
    expect(update).toBeDefined();
    const writers = new Set(Y.decodeUpdate(update!).structs.map((s) => s.id.client));
    expect(writers.has(person.clientID)).toBe(false);
    expect(writers.size).toBe(1);

    // Applied where the person's first update arrives too, it shows the replacement and their text.
    const after = new Y.Doc();
    Y.applyUpdate(after, current);
    Y.applyUpdate(after, update!);
    Y.applyUpdate(after, first);
    expect(after.getXmlFragment(FRAGMENT).toString()).toContain('Replaced');
  });

  it('is undefined when the content is already the node', () => {
    const live = new Y.Doc();
    const node = fromMarkdown('Same\n');
    const current = Y.encodeStateAsUpdate(live);
    const update = replacementUpdate(current, node);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update!);
    expect(replacementUpdate(Y.encodeStateAsUpdate(doc), node)).toBeUndefined();
  });
});
