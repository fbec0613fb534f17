// Who may speak for each awareness (presence) client id of one document, and how much presence each
// connection and the document may hold. Every awareness message from a client passes through here,
// entry by entry, before anything of it reaches the room's Awareness.

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Logger } from 'pino';
import * as awarenessProtocol from 'y-protocols/awareness';
import { isAnonymous, type Principal } from '../auth/token.js';
import { TandemError } from '../errors.js';
import type { SyncEvents } from './events.js';
import { encodeAwareness } from './protocol.js';

export interface PresenceLimits {
  /** Client ids one connection may hold a state for at once. */
  readonly maxStatesPerConnection: number;
  /** Largest state (its JSON, in UTF-8 bytes); a larger one closes the connection. */
  readonly maxStateBytes: number;
  /** States one document may hold at once. */
  readonly maxStatesPerDoc: number;
}

/** The side of a connection the guard needs. */
export interface PresenceOwner {
  readonly principal: Principal;
  readonly log: Logger;
  send(data: Uint8Array): void;
}

export interface PresenceGuardDeps {
  readonly doc: string;
  readonly awareness: awarenessProtocol.Awareness;
  readonly limits: PresenceLimits;
  readonly events: SyncEvents;
}

interface Entry {
  readonly id: number;
  readonly clock: number;
  /** The state's JSON as sent, re-encoded unchanged when accepted. */
  readonly json: Uint8Array;
  readonly removal: boolean;
}

interface Claim extends Entry {
  /** Sent with a clock above the one the document last sent for this id. */
  readonly advanced: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** States remembered per id whose clock the server raised (see PresenceGuard.raised). */
const MAX_RAISED_REMEMBERED = 8;
/** How long a removal made here is remembered, to send again after Redis was away: y-protocols' `outdatedTimeout`. */
const RELEASED_REMEMBERED_MS = awarenessProtocol.outdatedTimeout;
const utf8Encoder = new TextEncoder();

/**
 * The connection that announced a client id owns it while the id has a state: updates and removals
 * for it from any other connection are dropped and counted. Ownership ends when the state does (its
 * owner removes it, it times out after 30 s without renewal, or its owner's connection closes); the
 * next connection to announce the id then takes it, as a stock client does when it reconnects with
 * the same id. A connection of the same signed-in user takes an id over at once, so a reconnect is
 * not shadowed by its own half-open predecessor: with the announcement a stock client opens with, or
 * with a newer state. Stock clients send back every state they receive, so a second tab of the same
 * user echoes the first's state: an echo is never newer, and taking the id over with it would start
 * the two tabs taking it from each other, hundreds of times a second. Nor does a late echo of a state
 * that was removed make its sender the owner (isLateEcho).
 *
 * Clocks: every client keeps the last clock it saw for an id, also after the state was removed, and
 * ignores a state that is not newer. A stock client that reconnects announces itself with the clock
 * it had, so a claim at or below the clock the document last sent for that id goes out one above it,
 * and the claimer is told, so that its own next update is newer still.
 */
export class PresenceGuard {
  private readonly owners = new Map<number, PresenceOwner>();
  private readonly owned = new Map<PresenceOwner, Set<number>>();
  private readonly warned = new WeakSet<PresenceOwner>();
  /**
   * Ids whose clock the server raised (away, back, an owner's state sent above) past the one their owner
   * last sent, with the state (its JSON, `away` aside) the document held at each clock it chose: the
   * owner is sent those, and a stock client sends back what it is sent (see ownEntry).
   */
  private readonly raised = new Map<number, Map<number, string>>();
  /** The instance each remotely held id came from (see receiveRemote, releaseInstance). */
  private readonly remoteFrom = new Map<number, string>();
  /** Counts joins and removals, to tell which connections were sent which removal (see isLateEcho). */
  private moment = 0;
  /** When each id whose state is gone was removed. */
  private readonly removedAt = new Map<number, number>();
  /**
   * Ids whose state a connection here held, removed lately (its owner's removal, or its connection
   * closed), with when (ms): their removal may not have reached the other instances (Redis away at the
   * time), and is sent again when this instance hears Redis again (see releasedRecently).
   */
  private readonly releasedHere = new Map<number, number>();
  /** When each connection joined. */
  private readonly joinedAt = new WeakMap<PresenceOwner, number>();
  /** Connections that have sent an awareness message (the first is a stock client's announcement of itself). */
  private readonly spoken = new WeakSet<PresenceOwner>();

