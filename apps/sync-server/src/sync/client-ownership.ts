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
// own part is stored, the other's is kept for its author's own page to send. The whole update is refused
// instead (its page says so and starts again from the server, with a new id), never acknowledged with a
// part of it missing, when: its writer holds the id in presence (its own typing, under an id someone else
// wrote under first); what it keeps builds on the part dropped (stored, it would wait unseen for that
// part, maybe for good); or it deletes what the other person has not written yet (their next keystrokes,
// deleted in advance, would be acknowledged and never shown). Those last two only with one instance:
// with several, this one may be behind the log (a page that moved here from another instance saw writing
// this one has not applied yet), and refusing would make a page that did nothing wrong start again.
//
// An id the document holds writing under that no claim covers (written only before the checkpoint the
// document was loaded from) is looked up in the log first (Unclaimed): the update waits for that.
//
// Not checked: anonymous writers (no sign-in: every identity is self-declared, so there is none to
// protect); ids held in presence on another instance that nobody has written under yet.

import * as Y from 'yjs';
import { Refused } from './update-gate.js';

export interface IdClaims {
  /** The author whose stored update first wrote under `client`, if known. */
  writtenBy(client: number): string | undefined;
  /** The author holding `client` in presence on this instance now, if anyone does. */
  heldBy(client: number): string | undefined;
  /** The clock the document has reached for `client` (what others can have seen of it). */
  stateOf(client: number): number;
  /** Whether whoever wrote under `client` (if anyone) is known: else it must be looked up first. */
  known(client: number): boolean;
}

/** An update writing under (or deleting from) ids whose writers must be looked up in the log before it is judged. */
export class Unclaimed {
  constructor(readonly clients: readonly number[]) {}
}

/** What of an update its writer may store: all of it, a part (`dropped` names the others' ids), or nothing. */
export type OwnPart = { readonly update: Uint8Array; readonly dropped: readonly number[] } | Refused | Unclaimed;

/** Beyond any clock: a state vector entry that makes Y.diffUpdate leave out every struct of its client. */
const ALL_OF_IT = 2 ** 50;

export const FOREIGN_ID_REFUSAL = 'another person had already written under the Yjs client id this page writes under';
export const BUILDS_ON_FOREIGN_REFUSAL = "it builds on another person's writing that they have not sent themselves";
export const DELETES_AHEAD_REFUSAL = 'it deletes what another person has not written yet';

/**
 * The part of `update` that `author` may store. `holds(client)`: whether the writer's own connection
 * holds `client` in presence. `complete`: the document holds everything the log does (one instance), so
 * what it lacks nobody has seen. An update that does not decode is returned whole (the update gate refuses it).
 */
export function keepOwn(update: Uint8Array, author: string, claims: IdClaims, holds: (client: number) => boolean, complete: boolean): OwnPart {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return { update, dropped: [] };
  }
  const unknown = new Set<number>();
  for (const struct of decoded.structs) if (!claims.known(struct.id.client)) unknown.add(struct.id.client);
  // Deleting what the document holds is anyone's to do: only deletions past an id's state need its writer.
  for (const [client, ranges] of decoded.ds.clients) {
    if (!claims.known(client) && ranges.some((range) => range.clock + range.len > claims.stateOf(client))) unknown.add(client);
  }
  if (unknown.size > 0) return new Unclaimed([...unknown]);
  const others = new Map<number, boolean>();
  const foreign = (client: number): boolean => {
    let is = others.get(client);
    if (is === undefined) {
      const claimant = claims.writtenBy(client) ?? claims.heldBy(client);
      others.set(client, (is = claimant !== undefined && claimant !== author));
    }
    return is;
  };
  for (const [client, ranges] of complete ? decoded.ds.clients : []) {
    if (foreign(client) && ranges.some((range) => range.clock + range.len > claims.stateOf(client))) return new Refused(DELETES_AHEAD_REFUSAL);
  }
  const dropped = [...new Set(decoded.structs.map((struct) => struct.id.client))].filter(foreign);
  if (dropped.length === 0) return { update, dropped: [] };
  if (dropped.some(holds)) return new Refused(FOREIGN_ID_REFUSAL);
  // What is kept must not refer to what is dropped and the document lacks.
  const missing = (id: Y.ID | null | undefined) => id != null && dropped.includes(id.client) && id.clock >= claims.stateOf(id.client);
  for (const struct of complete ? decoded.structs : []) {
    if (!(struct instanceof Y.Item) || dropped.includes(struct.id.client)) continue;
    if (missing(struct.origin) || missing(struct.rightOrigin) || (struct.parent instanceof Y.ID && missing(struct.parent))) return new Refused(BUILDS_ON_FOREIGN_REFUSAL);
  }
  const kept = Y.diffUpdate(update, Y.encodeStateVector(new Map(dropped.map((client) => [client, ALL_OF_IT]))));
  return { update: kept, dropped };
}
