// Two pages make the same words bold at once. Each page, applying the other's formatting, deletes the
// markers now doubled and sends those deletions. The room's document and the update gate must change only
// by what is stored: a room that cleaned up by itself held deletions the log did not, and judged the
// page's own deletions as held already, so they were never stored.

import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { serverDoc } from './server-doc.js';
import { UpdateGate } from './update-gate.js';

const text = (d: Y.Doc) => d.getXmlFragment('prosemirror').get(0) as Y.XmlText;
const deleted = (d: Y.Doc) => [...Y.createDeleteSetFromStructStore(d.store).clients.keys()];

it("changes only by the updates it is given; a page's clean-up of doubled formatting is stored", () => {
  const base = new Y.Doc();
  base.getXmlFragment('prosemirror').insert(0, [new Y.XmlText('hello world')]);
  const [ann, ben] = [new Y.Doc(), new Y.Doc()];
  for (const d of [ann, ben]) Y.applyUpdate(d, Y.encodeStateAsUpdate(base));
  const madeBy = (d: Y.Doc, change: () => void) => {
    const made: Uint8Array[] = [];
    const keep = (u: Uint8Array, origin: unknown) => void (origin !== 'remote' && made.push(u));
    d.on('update', keep);
    change();
    d.off('update', keep);
    return Y.mergeUpdates(made);
  };
  const annBold = madeBy(ann, () => text(ann).format(0, 5, { strong: {} }));
  const benBold = madeBy(ben, () => text(ben).format(0, 5, { strong: {} }));
  // Ann hears Ben's bold: her page deletes the doubled markers, a change of its own that it sends.
  const annCleanup = madeBy(ann, () => Y.applyUpdate(ann, benBold, 'remote'));
  expect(Y.decodeUpdate(annCleanup).ds.clients.size).toBeGreaterThan(0);

  // The room applies the stored updates one at a time, as they come.
  const room = serverDoc();
  const gate = new UpdateGate(room, 'doc');
  for (const update of [Y.encodeStateAsUpdate(base), annBold, benBold]) {
    Y.applyUpdate(room, update);
    gate.sourceChanged(update, 'someone');
  }
  expect(deleted(room)).toEqual([]); // nothing of its own: what the log's replay holds
  expect(gate.admitAll([annCleanup])).toEqual(['store']);
});