  constructor(private readonly deps: PresenceGuardDeps) {
    // However a state ends (removed by its owner, timed out, its owner gone), its id is free again.
    deps.awareness.on('update', ({ removed }: { removed: number[] }) => {
      for (const id of removed) {
        const owner = this.owners.get(id);
        if (owner !== undefined && owner !== REMOTE_OWNER) this.rememberReleased(id);
        this.disown(id);
        this.removedAt.set(id, ++this.moment);
      }
    });
  }

  /** The connection on this instance that holds `id` now, if one does (not another instance's). */
  holder(id: number): PresenceOwner | undefined {
    const owner = this.owners.get(id);
    return owner === REMOTE_OWNER ? undefined : owner;
  }

  /** `owner` joined the document: it is sent every state there is now, and every change from now on. */
  joined(owner: PresenceOwner): void {
    this.joinedAt.set(owner, ++this.moment);
  }

  /**
   * Applies what `owner` may change of an awareness update, with `owner` as the origin. Throws
   * TandemError ('bad-message' for anything malformed, 'too-large' for an oversized state) before
   * applying anything.
   */
  receive(owner: PresenceOwner, update: Uint8Array): void {
    const accepted: Entry[] = [];
    const claimed: Claim[] = [];
    let notOwner = 0;
    const entries = this.decode(update);
    const opening = !this.spoken.has(owner);
    this.spoken.add(owner);
    for (const entry of entries) {
      const holder = this.owners.get(entry.id);
      if (holder === owner) {
        this.ownEntry(entry, accepted, claimed);
      } else if (holder !== undefined) {
        if (!entry.removal && sameUser(holder, owner) && (opening || this.isNewer(entry))) {
          this.disown(entry.id);
          this.claim(owner, entry, accepted, claimed);
        } else if (this.wouldChange(entry)) {
          notOwner += 1;
        }
        // else: a stock client echoing a state it received; it changes nothing.
      } else if (!entry.removal && entry.id !== this.deps.awareness.clientID && !this.isLateEcho(owner, entry)) {
        if ((this.owned.get(owner)?.size ?? 0) >= this.deps.limits.maxStatesPerConnection) {
          this.overLimit(owner, 'awareness-states-per-connection');
        } else if (this.owners.size >= this.deps.limits.maxStatesPerDoc) {
          this.overLimit(owner, 'awareness-states-per-doc');
        } else {
          this.claim(owner, entry, accepted, claimed);
        }
      }
      // A removal of an id nobody holds has nothing to remove; a late echo of a removed state changes nothing.
    }
    if (notOwner > 0) {
      this.deps.events.awarenessStatesDropped(this.deps.doc, 'not-owner', notOwner);
      this.warnOnce(owner, 'awareness-not-owner', 'dropped awareness states for client ids another connection holds');
    }
    if (accepted.length === 0) return;
    awarenessProtocol.applyAwarenessUpdate(this.deps.awareness, encode(accepted), owner);
    // A claim the Awareness did not take (an initial clock of 0 is never applied) owns nothing.
    for (const { id } of claimed) if (!this.deps.awareness.states.has(id)) this.disown(id);
    const advanced = claimed.filter((entry) => entry.advanced && this.owners.get(entry.id) === owner);
    if (advanced.length > 0) owner.send(encodeAwareness(encode(advanced)));
  }

  /**
   * Applies the states other instances' connections hold, as their instance sent them (it checked
   * them, and set `away` itself). Their ids belong to that instance while they last: no connection
   * here may take one over (its updates for such an id are dropped as another's). Ids a connection
   * here holds are not changed from afar. `from` names the instance, so that what it held can be
   * dropped at once when it dies (releaseInstance).
   */
  receiveRemote(update: Uint8Array, origin: unknown, from: string): void {
    const accepted: Entry[] = [];
    for (const entry of this.decode(update, true)) {
      const holder = this.owners.get(entry.id);
      if (holder !== undefined && holder !== REMOTE_OWNER) continue;
      if (holder === undefined && !entry.removal) {
        this.owners.set(entry.id, REMOTE_OWNER);
        let ids = this.owned.get(REMOTE_OWNER);
        if (ids === undefined) this.owned.set(REMOTE_OWNER, (ids = new Set()));
        ids.add(entry.id);
      }
      if (!entry.removal) this.remoteFrom.set(entry.id, from);
      accepted.push(entry);
    }
    if (accepted.length === 0) return;
    awarenessProtocol.applyAwarenessUpdate(this.deps.awareness, encode(accepted), origin);
    for (const { id } of accepted) if (!this.deps.awareness.states.has(id)) this.disown(id);
  }

