// Following a renamed document: the server closes its old name with 4430 (`moved: <new name>`); the page
// stays as it is and only its connection and this browser's copy move to the new name (see
// DocumentSync.moveTo), so nothing typed and not yet stored is lost, and nothing of the old name stays.

import { currentName } from '../api/client.js';

export const MOVED_CLOSE_CODE = 4430;

/** Whether a SyncStatus.deniedReason (`<code> <reason>`) says the document was renamed. */
export const isMoved = (deniedReason: string): boolean => deniedReason.startsWith(`${MOVED_CLOSE_CODE} `);

/** The new name, from the close reason when it carries one, else from the server. */
export async function newNameOf(oldName: string, deniedReason: string): Promise<string> {
  const reason = deniedReason.slice(`${MOVED_CLOSE_CODE} `.length);
  return reason.startsWith('moved: ') ? reason.slice('moved: '.length) : currentName(oldName);
}
