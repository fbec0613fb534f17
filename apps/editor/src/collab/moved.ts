// Following a renamed document: the server closes its old name with 4430 (`moved: <new name>`); the page
// moves to the new address, carrying this browser's copy of the document so that nothing typed and not
// yet stored is lost (the new page sends it with its first sync), and nothing of the old name stays.

import * as Y from 'yjs';
import { currentName } from '../api/client.js';

export const MOVED_CLOSE_CODE = 4430;
const CARRY_PREFIX = 'tandem:carry:';

/** Whether a SyncStatus.deniedReason (`<code> <reason>`) says the document was renamed. */
export const isMoved = (deniedReason: string): boolean => deniedReason.startsWith(`${MOVED_CLOSE_CODE} `);

/** The new name, from the close reason when it carries one, else from the server. */
export async function newNameOf(oldName: string, deniedReason: string): Promise<string> {
  const reason = deniedReason.slice(`${MOVED_CLOSE_CODE} `.length);
  return reason.startsWith('moved: ') ? reason.slice('moved: '.length) : currentName(oldName);
}

/** Keeps `doc`'s whole state for the page that opens `newName` in this tab; false if it could not be kept. */
export function carryTo(newName: string, doc: Y.Doc): boolean {
  const update = Y.encodeStateAsUpdate(doc);
  let binary = '';
  for (let i = 0; i < update.length; i += 0x8000) binary += String.fromCharCode(...update.subarray(i, i + 0x8000));
  try {
    sessionStorage.setItem(CARRY_PREFIX + newName, btoa(binary));
    return true;
  } catch {
    return false; // too big for sessionStorage: what the server has is all the new page gets
  }
}

/** Applies what the previous page carried to `name` (once), before it connects. */
export function takeCarried(name: string, doc: Y.Doc): void {
  const kept = sessionStorage.getItem(CARRY_PREFIX + name);
  if (kept === null) return;
  sessionStorage.removeItem(CARRY_PREFIX + name);
  try {
    Y.applyUpdate(doc, Uint8Array.from(atob(kept), (c) => c.charCodeAt(0)));
  } catch {
    // Not an update (tampered with): the server's copy is what opens.
  }
}
