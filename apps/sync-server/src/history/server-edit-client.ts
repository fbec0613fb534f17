// The Yjs client id the server writes under when it makes an edit itself for someone (content replaced
// through the API, a restore, the undo of one): one per document and author, the same every time, instead
// of a new random id per edit. Yjs makes every transaction cost time in the number of client ids a
// document ever held (bench/past-clients.ts), on every page and on the server, and a script replacing a
// document's content every few minutes added one each time.
//
// Safe to write under again: such edits of one document take turns (room.exclusive, across instances
// too), and each is built on the room's state caught up with the log (room.caughtUp), which holds every
// earlier one, so each goes on from the clock the last one reached. The id is one person's, as every id
// is (client-ownership.ts binds an id to whoever first wrote under it): the author is part of what it is
// derived from. So is when the document was created: one deleted for good and created again under its name
// starts with other ids, which a page still holding the old one's writing cannot hold already. It may meet
// a browser's random id as two random ids may meet (2^-32 per pair).

import { createHash } from 'node:crypto';
import * as Y from 'yjs';

/**
 * The client id `author`'s edits of `doc` (created at `createdAt`, ms) made by the server are written under;
 * undefined (a new random id) while when it was created is not known.
 */
export function serverEditClient(doc: string, createdAt: number | undefined, author: string): number | undefined {
  if (createdAt === undefined) return undefined;
  return createHash('sha256').update(`tandem:server-edit\0${doc}\0${createdAt}\0${author}`).digest().readUInt32BE(0);
}

/**
 * Makes `work` (which holds the document's state, applied before this: Yjs takes writing under a
 * document's own id that arrives from elsewhere as another client using it, and picks a new id) write
 * under `client`; a `client` of undefined leaves its own random id.
 */
export function writeUnder(work: Y.Doc, client: number | undefined): void {
  if (client !== undefined) work.clientID = client;
}
