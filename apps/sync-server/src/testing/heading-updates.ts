// Updates a page makes to a heading's level, for tests of how the server judges values (update-gate.ts).
import * as Y from 'yjs';

/** A page's two updates: a heading of level 1 (`created`), then its level changed to `level` (`changed`). */
export function headingThenLevel(level: unknown): { created: Uint8Array; changed: Uint8Array } {
  const page = new Y.Doc();
  const updates: Uint8Array[] = [];
  page.on('update', (u: Uint8Array) => updates.push(u));
  const heading = new Y.XmlElement('heading');
  page.transact(() => {
    page.getXmlFragment('prosemirror').insert(0, [heading]);
    heading.setAttribute('level', 1 as unknown as string);
  });
  heading.setAttribute('level', level as string);
  return { created: updates[0]!, changed: updates[1]! };
}