  /**
   * Marks every state `owner` holds as away (`away: true`), or no longer away, for everyone: the
   * state re-sent by the server with its clock raised by one, a legitimate awareness update that
   * stock clients apply. Only the server sets `away`: a client's own `away` field is dropped (see decode).
   */
  setAway(owner: PresenceOwner, away: boolean, origin: unknown): void {
    const ids = this.owned.get(owner);
    if (ids === undefined) return;
    const { awareness } = this.deps;
    const entries: Entry[] = [];
    for (const id of ids) {
      const state = awareness.states.get(id);
      const clock = awareness.meta.get(id)?.clock;
      if (state === undefined || clock === undefined || (state.away === true) === away) continue;
      const { away: _was, ...rest } = state;
      entries.push({ id, clock: clock + 1, json: utf8Encoder.encode(JSON.stringify(away ? { ...rest, away: true } : rest)), removal: false });
      this.raise(id, clock + 1, JSON.stringify(rest));
    }
    if (entries.length > 0) awarenessProtocol.applyAwarenessUpdate(awareness, encode(entries), origin);
  }

  /**
   * Sends every state a connection here holds again, for everyone, with its clock raised by two: after
   * this instance was cut off from the others, they took it for dead and removed its people (a removal
   * raises an id's clock by one, see releaseInstance), so a state at its old clock, or one above, would be
   * ignored by them and their clients. The owners take the raised clock as their own, as with setAway.
   */
  reannounce(origin: unknown): void {
    const { awareness } = this.deps;
    const entries: Entry[] = [];
    for (const id of this.localIds()) {
      const state = awareness.states.get(id);
      const clock = awareness.meta.get(id)?.clock;
      if (state === undefined || state === null || clock === undefined) continue;
      const { away: _away, ...rest } = state;
      entries.push({ id, clock: clock + 2, json: utf8Encoder.encode(JSON.stringify(state)), removal: false });
      this.raise(id, clock + 2, JSON.stringify(rest));
    }
    if (entries.length > 0) awarenessProtocol.applyAwarenessUpdate(awareness, encode(entries), origin);
  }

  /**
   * An entry from the id's owner. Its clocks only grow, so one at or below the document's clock means
   * the server raised it (setAway): the owner's state still wins, sent one above, and the owner is
   * told, so that its next update is newer still; unless it is the raised state itself, sent back.
   */
  private ownEntry(entry: Entry, accepted: Entry[], claimed: Claim[]): void {
    const current = this.deps.awareness.meta.get(entry.id)?.clock ?? 0;
    const raised = this.raised.get(entry.id);
    if (entry.clock > current || raised === undefined) {
      if (entry.clock > current) this.raised.delete(entry.id);
      accepted.push(entry);
    } else if (entry.removal) {
      accepted.push({ ...entry, clock: current }); // an equal clock removes a state (y-protocols' rule)
    } else if (this.isSentBack(entry, raised)) {
      // A state the server chose the clock of, sent back by its owner (a stock client takes it as its
      // own and sends it on): nothing new. Raising it again would start the two raising it without end,
      // and could put an older state of the owner's back over a newer one. At the current clock, the
      // owner has caught up: its next state is newer.
      if (entry.clock === current) this.raised.delete(entry.id);
    } else {
      const taken: Claim = { ...entry, clock: current + 1, advanced: true };
      this.raise(entry.id, taken.clock, utf8.decode(entry.json));
      accepted.push(taken);
      claimed.push(taken);
    }
  }

  /** Remembers that the document holds `json` for `id` at `clock`, a clock the server chose. */
  private raise(id: number, clock: number, json: string): void {
    let states = this.raised.get(id);
    if (states === undefined) this.raised.set(id, (states = new Map()));
    states.set(clock, json);
    // A few are enough: an owner sends back what it was sent within a round trip.
    if (states.size > MAX_RAISED_REMEMBERED) states.delete(states.keys().next().value!);
  }

  /** Whether `entry` holds the state the document held at its clock, or holds now (`away` aside). */
  private isSentBack(entry: Entry, raised: ReadonlyMap<number, string>): boolean {
    const json = utf8.decode(entry.json);
    if (raised.get(entry.clock) === json) return true;
    const state = this.deps.awareness.states.get(entry.id);
    if (state === undefined) return false;
    const { away: _away, ...rest } = state;
    return json === JSON.stringify(rest);
  }

