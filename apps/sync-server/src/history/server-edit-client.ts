// The Yjs client id the server writes under when it makes an edit itself for someone (content replaced
// through the API, a restore, the undo of one): the same id for one author's edits of one document while
// this process runs, instead of a new random id per edit. Yjs makes every transaction cost time in the
// number of client ids a document ever held (bench/past-clients.ts), on every page and on the server, and a
// script replacing a document's content every few minutes added one each time.
//
// Safe to write under again only while every clock written under it is in the document the next edit is
// built on: such edits of one document take turns (room.exclusive) and each is built on the room's state
// caught up with the log (room.caughtUp). So the id is forgotten, and the next edit takes a new random one,
// whenever that may not hold:
// - an edit's commit failed (it may have been stored all the same, and the log not read back yet);
// - the process stops (a restore from a backup, or a power cut under DURABILITY=none or flush-before-ack,
//   can take edits out of the log that pages still hold: a new process never writes under the old ids);
// - the document is another one of the same name (deleted for good and created again: `createdAt`).
// Each instance picks its own ids (random, so two instances never write under one id, even should the lock
// between them be lost), and nobody can guess one to write under it first.

import * as Y from 'yjs';

/** Ids remembered at most (one per document and author edited since the process started): the oldest go. */
const MAX_REMEMBERED = 10_000;

export class ServerEditIds {
  private readonly ids = new Map<string, number>();

  /** The id `author`'s next edit of `doc` (created at `createdAt`, ms; undefined if unknown: a new id) is written under. */
  clientFor(doc: string, createdAt: number | undefined, author: string): number | undefined {
    if (createdAt === undefined) return undefined;
    const key = keyOf(doc, createdAt, author);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = new Y.Doc().clientID; // Yjs' own random id
      if (this.ids.size >= MAX_REMEMBERED) this.ids.delete(this.ids.keys().next().value!);
    } else this.ids.delete(key); // taken to the end: the most recently used stay
    this.ids.set(key, id);
    return id;
  }

  /** `author`'s last edit of `doc` may not be in the log as the room has it: its id is not used again. */
  forget(doc: string, createdAt: number | undefined, author: string): void {
    if (createdAt !== undefined) this.ids.delete(keyOf(doc, createdAt, author));
  }

  /**
   * Runs `edit` with the id for `author`'s edit of `doc`; forgets the id when `edit` fails (its commit may
   * have stored it all the same).
   */
  async writing<T>(doc: string, createdAt: number | undefined, author: string, edit: (client: number | undefined) => Promise<T>): Promise<T> {
    try {
      return await edit(this.clientFor(doc, createdAt, author));
    } catch (error) {
      this.forget(doc, createdAt, author);
      throw error;
    }
  }
}

const keyOf = (doc: string, createdAt: number, author: string) => `${doc}\0${createdAt}\0${author}`;

/**
 * Makes `work` (which holds the document's state, applied before this: Yjs takes writing under a
 * document's own id that arrives from elsewhere as another client using it, and picks a new id) write
 * under `client`; a `client` of undefined leaves its own random id.
 */
export function writeUnder(work: Y.Doc, client: number | undefined): void {
  if (client !== undefined) work.clientID = client;
}
