// Building the edit that makes an older version the current content again, as a new change on top of
// the history (nothing in the log is removed).

import { FRAGMENT } from '@tandem/schema';
import * as Y from 'yjs';

/** The Yjs update that turns the content of `current` (a document's encoded state) into `target`'s. */
export function restoreUpdate(current: Uint8Array, target: Y.Doc): Uint8Array {
  const work = new Y.Doc();
  Y.applyUpdate(work, current);
  let update: Uint8Array | undefined;
  work.on('update', (u: Uint8Array) => (update = u));
  work.transact(() => {
    const fragment = work.getXmlFragment(FRAGMENT);
    if (fragment.length > 0) fragment.delete(0, fragment.length);
    const content = target.getXmlFragment(FRAGMENT).toArray().map((node) => node.clone());
    if (content.length > 0) fragment.insert(0, content as Array<Y.XmlElement | Y.XmlText>);
  });
  work.destroy();
  return update ?? Y.encodeStateAsUpdate(new Y.Doc());
}