  /**
   * Removes every state that instance `from` held, with `origin`: it stopped (its goodbye) or died
   * (its heartbeat stopped), and nobody there will ever remove or renew them.
   */
  releaseInstance(from: string, origin: unknown): number {
    const ids: number[] = [];
    for (const [id, instance] of this.remoteFrom) if (instance === from && this.owners.get(id) === REMOTE_OWNER) ids.push(id);
    for (const id of ids) this.disown(id);
    awarenessProtocol.removeAwarenessStates(this.deps.awareness, ids, origin);
    return ids.length;
  }

  /** The ids whose state a connection here holds (not another instance's): what this instance speaks for. */
  localIds(): number[] {
    const ids: number[] = [];
    for (const [id, owner] of this.owners) if (owner !== REMOTE_OWNER && this.deps.awareness.states.has(id)) ids.push(id);
    return ids;
  }

  /** Removes every state `owner` holds, with `origin`; called when its connection closes. */
  release(owner: PresenceOwner, origin: unknown): void {
    const ids = this.owned.get(owner);
    if (ids === undefined) return;
    this.owned.delete(owner);
    // Also what the server raised for them (away, back): disown, run by the removal below, finds them unowned already.
    for (const id of ids) {
      this.owners.delete(id);
      this.raised.delete(id);
      if (this.deps.awareness.states.has(id)) this.rememberReleased(id);
    }
    awarenessProtocol.removeAwarenessStates(this.deps.awareness, [...ids], origin);
  }

  private rememberReleased(id: number): void {
    const now = Date.now();
    this.releasedHere.delete(id);
    this.releasedHere.set(id, now);
    // Oldest first (insertion order): past the time a state lasts without renewal, every instance has dropped it anyway.
    for (const [old, at] of this.releasedHere) {
      if (now - at < RELEASED_REMEMBERED_MS) break;
      this.releasedHere.delete(old);
    }
  }

  /**
   * The ids a connection here held whose state was removed within the time a state lasts without
   * renewal, and that nobody holds again: what this instance sends as removals again once it hears Redis
   * again, since a removal published while Redis was away reached no other instance (which would show
   * the person for up to 30 s more).
   */
  releasedRecently(): number[] {
    const { awareness } = this.deps;
    const now = Date.now();
    const ids: number[] = [];
    for (const [id, at] of this.releasedHere) {
      if (now - at >= RELEASED_REMEMBERED_MS) this.releasedHere.delete(id);
      else if (!awareness.states.has(id) && !this.owners.has(id) && awareness.meta.has(id)) ids.push(id);
    }
    return ids;
  }

  /**
   * Bounds the clocks remembered for ids whose state is gone (y-protocols keeps one per client id
   * ever seen): at most as many as the document may hold states, the oldest forgotten first. Called
   * after a broadcast, when no removal waits to be sent with its clock.
   */
  trimRemembered(): void {
    const { awareness } = this.deps;
    const own = awareness.meta.has(awareness.clientID) && !awareness.states.has(awareness.clientID) ? 1 : 0;
    let excess = awareness.meta.size - awareness.states.size - own - this.deps.limits.maxStatesPerDoc;
    if (excess <= 0) return;
    for (const id of awareness.meta.keys()) {
      if (excess <= 0) break;
      if (awareness.states.has(id) || this.owners.has(id) || id === awareness.clientID) continue;
      awareness.meta.delete(id);
      // Its removal goes too: a late echo of a forgotten id counts as new (past MAX_AWARENESS_STATES_PER_DOC removed ids only).
      this.removedAt.delete(id);
      excess -= 1;
    }
  }

  /**
   * Whether `entry`, for an id nobody holds, is a state this connection was sent and echoed back (stock
   * clients send back every state they receive) before it was sent the state's removal: the connection
   * joined before the removal, and the entry is no newer than it. The id's owner, back on a new
   * connection, either joined after the removal, or was sent its own removal and answers with a newer
   * clock (y-protocols never lets others remove the local state), so it is never taken for one.
   */
  private isLateEcho(owner: PresenceOwner, entry: Entry): boolean {
    const removedAt = this.removedAt.get(entry.id);
    const joinedAt = this.joinedAt.get(owner);
    if (removedAt === undefined || joinedAt === undefined || joinedAt > removedAt) return false;
    const remembered = this.deps.awareness.meta.get(entry.id)?.clock;
    return remembered === undefined || entry.clock <= remembered;
  }

  private claim(owner: PresenceOwner, entry: Entry, accepted: Entry[], claimed: Claim[]): void {
    const remembered = this.deps.awareness.meta.get(entry.id)?.clock;
    const advanced = remembered !== undefined && entry.clock <= remembered;
    const taken: Claim = advanced ? { ...entry, clock: remembered + 1, advanced } : { ...entry, advanced };
    this.owners.set(entry.id, owner);
    this.removedAt.delete(entry.id);
    let ids = this.owned.get(owner);
    if (ids === undefined) this.owned.set(owner, (ids = new Set()));
    ids.add(entry.id);
    accepted.push(taken);
    claimed.push(taken);
  }

