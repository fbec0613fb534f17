// Whose each Yjs client id is. Yjs trusts an update's client ids: whoever writes under an id at its next
// clock makes that clock theirs, and the id's owner's own edit at that clock then arrives "already held",
// is acknowledged as stored and changes nothing. So, for a signed-in writer, what an update writes under
// an id someone else claimed first is not stored: the first author whose stored update wrote under the
// id (read from the log's tail when the document loads, and from every update stored since), or, for
// an id nobody has written under yet, whoever holds it in presence now (a stock client announces its id
// there as it connects).
//
// What is dropped: only the other person's part. An update may carry another's writing legitimately (a
// page's sync step 2 holds what this browser kept of someone else's that the server lacks): the writer's
// own part is stored, the other's is kept for its author's own page to send. An update under an id its
// writer holds in presence, though, is that writer's own typing under an id someone else wrote under
// first: refused, so that its page says so and starts again with a new id, rather than being told it
// was stored.
//
// Not checked: anonymous writers (no sign-in: every identity is self-declared, so there is none to
// protect), and ids held in presence on another instance that nobody has written under yet.

import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { Refused } from './update-gate.js';

export interface IdClaims {
  /** The author whose stored update first wrote under `client`, if known. */
  writtenBy(client: number): string | undefined;
  /** The author holding `client` in presence on this instance now, if anyone does. */
  heldBy(client: number): string | undefined;
}

/** What of an update its writer may store: all of it, a part (`dropped` names the others' ids), or nothing. */
export type OwnPart = { readonly update: Uint8Array; readonly dropped: readonly number[] } | Refused;

/** Beyond any clock: a state vector entry that makes Y.diffUpdate leave out every struct of its client. */
const ALL_OF_IT = 2 ** 50;

export const FOREIGN_ID_REFUSAL = 'another person had already written under the Yjs client id this page writes under';

/**
 * The part of `update` that `author` may store. `holds(client)`: whether the writer's own connection
 * holds `client` in presence.
 */
export function keepOwn(update: Uint8Array, author: string, claims: IdClaims, holds: (client: number) => boolean): OwnPart {
  const clients = writtenClients(update);
  const foreign = clients.filter((client) => {
    const claimant = claims.writtenBy(client) ?? claims.heldBy(client);
    return claimant !== undefined && claimant !== author;
  });
  if (foreign.length === 0) return { update, dropped: [] };
  if (foreign.some(holds)) return new Refused(FOREIGN_ID_REFUSAL);
  const left = Y.diffUpdate(update, Y.encodeStateVector(new Map(foreign.map((client) => [client, ALL_OF_IT]))));
  return { update: left, dropped: foreign };
}

/**
 * The client ids `update` writes structs under. The usual update (one client's typing) is read from its
 * first three numbers; one that does not decode writes nothing here (the update gate refuses it).
 */
function writtenClients(update: Uint8Array): number[] {
  try {
    const decoder = decoding.createDecoder(update);
    const clients = decoding.readVarUint(decoder);
    if (clients === 0) return [];
    if (clients === 1) {
      decoding.readVarUint(decoder); // how many structs
      return [decoding.readVarUint(decoder)];
    }
    return [...Y.parseUpdateMeta(update).from.keys()];
  } catch {
    return [];
  }
}