  private disown(id: number): void {
    const owner = this.owners.get(id);
    this.remoteFrom.delete(id);
    if (owner === undefined) return;
    this.owners.delete(id);
    this.raised.delete(id);
    const ids = this.owned.get(owner);
    ids?.delete(id);
    if (ids?.size === 0) this.owned.delete(owner);
  }

  /** Whether `entry` is newer than the state the document holds for its id: a change, never an echo. */
  private isNewer(entry: Entry): boolean {
    return entry.clock > (this.deps.awareness.meta.get(entry.id)?.clock ?? 0);
  }

  /** Whether the Awareness would apply `entry` (the rule of y-protocols' applyAwarenessUpdate). */
  private wouldChange(entry: Entry): boolean {
    const { awareness } = this.deps;
    const clock = awareness.meta.get(entry.id)?.clock ?? 0;
    return clock < entry.clock || (clock === entry.clock && entry.removal && awareness.states.has(entry.id));
  }

  private overLimit(owner: PresenceOwner, kind: 'awareness-states-per-connection' | 'awareness-states-per-doc'): void {
    this.deps.events.limitHit(kind);
    this.warnOnce(owner, kind, `dropped awareness states past the limit (${kind})`);
  }

  /** One log line per connection: a client that keeps trying would otherwise fill the log. */
  private warnOnce(owner: PresenceOwner, event: string, message: string): void {
    if (this.warned.has(owner)) return;
    this.warned.add(owner);
    owner.log.warn({ event }, `${message}; further drops of this connection are only counted`);
  }

  /** Decodes and checks every entry; throws before anything is applied. `trusted`: another instance's, `away` kept. */
  private decode(update: Uint8Array, trusted = false): Entry[] {
    const { maxStateBytes } = this.deps.limits;
    const entries: Entry[] = [];
    try {
      const decoder = decoding.createDecoder(update);
      const count = decoding.readVarUint(decoder);
      for (let i = 0; i < count; i++) {
        const id = decoding.readVarUint(decoder);
        const clock = decoding.readVarUint(decoder);
        // The server raises a clock by up to 2 (see setAway, resend): all of it must stay exact.
        if (!Number.isSafeInteger(id) || !Number.isSafeInteger(clock + 2)) throw new Error('a client id or clock past 2^53');
        const length = decoding.readVarUint(decoder);
        if (length > update.byteLength - decoder.pos) throw new Error('state runs past the end of the message');
        if (length > maxStateBytes) {
          throw new TandemError(
            'too-large',
            `An awareness state of ${length} bytes exceeds the limit of ${maxStateBytes}`,
            { limit: 'awareness-state-bytes' },
          );
        }
        let json = decoding.readUint8Array(decoder, length);
        const state: unknown = JSON.parse(utf8.decode(json));
        if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new Error('a state must be an object or null');
        if (!trusted && state !== null && Object.hasOwn(state, 'away')) {
          // Whether someone is away is the server's to say (a stock client keeps what it was sent).
          const { away: _claimed, ...rest } = state as Record<string, unknown>;
          json = utf8Encoder.encode(JSON.stringify(rest));
        }
        entries.push({ id, clock, json, removal: state === null });
      }
      if (decoder.pos !== update.byteLength) throw new Error('bytes after the last entry');
    } catch (cause) {
      if (cause instanceof TandemError) throw cause;
      throw new TandemError('bad-message', `Malformed awareness update: ${(cause as Error).message}`, {}, { cause });
    }
    return entries;
  }
}

/** The owner of states held by connections of other instances (see receiveRemote). */
const REMOTE_OWNER: PresenceOwner = Object.freeze({
  principal: Object.freeze({ userId: '\u0000another instance', name: 'another instance', role: 'viewer' as const, docs: [] }),
  log: undefined as unknown as Logger,
  send: () => {},
});

function sameUser(a: PresenceOwner, b: PresenceOwner): boolean {
  return !isAnonymous(a.principal) && !isAnonymous(b.principal) && a.principal.userId === b.principal.userId;
}

/** Encodes entries the way y-protocols does (a state's JSON is a length-prefixed UTF-8 string). */
function encode(entries: readonly Entry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { id, clock, json } of entries) {
    encoding.writeVarUint(encoder, id);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarUint8Array(encoder, json);
  }
  return encoding.toUint8Array(encoder);
}
