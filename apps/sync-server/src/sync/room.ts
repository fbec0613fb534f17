// One document in memory: its Y.Doc and awareness, the connections editing it, and the hand-off of
// every client update to the log before it touches the shared state.

import { COMPACTED_AUTHOR, type DocumentStore, forEachRun, loadDocument, mergedAuthorshipOf, readItemAuthors, PersistenceError, type UpdateLog, type Written } from '@tandem/persistence';
import type { Logger } from 'pino';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { AuthorTracker } from '../authors/author-tracker.js';
import { storageError, TandemError } from '../errors.js';
import { Connection, type ConnectionHandler } from './connection.js';
import { DocSize } from './doc-size.js';
import { AuthorBindings } from './author-bindings.js';
import { describeAuthors } from '../authors/author-lookup.js';
import type { SyncEvents, UpdateStages } from './events.js';
import type { Durability } from '../config.js';
import { PresenceGuard, type PresenceLimits } from './presence-guard.js';
import { type ClientMessage, encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeUpdate } from './protocol.js';
import { type StoreRate, storedCost, storeRateKey } from './store-rate.js';
import { MissesOwnWriting, Refused, UpdateGate } from './update-gate.js';
import { type IdClaims, keepOwn, Unclaimed } from './client-ownership.js';
import { commentItems, type Writer } from './comment-rules.js';
import { COMMENTS } from '@tandem/schema/comments';
import { type Pacing, SPACING_PER_CLIENT_MS } from './send-pacing.js';
import { prepareBroadcast } from './ws-frame.js';
import type { DocFanout, Fanout, RemoteHandler } from '../fanout/redis-fanout.js';
import { SeqOrder } from '../fanout/seq-order.js';
import { serverDoc } from './server-doc.js';

/** Whether `bytes` decode as a Yjs update (what Redis brings is not trusted to). */
/** Whether `doc` holds every item `update` inserts and every deletion it makes already. */
function changesNothing(doc: Y.Doc, update: Uint8Array, events: Pick<SyncEvents, 'documentWalked'>): boolean {
  if (Y.decodeUpdate(Y.diffUpdate(update, Y.encodeStateVector(doc))).structs.length > 0) return false;
  const { ds } = Y.decodeUpdate(update);
  if (ds.clients.size === 0) return true;
  // Each range deleted in the document already: in time by the ranges, not by the clocks they span.
  const deleted = deletedIn(doc, events);
  for (const [client, ranges] of ds.clients) {
    const have = deleted.clients.get(client) ?? [];
    for (const { clock, len } of ranges) if (!withinRanges(have, clock, clock + len)) return false;
  }
  return true;
}

/** Each document's delete set, kept until its next transaction: walking every struct per message let a
 * viewer's tiny delete-set messages hold the event loop (refusal-cost.test.ts). */
type DeleteSet = ReturnType<typeof Y.snapshot>['ds'];
const deleteSets = new WeakMap<Y.Doc, DeleteSet>();
function deletedIn(doc: Y.Doc, events: Pick<SyncEvents, 'documentWalked'>): DeleteSet {
  let ds = deleteSets.get(doc);
  if (ds === undefined) {
    ds = Y.snapshot(doc).ds;
    events.documentWalked('delete-set');
    deleteSets.set(doc, ds);
    doc.once('afterTransaction', () => deleteSets.delete(doc));
  }
  return ds;
}

/** Stored updates larger than this are sent on without what the document held before them (see applyQueued). */
const TRIM_ABOVE_BYTES = 4096;

/** A connection's queries for everyone's presence are answered at most this often (see answerAwarenessQuery). */
const AWARENESS_QUERY_MS = 250;
const awarenessQueries = new WeakMap<Connection, { nextAt: number; waiting: boolean }>();

/** A connection whose updates are refused more often than this within the window is closed (4529). */
const MAX_REFUSALS = 3;
const REFUSALS_WINDOW_MS = 60_000;
const refusals = new WeakMap<Connection, number[]>();
function tooManyRefusals(conn: Connection): boolean {
  const now = Date.now();
  const times = (refusals.get(conn) ?? []).filter((t) => now - t < REFUSALS_WINDOW_MS);
  times.push(now);
  refusals.set(conn, times);
  return times.length > MAX_REFUSALS;
}

/** Whether [from, to) lies within `ranges` (sorted by clock, neighbours possibly touching). */
function withinRanges(ranges: ReadonlyArray<{ clock: number; len: number }>, from: number, to: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]!.clock <= from) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // From the range that holds `from`, across touching neighbours, until `to` is reached.
  let end = from;
  for (let i = at; i >= 0 && i < ranges.length && ranges[i]!.clock <= end; i++) {
    end = Math.max(end, ranges[i]!.clock + ranges[i]!.len);
    if (end >= to) return true;
  }
  return false;
}

/**
 * What a client of a renamed document's old name is told (close code 4430 with the new name; HTTP 409
 * for writes); without `to`, that it was renamed but not to what: for a token that does not open the
 * new name, which may say more than the old one did.
 */
export function movedError(doc: string, to?: string): TandemError {
  return to === undefined
    ? new TandemError('moved', `${JSON.stringify(doc)} was renamed`, { doc })
    : new TandemError('moved', `${JSON.stringify(doc)} was renamed to ${JSON.stringify(to)}`, { doc, to });
}

/** What a client of a document in the trash is told (close code 4410, HTTP 410). */
export function trashedError(doc: string): TandemError {
  return new TandemError('gone', `${JSON.stringify(doc)} is in the trash (an editor can restore it)`, { doc });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function isYjsUpdate(bytes: Uint8Array): boolean {
  try {
    Y.decodeUpdate(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Another instance's presence query is answered at most once in this long (see answerPresence). */
const PRESENCE_ANSWER_MS = 1_000;

/** The longest the event loop answers sync step 1s of one document before letting other work run. */
const SYNC_SLICE_MS = 10;
/** How long the whole document, encoded for a new client, is kept for the next ones (while unchanged). */
const WHOLE_STATE_KEPT_MS = 10_000;
/** How long after a head check found a room behind the log its head checks still ask for a restore recorded late (see checkHead). */
const RESTORE_RECORD_GRACE_MS = 5_000;
/** How long an update waits for its page's earlier update it builds on before it is refused (see Room.holdBack). */
const OWN_WRITING_WAIT_MS = 2_000;
/** How many such updates one connection may have held back at once; beyond, they are refused (see Room.holdBack). */
const MAX_HELD_BACK = 16;
/** How long a viewer's update waits for this instance to catch up with the log before it is refused (see viewerUpdateSettled). */
const VIEWER_CATCH_UP_MS = 3_000;
/** A viewer's updates read the log's head at most this often (see viewerUpdateSettled). */
const VIEWER_HEAD_READ_MS = 1_000;

/** Who caused a change to the shared document or awareness. */
export type TxOrigin = Connection | 'load' | 'leave' | 'restore' | 'api' | 'batch' | 'heartbeat' | 'remote';

/** Longest an exclusive edit (a restore, a replace) waits for another instance's to finish (see Room.exclusive). */
const EXCLUSIVE_LOCK_WAIT_MS = 15_000;

/** Longest a client's update waits for the log to be compared with the doc after a failed write (see admitIncoming). */
const CATCH_UP_WAIT_MS = 1_000;

/** An update committed to the log, waiting to be applied with the others of its window (see applyStored). */
interface StoredUpdate {
  readonly seq: number;
  readonly update: Uint8Array;
  /** `remote`: committed by another instance (heard through Redis, or read from the log). */
  readonly origin: Connection | 'restore' | 'api' | 'remote';
  /** Who it is stored as (for a remote one: as Redis says until the log, which decides, is read). */
  readonly author: string;
  /** Read from the log (an update Redis brought is only a hint until the log confirms it). */
  readonly fromLog?: boolean;
  /** When a client's update reached each stage so far (performance.now()); none for a server edit. */
  readonly stages?: UpdateStages;
}

export interface RoomDeps {
  readonly name: string;
  readonly store: DocumentStore;
  readonly log: UpdateLog;
  readonly logger: Logger;
  readonly events: SyncEvents;
  /** Told of presence changes, for a guest's renames (see authors/author-tracker.ts). */
  readonly authors?: AuthorTracker;
  readonly checkpointEvery: number;
  /** What an update waits for before others see it and before its sender hears it is stored. */
  readonly durability: Durability;
  /**
   * A write reported as failed may have been committed all the same (PostgreSQL: its answer lost on the way
   * back, or the query timed out here): the room then compares the log with its doc before more is built on
   * it (see writeFailedSinceCheck). False for SQLite, whose failed commit commits nothing, and whose failed
   * flush leaves a commit in the log that is not durable and must not be shown.
   */
  readonly commitsMayBeLost?: boolean;
  /** Longest a broadcast may wait so that it goes out merged with the next ones (see applyStored). */
  readonly maxBroadcastDelayMs: number;
  /** How far apart broadcasts are spaced per client (see send-pacing.ts); the idle spacing without one. */
  readonly pacing?: Pacing;
  /** Largest size the document itself (its merged state, not its history) may grow to. */
  readonly maxDocBytes: number;
  /** How many awareness states a connection and the document may hold, and how large each may be. */
  readonly presence: PresenceLimits;
  /** Bytes per hour each user (or address) may store, shared with every other room. */
  readonly storeRate: StoreRate;
  /** Called once if the room can no longer be trusted to match the log; the registry drops it. */
  readonly onBroken: (room: Room) => void;
  /** Another instance moved the document to the trash (heard through Redis). */
  readonly onTrashed?: (room: Room) => void;
  /**
   * Another instance renamed the document (heard through Redis, checked in the store): its new name;
   * undefined when the name now holds another document (renamed, then the name taken back by a new
   * one) and where this one went is not known here.
   */
  readonly onMoved?: (room: Room, to: string | undefined) => void;
  /**
   * Other instances serving this log (REDIS_URL): updates they commit are applied here in seq order,
   * and this room's are published to them (see fanout/).
   */
  readonly fanout?: Fanout;
  /** With `fanout`: how often the log's head is checked, to catch a message Redis lost. Default 3000 ms. */
  readonly headCheckMs?: number;
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

/** A client update on its way to the update gate. `again`: admitted again after waiting its turn (see Room.waiting). */
interface Incoming {
  readonly conn: Connection;
  update: Uint8Array;
  readonly received: number;
  readonly resolve: (stored: boolean | Refused) => void;
  readonly again?: boolean;
  /** Arrived while an earlier update of its connection waited: it goes after that one, whenever judged. */
  readonly behind?: boolean;
  /** When it was first held back for an earlier update of its page (see Room.holdBack). */
  readonly heldSince?: number;
  /** While held back: the client ids whose writing it waits for (see Room.holdBack). */
  readonly waitsFor?: ReadonlySet<number>;
}

export class Room implements ConnectionHandler {
  /** Changed only by the log's updates (see server-doc.ts). */
  readonly doc = serverDoc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Set<Connection>();
  /** Highest log seq applied to `doc`. */
  lastSeq = 0;
  /** The seq of the latest restore made through this instance, or read at load (see encodeRestored). */
  private lastRestoreSeq = 0;
  /**
   * Updates applied as Redis brought them, not (yet) confirmed by the log, by seq: checked against the
   * log before a checkpoint covers them, and against this instance's own commit of the same seq.
   */
  private readonly unverified = new Map<number, Uint8Array>();
  /** When the document this room holds was created (see checkHead): undefined until it exists. */
  private createdAt: number | undefined;
  private readingCreatedAt = false;
  /** A restore's seq the store recorded that `doc` does not hold yet: its clients are told once it does. */
  private restoreDue = 0;
  /** The log's head being read for viewers' updates (see viewerUpdateSettled). */
  private headRead: Promise<number> | undefined;
  private headReadAt = 0;
  /** Whether the store is being asked for the latest restore (see checkRestored). */
  private restoreCheck: 'idle' | 'running' | 'again' = 'idle';
  /** Until when head checks ask the store for restores though this room is not behind the log (see checkHead). */
  private restoreAskUntil = 0;
  /** Waiting for `doc` to hold the log up to `seq` (see appliedUpTo). */
  private readonly seqWaiters = new Set<{ readonly seq: number; done(ok: boolean): void }>();
  private checkpointSeq = 0;
  /** False once the doc may differ from the log prefix (another writer); no more checkpoints then. */
  private checkpointsSafe = true;
  /**
   * A write of this room failed since the log was last compared with the doc. A failure may not be one:
   * PostgreSQL can commit a statement whose answer never arrives (the network failed one way, the query
   * timed out here), and the log is then ahead of the doc by an update this room never applies (see caughtUp).
   */
  private writeFailedSinceCheck = false;
  /**
   * Clients' updates wait while the room compares the log with the doc after a failed write (one instance):
   * an update whose answer was lost is applied first, so that its writer sending it again (closed with 4503,
   * it resends on reconnect) is found held already instead of stored twice. `afterCatchUp`: that comparison
   * was tried for the updates waiting now, which are admitted whatever it found (a store still away refuses
   * them as before).
   */
  private catchingUp = false;
  private afterCatchUp = false;
  private pendingWrites = 0;
  /** Sync step 1s waiting for their answer: the latest state vector of each connection (see askedToSync). */
  private readonly syncAsks = new Map<Connection, Map<number, number>>();
  /** The whole document encoded, while it is unchanged: the answer to a client that knows none of it. */
  private wholeState: Uint8Array | undefined;
  private wholeStateTimer: NodeJS.Timeout | undefined;
  /** Client updates being stored (resolving true once stored as the durability mode promises). */
  private readonly storing = new Set<Promise<boolean>>();
  private writesDone: Array<() => void> = [];
  /** The document's merged size against MAX_DOC_BYTES, updates in flight included; set by load(). */
  private size!: DocSize;
  private readonly background = new Set<Promise<void>>();
  private broken = false;
  /** Set while the document is renamed (see freeze): updates are not stored under the old name. */
  private frozen = false;
  /** The last exclusive work (see exclusive). */
  private exclusiveTail: Promise<void> = Promise.resolve();
  /** Updates refused while frozen. */
  private refusedWhileFrozen = 0;
  private applyQueue: StoredUpdate[] = [];
  /** Client updates received this turn, checked together before they go to the log. */
  private incoming: Array<Incoming> = [];
  /**
   * Per connection, the turn of its updates that wait for a look-up of who wrote under their client ids
   * (see lookUpWriters): its later updates wait behind it, so that they are stored in the order sent.
   */
  private readonly waiting = new Map<Connection, Promise<void>>();
  /** Updates judged again once their page's earlier update is here (see holdBack). */
  private readonly heldBack = new Map<Connection, Incoming[]>();
  /** The timer that ends the wait of what each connection holds back (see holdBack). */
  private readonly heldTimers = new Map<Connection, NodeJS.Timeout>();
  /** Whose each Yjs client id is (see client-ownership.ts). */
  private readonly idClaims: IdClaims = {
    writtenBy: (client) => this.bindings.authorOf(client),
    heldBy: (client) => {
      const holder = this.presence.holder(client);
      return holder instanceof Connection ? holder.author : undefined;
    },
    stateOf: (client) => Y.getState(this.doc.store, client),
    known: (client) => {
      if (this.bindings.authorOf(client) !== undefined || this.looked.has(client)) return true;
      if (Y.getState(this.doc.store, client) > 0) return false;
      // Nothing of it here. With one instance, nobody has written under it yet. With several, this one may
      // be behind the log: a page that moved here from another instance sends a collaborator's writing this
      // one has not heard of, and stored as that page's, it made the id the page's, so that the
      // collaborator's own later edits here were dropped as someone else's (found by a seeded churn test).
      // Known only if someone here holds it in presence (its claimant); else the log is read first.
      return this.remote === undefined || this.presence.holder(client) instanceof Connection;
    },
  };
  /** Ids whose writer was looked up in the log (found or not), and the look-up under way. */
  private readonly looked = new Set<number>();
  private readonly toLookUp = new Set<number>();
  private lookingUp: Promise<void> = Promise.resolve();
  /** The checkpoint the document was loaded from: whoever wrote before it is not in the bindings. */
  private loadedCheckpointSeq = 0;
  private applyTimer: NodeJS.Timeout | undefined;
  private lastBroadcastAt = -Infinity;
  private readonly awarenessDirty = new Set<number>();
  private awarenessSkip: Connection | null = null;
  private destroyed = false;
  /** Server-side users of the room (a restore in progress) that keep it loaded without a connection. */
  holds = 0;
  private childLog: Logger | undefined;
  private readonly gate: UpdateGate;
  private readonly presence: PresenceGuard;
  /** With several instances: the link to the others, the order updates are applied in, and what came before it. */
  private remote: DocFanout | undefined;
  private order: SeqOrder<StoredUpdate> | undefined;
  private early: Array<{ seq: number; update: Uint8Array; author: string }> = [];
  /** The highest seq announced without its update (a big one) while loading. */
  private earlyHead = 0;
  /** Which author each Yjs client id writes as, told to connections that asked (`?authors=1`). */
  private readonly bindings: AuthorBindings;
  private headTimer: NodeJS.Timeout | undefined;
  /** When this room last answered another instance's presence query, and the answer waiting, if any. */
  private presenceAnsweredAt = 0;
  private presenceAnswer: NodeJS.Timeout | undefined;
  /** Awareness ids changed here this turn, to publish to the other instances. */
  private readonly awarenessToPublish = new Set<number>();

  private constructor(private readonly deps: RoomDeps) {
    this.gate = new UpdateGate(this.doc, deps.name, undefined, () => deps.events.documentWalked('gate-shadow'));
    // Names from the records, which the author recorder may still hold queued for someone who just came.
    this.bindings = new AuthorBindings({
      describe: async (ids) => {
        await deps.authors?.written(ids);
        return describeAuthors(deps.store, ids);
      },
    });
    this.awareness.setLocalState(null);
    this.presence = new PresenceGuard({ doc: deps.name, awareness: this.awareness, limits: deps.presence, events: deps.events });
    // No 'update' listener on the document: Yjs would encode every transaction's changes for it, which costs
    // time in the number of client ids the document ever held (it sorts them all: 0.8 ms a transaction at
    // 5 000). The room broadcasts the stored updates' own bytes instead (applyQueued).
    this.awareness.on('update', (change: AwarenessChange, origin: TxOrigin) => this.broadcastAwareness(change, origin));
    if (deps.authors !== undefined) {
      const authors = deps.authors;
      this.awareness.on('change', ({ added, updated }: AwarenessChange, origin: TxOrigin) => {
        if (origin instanceof Connection) authors.presence(origin, [...added, ...updated], this.awareness);
      });
    }
  }

  get name(): string {
    return this.deps.name;
  }

  /** This room's logger, made on first use: most rooms never log after loading, and a child costs memory. */
  private get logger(): Logger {
    return (this.childLog ??= this.deps.logger.child({ doc: this.deps.name }));
  }

  /** Loads the document from storage; throws TandemError('load-failed') rather than return an empty stand-in. */
  static async load(deps: RoomDeps): Promise<Room> {
    const room = new Room(deps);
    const started = performance.now();
    try {
      // Subscribed before loading: an update committed elsewhere after the load is heard (or, if Redis
      // lost it, found by the head check); one the load already covered is dropped by its seq.
      if (deps.fanout !== undefined) room.remote = await deps.fanout.join(deps.name, room.remoteHandler());
      // An old name is not opened (nor created again by a client's sync): the client is sent to the new one.
      const to = await deps.store.resolveRedirect(deps.name);
      if (to !== undefined) throw movedError(deps.name, to);
      // A document in the trash is not opened: a client with a copy of it cannot bring it back.
      if ((await deps.store.inTrash(deps.name)) !== undefined) throw trashedError(deps.name);
      // Who wrote under each client id lately (the tail): theirs, whoever writes first after the load.
      const loaded = await loadDocument(deps.store, deps.name, room.doc, 'load' satisfies TxOrigin, (entry) => {
        // A merged update (compaction) is no one person's: its ids are looked up when written under (lookUpWriters).
        if (entry.author !== COMPACTED_AUTHOR) room.bindings.bind(entry.update, entry.author);
      });
      room.lastSeq = loaded.lastSeq;
      room.createdAt = loaded.createdAt;
      room.restoreRecorded(await deps.store.lastRestoreSeq(deps.name));
      room.checkpointSeq = loaded.checkpointSeq;
      room.loadedCheckpointSeq = loaded.checkpointSeq;
      room.size = new DocSize(deps.maxDocBytes, loaded.loadedBytes, () => Y.encodeStateAsUpdate(room.doc).byteLength);
      await room.readCommentAuthors(loaded.lastSeq);
      if (deps.fanout !== undefined) room.startOrdering(loaded.lastSeq);
      deps.events.documentLoaded(deps.name, performance.now() - started, loaded.tailLength);
      deps.logger.info({ event: 'document-loaded', doc: deps.name, ...loaded, ms: Math.round(performance.now() - started) }, 'document loaded');
      if (loaded.tailLength >= deps.checkpointEvery) room.checkpoint(loaded.lastSeq);
      return room;
    } catch (cause) {
      room.destroy();
      if (cause instanceof TandemError) throw cause;
      // A store that cannot be read right now (a database that is away) is 4503: try again later.
      // Anything else (data that cannot be applied) is 4500.
      const unavailable = cause instanceof PersistenceError && cause.code === 'read-failed';
      throw new TandemError(unavailable ? 'storage-failed' : 'load-failed', `Document ${JSON.stringify(deps.name)} could not be loaded`, { doc: deps.name }, { cause });
    }
  }

  /**
   * Who wrote the comments the loaded document holds: the authors of the updates that stored their
   * maps, read from the log (only for a document with comments; new ones are recorded as they come).
   */
  private async readCommentAuthors(lastSeq: number): Promise<void> {
    const ids = commentItems(this.doc.getMap(COMMENTS));
    if (ids.length === 0) return;
    const authors = await readItemAuthors(this.deps.store, this.name, ids, lastSeq);
    ids.forEach((id, i) => {
      const author = authors[i];
      if (author !== undefined) this.gate.commentAuthors.set(id, author);
    });
  }

  /** Who wrote in this room since it opened (connected or not now). */
  writers(): string[] {
    return this.bindings.authors();
  }

  /** The stored author of the comment whose map is item `id`, if known. */
  commentAuthor(id: Y.ID): string | undefined {
    return this.gate.commentAuthors.get(id);
  }

  /** True when nobody is connected and nothing is left to write. */
  get idle(): boolean {
    return (
      this.connections.size === 0 &&
      this.holds === 0 &&
      this.pendingWrites === 0 &&
      this.applyQueue.length === 0 &&
      this.background.size === 0
    );
  }

  join(conn: Connection): void {
    this.connections.add(conn);
    this.presence.joined(conn);
    // Which document this is, before any of its content: the page tags its copy with it (see encodeDocumentCreated).
    if (this.createdAt !== undefined) conn.tellDocument(this.createdAt);
    conn.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])));
    }
    if (conn.wantsAuthors) this.bindings.listen(conn);
    // A client that was away during a restore learns of it here (it gets the restored text in its sync).
    conn.tellRestored(this.lastRestoreSeq);
    conn.attach(this);
  }

  /** A connection stopped answering pings, or was heard again: everyone sees its people as away, or back. */
  awayChanged(conn: Connection, away: boolean): void {
    this.presence.setAway(conn, away, 'heartbeat' satisfies TxOrigin);
  }

  leave(conn: Connection): void {
    this.connections.delete(conn);
    this.bindings.unlisten(conn);
    this.presence.release(conn, 'leave' satisfies TxOrigin);
    if (this.connections.size === 0) this.gate.release();
  }

  receive(conn: Connection, message: ClientMessage): void {
    switch (message.kind) {
      case 'sync-step1': {
        let known: Map<number, number>;
        try {
          known = Y.decodeStateVector(message.stateVector);
        } catch (cause) {
          conn.fail(new TandemError('bad-message', 'Malformed state vector in sync step 1', { doc: this.name }, { cause }));
          return;
        }
        this.askedToSync(conn, known);
        return;
      }
      case 'update':
        if (conn.readOnly) {
          // A viewer changes nothing: its updates are never stored or sent on. Its sync step 2 (which a
          // stock provider always sends) usually holds nothing new: settled as such, or a page counting
          // its messages would never say everything is saved; one that would change the document is
          // dropped and, with stored-acks, said to be refused.
          let nothing = false;
          try {
            nothing = changesNothing(this.doc, message.update, this.deps.events);
          } catch {
            // Not an update at all: dropped like any other of a viewer's.
          }
          if (nothing) {
            conn.acknowledgeWhen(Promise.resolve(true));
            return;
          }
          conn.acknowledgeWhen(this.viewerUpdateSettled(message.update));
          return;
        }
        conn.acknowledgeWhen(this.admitThenPersist(conn, message.update));
        return;
      case 'awareness':
        // Only what this connection may change gets through (see PresenceGuard).
        try {
          this.presence.receive(conn, message.update);
        } catch (cause) {
          conn.fail(
            cause instanceof TandemError
              ? cause
              : new TandemError('bad-message', 'Malformed awareness update', { doc: this.name }, { cause }),
          );
        }
        return;
      case 'query-awareness':
        this.answerAwarenessQuery(conn);
        return;
      case 'probe-answer':
        return; // Already counted as a sign of life by the connection (see heartbeat.ts).
      case 'auth':
        return; // No auth messages are defined for this server; ignored like the reference server does.
    }
  }

  /**
   * A sync step 1 is answered with everything of the document its sender lacks, which costs time in
   * the whole document (Yjs walks every item for the delete set) for a message of a few bytes. So that
   * cheap messages cannot buy the server's time without end: answers go out from a queue, a slice of
   * at most SYNC_SLICE_MS per turn of the event loop (whatever else waits runs between slices); a
   * connection that asks again before its answer went out gets one answer, to its latest state vector;
   * and the answer to a sender that knows nothing of the document (every new client) is encoded once
   * per version of the document.
   */
  private askedToSync(conn: Connection, known: Map<number, number>): void {
    if (this.syncAsks.has(conn)) this.deps.events.syncAnswered('coalesced');
    this.syncAsks.set(conn, known);
    if (this.syncAsks.size > 1) return; // a drain is due
    setImmediate(() => this.answerSyncAsks());
  }

  private answerSyncAsks(): void {
    const started = performance.now();
    for (const [conn, known] of this.syncAsks) {
      this.syncAsks.delete(conn);
      if (this.destroyed) break;
      if (!this.connections.has(conn)) continue; // gone meanwhile
      conn.send(encodeSyncStep2(this.missingFrom(known)));
      if (performance.now() - started >= SYNC_SLICE_MS) break;
    }
    if (this.syncAsks.size > 0 && !this.destroyed) setImmediate(() => this.answerSyncAsks());
  }

  /** What a client knowing `known` (client → clock) lacks of the document, as one update. */
  private missingFrom(known: Map<number, number>): Uint8Array {
    const knowsSome = [...known].some(([client, clock]) => clock > 0 && this.doc.store.clients.has(client));
    if (knowsSome) {
      this.deps.events.syncAnswered('encoded');
      return Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(known));
    }
    if (this.wholeState !== undefined) {
      this.deps.events.syncAnswered('cached');
      return this.wholeState;
    }
    this.deps.events.syncAnswered('encoded');
    this.wholeState = Y.encodeStateAsUpdate(this.doc);
    // Kept for the clients that arrive together (a page shared in a meeting, reconnects after a
    // restart), not for as long as the document stays unchanged: it is as large as the document.
    clearTimeout(this.wholeStateTimer);
    this.wholeStateTimer = setTimeout(() => (this.wholeState = undefined), WHOLE_STATE_KEPT_MS);
    this.wholeStateTimer.unref();
    return this.wholeState;
  }

  /**
   * Resolves true once the update is stored as the durability mode asks (on disk, except with
   * `none`) or had nothing to store, the Refused verdict if the gate refused it (not its writer's to
   * make), false if it was not stored for another reason. Updates are checked together with
   * the others that arrive in the same event-loop turn, right before that turn's commit, which
   * they join.
   */
  private admitThenPersist(conn: Connection, update: Uint8Array, again = false, heldSince?: number): Promise<boolean | Refused> {
    // Counted as a pending write from now on, so unloading and shutdown wait for it.
    this.pendingWrites += 1;
    const received = performance.now();
    return new Promise<boolean | Refused>((resolve) => {
      this.incoming.push({ conn, update, received, resolve, again, behind: !again && this.waiting.has(conn), heldSince });
      if (this.incoming.length === 1) this.deps.log.beforeNextCommit(() => this.admitIncoming());
    }).finally(() => this.writeFinished());
  }

  private admitIncoming(): void {
    const items = this.incoming;
    this.incoming = [];
    if (items.length === 0) return;
    if (this.broken || this.destroyed) {
      for (const item of items) item.resolve(false);
      return;
    }
    if (this.frozen) {
      // Not stored, not acknowledged: the sender keeps them and sends them again where it reconnects.
      this.refusedWhileFrozen += items.length;
      for (const item of items) item.resolve(false);
      return;
    }
    if (this.catchingUp || (this.writeFailedSinceCheck && this.order === undefined && !this.afterCatchUp)) {
      // Kept in order, ahead of what arrives meanwhile (which then schedules nothing: see admitThenPersist).
      this.incoming = [...items, ...this.incoming];
      if (this.catchingUp) return;
      this.catchingUp = true;
      // After the writes under way (one of them may be the lost answer's resend, or store what the log then
      // holds); the log's read waits CATCH_UP_WAIT_MS at most: a database that hangs must not double how
      // long a write takes to be refused (what the read brings later is then dropped).
      let waiting = true;
      const late = new Promise<void>((resolve) => setTimeout(resolve, CATCH_UP_WAIT_MS).unref());
      void this.afterWritesUnderWay()
        .then(() => Promise.race([this.applyStoredAfterAll(() => waiting), late]))
        .finally(() => {
          waiting = false;
          this.catchingUp = false;
          this.afterCatchUp = true;
          this.deps.log.beforeNextCommit(() => this.admitIncoming());
        });
      return;
    }
    this.afterCatchUp = false;
    // One writer per connection (the gate refuses a writer's later updates in a batch with its first).
    const writers = new Map<Connection, Writer>();
    const writerOf = (conn: Connection) => writers.get(conn) ?? writers.set(conn, conn.writer).get(conn)!;
    // Writing under ids whose writers must be looked up in the log first: judged again once they are, and
    // the same connection's later updates with it, in order.
    const ready: Incoming[] = [];
    const refusedBefore: Array<Refused | undefined> = [];
    for (const item of items) {
      // Also one that arrived while an earlier one waited: that one may be admitted again after it, in this batch.
      if (item.again !== true && (item.behind === true || this.waiting.has(item.conn))) {
        this.waitTurn(item, []);
        continue;
      }
      const own = this.keepOwnPart(item);
      if (own instanceof Unclaimed) {
        this.waitTurn(item, own.clients);
        continue;
      }
      ready.push(item);
      refusedBefore.push(own);
    }
    const verdicts = this.gate.admitAll(
      ready.map((item) => item.update),
      ready.map((item) => writerOf(item.conn)),
      refusedBefore,
    );
    const checked = performance.now();
    // An admitted update of this batch that is dropped after all (its sender failed) was in the shadow
    // when later updates of the batch were judged: a deletion "covered" by it is covered by nothing.
    let abandonedInBatch = false;
    const covered: Incoming[] = [];
    // What is admitted in this batch: the updates held back that wait for one of its writers are judged again
    // (the update one waits for may be another connection's: a page's other tab, a crafted client's second id).
    const admitted: Uint8Array[] = [];
    ready.forEach((item, i) => {
      const { conn, update, received, resolve } = item;
      const verdict = verdicts[i]!;
      if (conn.hasFailed) {
        // Refused earlier in this batch (or closed for another reason): nothing more of it is stored.
        if (verdict === 'store') {
          this.gate.abandoned(update);
          abandonedInBatch = true;
        }
        resolve(false);
      } else if (verdict instanceof MissesOwnWriting && this.holdBack(item, verdict.waitsFor)) {
        // Judged again once its page's earlier update is here (see holdBack).
      } else if (verdict instanceof TandemError) {
        conn.fail(verdict);
        resolve(false);
      } else if (verdict instanceof Refused) {
        // As a viewer's update: dropped, never stored or sent on; the connection stays.
        const first = verdicts.findIndex((v, k) => v === verdict && ready[k]!.conn === conn) === i;
        if (first) {
          this.deps.events.updateRefused(this.name);
          this.logger.info({ event: 'update-refused', author: conn.author, reason: verdict.reason }, 'update refused');
          // Each refusal costs a rebuild of the gate's shadow (the whole document): a connection that
          // keeps sending what it may not is closed rather than let hold the event loop.
          if (tooManyRefusals(conn)) {
            conn.fail(new TandemError('rate-limited', `More than ${MAX_REFUSALS} refused changes within ${REFUSALS_WINDOW_MS / 1000} s: ${verdict.reason}`, { doc: this.name }));
          }
        }
        resolve(verdict); // its sender is told (with stored-acks), so that it can drop the change
      } else if (verdict === 'skip') {
        resolve(true);
      } else if (verdict === 'covered') {
        covered.push(item); // settled once every verdict of the batch is acted on (below)
      } else {
        // Its client ids are its writer's from now on (see client-ownership.ts), before it is applied.
        this.bindings.bind(update, conn.author);
        admitted.push(update);
        const storing = this.persistThenApply(conn, update, received, checked);
        this.storing.add(storing);
        void storing.then((stored) => {
          this.storing.delete(storing);
          resolve(stored);
        });
      }
    });
    this.releaseHeldBackFor(admitted);
    for (const { conn, update, resolve } of covered) {
      // Judged against a shadow that held an update dropped since: judged again, from what is admitted now.
      if (abandonedInBatch) {
        void this.admitThenPersist(conn, update).then(resolve);
        continue;
      }
      // Deletions another update still on its way to the log (or to disk) may be the one to store:
      // stored, as far as its sender is told, once every write under way now is. If one of those was
      // not stored (refused for its own writer's reasons, or the store failed), this one is judged
      // again against what is stored then, and stored itself if need be.
      void this.afterWritesUnderWay().then((stored) => (stored ? resolve(true) : void this.admitThenPersist(conn, update).then(resolve)));
    }
  }

  /**
   * Holds back an update that replaces a value its page wrote in an update this document does not hold
   * (MissesOwnWriting), unless it waited OWN_WRITING_WAIT_MS already or its connection holds MAX_HELD_BACK
   * back (false: it is refused). A page's own updates can arrive out of order: what it types as its
   * connection opens goes out before its sync step 2, which holds what it wrote offline; with several
   * instances the earlier update may have gone to another one. Judged again once an update writing one of
   * the client ids it waits for is admitted or applied (releaseHeldBackFor), after catching up with the log
   * (several instances), and at the end of the wait. Its later updates are not held up meanwhile.
   */
  private holdBack(item: Incoming, waitsFor: ReadonlySet<number>): boolean {
    const { conn } = item;
    const first = item.heldSince === undefined;
    const since = item.heldSince ?? performance.now();
    const left = since + OWN_WRITING_WAIT_MS - performance.now();
    if (left <= 0) return false;
    const held = this.heldBack.get(conn);
    // A page has one or two such updates (what it typed before its sync step 2); each held one is judged
    // again after every update its connection sends, so their number is bounded.
    if (held !== undefined && held.length >= MAX_HELD_BACK) return false;
    if (held === undefined) this.heldBack.set(conn, [{ ...item, heldSince: since, waitsFor }]);
    else held.push({ ...item, heldSince: since, waitsFor });
    // One timer per connection, for the earliest wait's end: set again when it has fired (a timer may fire a
    // fraction of a millisecond before performance.now() says the wait is over, and the update is held again).
    if (!this.heldTimers.has(conn)) {
      const timer = setTimeout(() => {
        this.heldTimers.delete(conn);
        this.releaseHeldBack(conn);
      }, left + 1);
      timer.unref();
      this.heldTimers.set(conn, timer);
    }
    if (first && this.order !== undefined) {
      this.caughtUp().then(
        () => this.releaseHeldBack(conn),
        () => {}, // the log could not be read: judged again at the end of the wait
      );
    }
    return true;
  }

  /**
   * Admits again what each connection held back (see holdBack) that waits for writing of a client id `updates`
   * write. Not every connection's on every update: each held one costs a judgment, and a connection may hold 16
   * of a megabyte each; its own updates are what it pays for.
   */
  private releaseHeldBackFor(updates: readonly Uint8Array[]): void {
    if (this.heldBack.size === 0 || updates.length === 0) return;
    const writers = new Set<number>();
    for (const update of updates) {
      try {
        for (const client of Y.parseUpdateMeta(update).from.keys()) writers.add(client);
      } catch {
        // Not one Yjs reads (judged before, so not a client's): it releases nothing.
      }
    }
    for (const [conn, held] of [...this.heldBack]) {
      if (held.some((item) => [...(item.waitsFor ?? [])].some((client) => writers.has(client)))) this.releaseHeldBack(conn);
    }
  }

  /** Admits again what `conn` held back (see holdBack), in the order it arrived. */
  private releaseHeldBack(conn: Connection): void {
    const held = this.heldBack.get(conn);
    if (held === undefined) return;
    this.heldBack.delete(conn);
    for (const item of held) void this.admitThenPersist(conn, item.update, false, item.heldSince).then(item.resolve);
  }

  /** Admits `item` again once its connection's earlier waiting updates are, and who wrote under `clients` is known. */
  private waitTurn(item: Incoming, clients: readonly number[]): void {
    const { conn } = item;
    const turn = (this.waiting.get(conn) ?? Promise.resolve())
      .then(() => (clients.length > 0 ? this.lookUpWriters(clients) : undefined))
      .then(
        () => void this.admitThenPersist(conn, item.update, true, item.heldSince).then(item.resolve),
        (error: unknown) => {
          // The log could not be read: not stored, not acknowledged; the page sends it again where it reconnects.
          conn.fail(new TandemError('storage-failed', 'Who wrote under the client ids of an update could not be read; try again', { doc: this.name }, { cause: error }));
          item.resolve(false);
          throw error;
        },
      );
    this.waiting.set(conn, turn);
    const done = () => {
      if (this.waiting.get(conn) === turn) this.waiting.delete(conn);
    };
    turn.then(done, done);
  }

  /**
   * Finds in the log who wrote under `clients` (ids the document holds writing under from before the
   * checkpoint it was loaded from, or, with several instances, that may be in the log past what this one
   * applied), newest updates first, in one pass for them all; one look-up at a time per document. An id
   * nobody is found for stays unclaimed (its presence holder, if any, decides).
   */
  private lookUpWriters(clients: readonly number[]): Promise<void> {
    for (const client of clients) if (!this.looked.has(client)) this.toLookUp.add(client);
    // Every id asked for until a pass starts is looked for in that pass: an update per old id costs one
    // pass for them all, not a pass each (measured: 280 ms of reads for 100 000 updates, 3 ms at a time).
    const run = async () => {
      // With several instances, first everything the log holds now: writing this instance has not heard of
      // yet is bound to its author as it is applied (see idClaims.known).
      if (this.order !== undefined) await this.caughtUp();
      const wanted = new Set([...this.toLookUp].filter((client) => !this.looked.has(client) && this.bindings.authorOf(client) === undefined));
      this.toLookUp.clear();
      const asked = [...wanted];
      const CHUNK = 1_000;
      for (let to = this.loadedCheckpointSeq; to > 0 && wanted.size > 0 && !this.destroyed; to -= CHUNK) {
        const updates = await this.deps.store.readUpdates(this.name, { afterSeq: Math.max(0, to - CHUNK), toSeq: to });
        // Compaction merged several people's updates into one: its table says who wrote under which ids.
        const tables = await mergedAuthorshipOf(this.deps.store, this.name, updates);
        for (let i = updates.length - 1; i >= 0 && wanted.size > 0; i--) {
          const { update, author, seq } = updates[i]!;
          if (author !== COMPACTED_AUTHOR) {
            for (const client of Y.parseUpdateMeta(update).from.keys()) if (wanted.delete(client)) this.bindings.claim(client, author);
            continue;
          }
          const found = new Map<number, string>();
          const table = tables.get(seq);
          if (table !== undefined) forEachRun(table, (client, _from, _to, by) => void (wanted.has(client) && found.set(client, by)), () => {});
          for (const [client, by] of found) if (wanted.delete(client)) this.bindings.claim(client, by);
        }
      }
      // Looked for, found or not; a look-up that failed marks nothing (the next update asks again).
      for (const client of asked) this.looked.add(client);
    };
    // One pass at a time; a failed one does not stop the next.
    const pass = this.lookingUp.catch(() => {}).then(run);
    this.lookingUp = pass;
    return pass;
  }

  /**
   * Leaves in `item` only what its signed-in writer may store under the client ids it writes (see
   * client-ownership.ts); returns the refusal if none of it may be, or Unclaimed if whose its ids are
   * must be looked up first.
   */
  private keepOwnPart(item: { conn: Connection; update: Uint8Array }): Refused | Unclaimed | undefined {
    const { conn } = item;
    if (!conn.verified) return undefined;
    const own = keepOwn(item.update, conn.author, this.idClaims, (client) => this.presence.holder(client) === conn, this.remote === undefined);
    if (own instanceof Refused || own instanceof Unclaimed) return own;
    if (own.dropped.length > 0) {
      this.deps.events.foreignWritesDropped(this.name, own.dropped.length);
      this.logger.info({ event: 'foreign-writes-dropped', author: conn.author, clients: own.dropped }, "dropped what an update wrote under another person's client ids");
      item.update = own.update;
    }
    return undefined;
  }

  /** True once every client update being stored now is stored as the mode promises; false if one was not. */
  private async afterWritesUnderWay(): Promise<boolean> {
    const results = await Promise.all([...this.storing]);
    return results.every(Boolean);
  }

  /**
   * Stores an admitted update, then queues it to be applied (which is what shows it to others):
   * after its flush by default, right after its commit with `flush-before-ack` and `none`. Resolves
   * true once it is stored as the mode promises its sender, false if it could not be.
   */
  private async persistThenApply(conn: Connection, update: Uint8Array, received: number, checked: number): Promise<boolean> {
    this.deps.events.updateReceived(this.name, update.byteLength);
    const rateKey = storeRateKey(conn.principal, conn.ip);
    const cost = storedCost(update, conn.author);
    if (!this.deps.storeRate.take(rateKey, cost)) {
      this.gate.abandoned(update);
      conn.fail(this.storeRateHit(rateKey));
      return false;
    }
    const charged = this.size.admit(update.byteLength, this.gate.rangesDeletedBy(update), () => this.gate.measureShadow());
    if (charged === false) {
      this.deps.storeRate.refund(rateKey, cost);
      this.gate.abandoned(update);
      conn.fail(this.tooLarge(update));
      return false;
    }
    // `committed`: the commit succeeded and its flush failed; the log holds an update that is not durable,
    // which nothing may show (the store refuses every write from then on: see wal-sync.ts). A failed commit
    // may have committed all the same (PostgreSQL, its answer lost): the log is compared before more is built.
    const notStored = (cause: unknown, committed = false): false => {
      if (!committed && this.deps.commitsMayBeLost === true) this.writeFailedSinceCheck = true;
      this.deps.storeRate.refund(rateKey, cost);
      this.size.released(update.byteLength, charged);
      this.gate.abandoned(update);
      const failed = () => conn.fail(storageError(cause, 'The update could not be stored', { doc: this.name }));
      // The store refuses an update made for a document the name no longer holds: renamed, or purged,
      // through another instance, unheard here. Its clients are sent on, or closed as those of a deleted
      // document, by what the check finds; closed with 4503 first, the writer would reconnect and sync
      // its copy into whatever the name holds then. The check found nothing: 4503 (it reconnects).
      if (cause instanceof PersistenceError && cause.code === 'conflict') void this.checkMoved().finally(() => setImmediate(failed));
      else failed();
      return false;
    };
    let written: Written;
    try {
      written = await this.deps.log.write(this.name, { update, author: conn.author, receivedAt: Date.now(), documentCreatedAt: this.createdAt });
    } catch (cause) {
      return notStored(cause);
    }
    const stages: UpdateStages = { received, checked, committed: performance.now() };
    if (this.deps.durability === 'flush-before-broadcast') {
      try {
        await written.flushed;
      } catch (cause) {
        return notStored(cause, true);
      }
      stages.flushed = performance.now();
      // ── Durability point ────────────────────────────────────────────────────────────────────
      // The update is on disk. Only now may it change the shared document, and only through that
      // change (the doc's 'update' event) does it reach any other client.
      this.applyStored(written.seq, update, conn, conn.author, stages);
      return true;
    }
    // Written to the log (a killed process keeps it), not yet flushed: others see it now, and its
    // sender hears it is stored once the flush (if the mode has one) is done.
    this.applyStored(written.seq, update, conn, conn.author, stages);
    try {
      await written.flushed;
    } catch (cause) {
      // Already applied and sent: the store refuses every later write (see wal-sync.ts); the sender
      // gets no acknowledgement and is closed, and resends it (or it comes back in a sync step 2).
      conn.fail(storageError(cause, 'The update could not be flushed to disk', { doc: this.name }));
      return false;
    }
    if (this.deps.durability === 'flush-before-ack') this.deps.events.updateFlushed(performance.now() - stages.committed);
    return true;
  }

  private storeRateHit(key: string): TandemError {
    const { bytesPerHour, burstBytes } = this.deps.storeRate;
    return new TandemError(
      'store-rate',
      `Stored more than ${bytesPerHour} bytes per hour (burst ${burstBytes}); try again later`,
      { doc: this.name, key },
    );
  }

  /** The document's merged size with `update` applied: exact, and costs time in the document's size. */
  private sizeWith(update: Uint8Array): number {
    const copy = new Y.Doc({ gc: true });
    try {
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
      Y.applyUpdate(copy, update);
      return Y.encodeStateAsUpdate(copy).byteLength;
    } finally {
      copy.destroy();
    }
  }

  private tooLarge(update: Uint8Array): TandemError {
    return new TandemError(
      'too-large',
      `The document would be larger than ${this.deps.maxDocBytes} bytes (MAX_DOC_BYTES)`,
      { doc: this.name, updateBytes: update.byteLength, estimatedBytes: this.size.estimate },
    );
  }

  /**
   * Stores an edit the server makes itself (a restore) with `author`, on behalf of `rateKey` (see
   * storeRateKey), then applies it; every connected client receives it. Resolves with its sequence
   * number, or undefined when it changes nothing (nothing is stored: a restore of the current content);
   * throws TandemError('too-large' or 'store-rate'), nothing stored, if the document would pass
   * MAX_DOC_BYTES or the requester their stored-bytes rate, as a client's update would.
   */
  async commitServerEdit(update: Uint8Array, author: string, rateKey: string): Promise<number | undefined> {
    this.assertTakingEdits();
    if (changesNothing(this.doc, update, this.deps.events)) return undefined;
    return this.storeEdit(update, author, rateKey, 'restore');
  }

  /**
   * Stores an update another program sent through the HTTP API as an edit by `author`: tried by the
   * update gate first, as a client's is (TandemError 'invalid-update' if the document cannot take it),
   * then stored and applied as commitServerEdit does. Resolves with its seq, or undefined when it
   * changes nothing (nothing is stored).
   */
  async commitApiUpdate(update: Uint8Array, author: string, rateKey: string, verified: boolean): Promise<number | undefined> {
    this.assertTakingEdits();
    // A program writes under client ids of its own: one someone else wrote under first is refused whole
    // (a program is told, not trimmed; see client-ownership.ts).
    const judge = () => (verified ? keepOwn(update, author, this.idClaims, () => true, this.remote === undefined) : { update, dropped: [] });
    let own = judge();
    if (own instanceof Unclaimed) {
      await this.lookUpWriters(own.clients).catch((cause: unknown) => {
        throw new TandemError('storage-failed', 'Who wrote under the client ids of the update could not be read; try again', { doc: this.name }, { cause });
      });
      this.assertTakingEdits();
      own = judge();
    }
    const refused = own instanceof Refused ? own : own instanceof Unclaimed ? new Refused('who wrote under its client ids could not be told') : undefined;
    const [verdict] = this.gate.admitAll([update], [{ author, mayEdit: true }], [refused]);
    if (verdict instanceof TandemError) throw verdict;
    if (verdict instanceof Refused) throw new TandemError('forbidden', `The update was refused: ${verdict.reason}`, { doc: this.name });
    if (verdict === 'skip') return undefined;
    // Deletions a write under way makes too: nothing to store once that write is stored, and judged again
    // (to be stored itself) if it was not.
    if (verdict === 'covered') return (await this.afterWritesUnderWay()) ? undefined : this.commitApiUpdate(update, author, rateKey, verified);
    this.bindings.bind(update, author);
    // Unlike a client, a program may send what the document holds already: stored, it would be a no-op in history.
    if (changesNothing(this.doc, update, this.deps.events)) {
      this.gate.abandoned(update);
      return undefined;
    }
    return this.storeEdit(update, author, rateKey, 'api');
  }

  /**
   * Throws unless this room may store an edit now: not while the document is renamed (freeze), nor once
   * the room is closed (renamed, unloaded) or broken; stored, the edit would make a new document under
   * the old name, or be lost. The caller may have waited since it took the room (a restore is built on a
   * history thread), so this is asked right before the write is counted, in the same synchronous step
   * (commitServerEdit and commitApiUpdate reach storeEdit's count without awaiting).
   */
  private assertTakingEdits(): void {
    if (this.frozen || this.destroyed) {
      throw new TandemError('conflict', 'The document is being renamed or was closed meanwhile; try again (under its new name if it was renamed)', { doc: this.name });
    }
    if (this.broken) throw new TandemError('internal', 'The document cannot take edits right now', { doc: this.name });
  }

  private async storeEdit(update: Uint8Array, author: string, rateKey: string, origin: 'restore' | 'api'): Promise<number> {
    // An admitted update the room will not apply leaves the gate's copy (see UpdateGate.abandoned).
    const abandon = () => {
      if (origin === 'api') this.gate.abandoned(update);
    };
    const cost = storedCost(update, author);
    if (!this.deps.storeRate.take(rateKey, cost)) {
      abandon();
      this.deps.events.limitHit('store-rate');
      throw this.storeRateHit(rateKey);
    }
    if (!this.size.admitMeasured(update.byteLength, this.sizeWith(update))) {
      abandon();
      this.deps.storeRate.refund(rateKey, cost);
      this.deps.events.limitHit('too-large');
      throw this.tooLarge(update);
    }
    this.pendingWrites += 1;
    // `committed`: its flush failed (see persistThenApply).
    const notStored = (error: unknown, committed = false): never => {
      if (!committed && this.deps.commitsMayBeLost === true) this.writeFailedSinceCheck = true;
      abandon();
      this.deps.storeRate.refund(rateKey, cost);
      this.size.released(update.byteLength);
      throw error;
    };
    let written: Written;
    try {
      written = await this.deps.log.write(this.name, { update, author, receivedAt: Date.now(), documentCreatedAt: this.createdAt });
    } catch (error) {
      return notStored(error);
    } finally {
      this.writeFinished();
    }
    // The same steps as a client's update (persistThenApply), so that updates stored in one commit
    // are queued to be applied in the order of their seqs, whoever made them.
    if (this.deps.durability === 'flush-before-broadcast') {
      try {
        await written.flushed;
      } catch (error) {
        return notStored(error, true);
      }
      this.applyStored(written.seq, update, origin, author);
      this.applyQueued();
      return written.seq;
    }
    this.applyStored(written.seq, update, origin, author);
    this.applyQueued();
    // Acknowledged (answered) once flushed, as a client's update is; if the flush fails the store
    // refuses every later write (see wal-sync.ts), and the caller hears it failed.
    await written.flushed;
    return written.seq;
  }

  /**
   * Queues a committed update to be applied, together with every other update committed before the
   * room applies again, in one transaction whose 'update' event is the broadcast: one message,
   * encoded and framed once, for the whole batch.
   *
   * Each send costs the server a few microseconds per recipient, so on a busy document the sends,
   * not the edits, use up the CPU (and so does a Yjs transaction, in the number of clients that ever
   * wrote). A document is therefore applied and broadcast at most once per its clients × a spacing
   * per client (10 µs, rising to 40 µs as the event loop nears saturation; see send-pacing.ts), never
   * more than `maxBroadcastDelayMs` apart: a quiet document's updates go out at once (right after the
   * commit batch that stored them), and 600 typists on one document wait 6–16 ms. Every update is in
   * the log before it waits here.
   */
  private applyStored(seq: number, update: Uint8Array, origin: Connection | 'restore' | 'api', author: string, stages?: UpdateStages): void {
    // The durability point has passed: the other instances may show it too.
    this.remote?.publishUpdate(seq, update, author);
    // This instance committed `seq`: an update Redis brought for it and already applied was not this one
    // (a forged message). The document no longer matches the log: it is loaded again from it.
    const heard = this.unverified.get(seq);
    if (heard !== undefined && !sameBytes(heard, update)) {
      this.markBroken(new TandemError('internal', 'An update heard through Redis is not the one stored at its seq', { doc: this.name, seq }));
      return;
    }
    // With other instances writing the same log, updates are applied strictly in seq order (see seq-order.ts).
    if (this.order !== undefined) this.order.offer({ seq, update, origin, author, stages });
    else this.enqueueApply({ seq, update, origin, author, stages });
  }

  private enqueueApply(item: StoredUpdate): void {
    this.applyQueue.push(item);
    if (this.applyQueue.length > 1) return; // a microtask or timer is already due
    const perClientMs = this.deps.pacing?.perClientMs ?? SPACING_PER_CLIENT_MS.idle;
    const spacing = Math.min(this.deps.maxBroadcastDelayMs, this.connections.size * perClientMs);
    const wait = this.lastBroadcastAt + spacing - performance.now();
    // The continuations of one flush's appends are queued as microtasks already; this one runs after them.
    if (wait <= 0) queueMicrotask(() => this.applyQueued());
    else this.applyTimer = setTimeout(() => this.applyQueued(), wait);
  }

  private applyQueued(): void {
    clearTimeout(this.applyTimer);
    this.applyTimer = undefined;
    // Queued in the order their stores finished, which is the seqs' for updates of one commit; sorted
    // all the same, since a doc that skips back from its log's order stops taking checkpoints.
    const batch = this.applyQueue.sort((a, b) => a.seq - b.seq);
    if (batch.length === 0) return;
    this.applyQueue = [];
    this.lastBroadcastAt = performance.now();
    // A broken room is on its way out: the updates are in the log and the next load applies them.
    if (this.broken) return;
    const first = batch[0]!.origin;
    // One sender: everyone else gets the batch. Several: everyone does (a client ignores what it has).
    // So does a batch that may release structs parked in the document (waiting for what it brings): its
    // sender parked them too, and Yjs tries a client's parked structs again only as it applies an update
    // it receives (its own, sent back, is enough; parked-structs.test.ts).
    const parked = this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
    const origin: TxOrigin = !parked && batch.every((item) => item.origin === first) ? first : 'batch';
    // A large update may repeat much of what the document holds (a resend, a whole state with one change):
    // sent on as what it adds to the state before, which every client already holds or asks for.
    const before = batch.some((item) => item.update.byteLength > TRIM_ABOVE_BYTES) ? Y.encodeStateVector(this.doc) : undefined;
    let applied = 0;
    try {
      Y.transact(
        this.doc,
        () => {
          for (const { seq, update } of batch) {
            if (seq !== this.lastSeq + 1) {
              // Someone else appended to this document's log: the doc is no longer exactly the log prefix.
              this.checkpointsSafe = false;
              this.unverified.clear();
              this.logger.warn({ event: 'log-gap', expected: this.lastSeq + 1, seq }, 'log written by another writer');
            }
            this.lastSeq = seq;
            Y.applyUpdate(this.doc, update);
          }
          applied = performance.now();
        },
        origin,
      );
    } catch (cause) {
      // The gate applied each update to a copy of this state first, so this should not happen; if
      // it does, the doc no longer matches the log.
      this.markBroken(new TandemError('internal', 'A stored update could not be applied', { doc: this.name, seq: this.lastSeq }, { cause }));
      return;
    }
    this.wholeState = undefined; // a new version: encoded again when next asked for
    // The updates as stored, merged into one message. Each client gets what each update holds, as every
    // client that applied it would: structs one waits for (parked here too) went out when they arrived,
    // and what a client holds already it skips.
    this.broadcastStored(
      batch.map(({ update }) => (before !== undefined && update.byteLength > TRIM_ABOVE_BYTES ? Y.diffUpdate(update, before) : update)),
      origin,
    );
    const sent = performance.now();
    // After the restoring edit itself, so that a client forgets its undo steps once it holds it.
    const restored = batch.filter((item) => item.origin === 'restore').at(-1);
    if (restored !== undefined) this.tellRestored(restored.seq);
    // One made through another instance, recorded there: the store said which, and here is its edit.
    if (this.restoreDue > 0 && this.lastSeq >= this.restoreDue) this.tellRestored(this.restoreDue);
    for (const waiter of this.seqWaiters) if (this.lastSeq >= waiter.seq) waiter.done(true);
    // The document was created since this room opened: which one the name holds is read at once, while
    // it is surely this one (the head check compares it; see checkHead), and its editors are told.
    if (this.createdAt === undefined && !this.readingCreatedAt) this.readCreatedAt();
    for (const { update, origin: from, author, stages } of batch) {
      this.bindings.bind(update, author);
      if (stages !== undefined) {
        stages.applied = applied;
        stages.sent = sent;
        this.deps.events.updateStages(stages);
      }
      if (from === 'remote') {
        this.size.arrived(update.byteLength);
        this.gate.sourceChanged(update, author);
        continue;
      }
      this.size.applied(update.byteLength);
      if (from === 'restore') this.gate.sourceChanged(update, author);
      else this.gate.applied(update);
    }
    // What another instance (or a restore, or the API) stored may be what a held-back update waits for: judged
    // again now, not only at the end of its wait (found by a review: its earlier update, sent to another instance,
    // arrived through Redis after this one caught up, and it waited the whole 2 s).
    if (this.heldBack.size > 0) this.releaseHeldBackFor(batch.filter((item) => !(item.origin instanceof Connection)).map((item) => item.update));
    if (this.checkpointsSafe && this.lastSeq - this.checkpointSeq >= this.deps.checkpointEvery) this.checkpoint(this.lastSeq);
  }

  /** Stores the merged state at `seq`; must run right after update `seq` was applied. */
  private checkpoint(seq: number): void {
    const started = performance.now();
    const state = Y.encodeStateAsUpdate(this.doc);
    this.size.observed(state.byteLength);
    const from = this.checkpointSeq;
    this.checkpointSeq = seq;
    // What Redis brought goes into a checkpoint (which every later load starts from) only once the log
    // holds the same updates at those seqs.
    const heard = [...this.unverified].filter(([s]) => s <= seq);
    for (const [s] of heard) this.unverified.delete(s);
    const after = heard.reduce((n, [s]) => Math.min(n, s - 1), from);
    const write = () => this.deps.store.writeCheckpoint(this.name, { seq, state, createdAt: Date.now() }).then(() => true);
    const written: Promise<boolean> =
      heard.length === 0
        ? write()
        : this.deps.store.readUpdates(this.name, { afterSeq: after, toSeq: seq }).then((read) => {
            const inLog = new Map(read.map((u) => [u.seq, u.update]));
            let checked = true;
            for (const [s, update] of heard) {
              const stored = inLog.get(s);
              if (stored === undefined) checked = false; // merged away by compaction meanwhile: not checked
              else if (!sameBytes(stored, update)) {
                this.markBroken(new TandemError('internal', 'An update heard through Redis is not the one the log holds at its seq', { doc: this.name, seq: s }));
                return false;
              }
            }
            if (checked) return write();
            this.logger.info({ event: 'checkpoint-skipped', seq }, 'checkpoint not written: what Redis brought could not be checked against the log (compacted meanwhile)');
            return false;
          });
    // What the event loop spent on it: the encoding and the store's synchronous write (not its flush).
    this.deps.events.checkpointTaken(performance.now() - started);
    const task = written
      .then(
        (wrote) => {
          if (wrote) this.deps.events.checkpointWritten(this.name, seq, state.byteLength);
        },
        (err: unknown) => {
          // Not fatal: loading just reads a longer tail until the next checkpoint succeeds.
          this.deps.events.error('checkpoint');
          this.logger.error({ event: 'checkpoint-failed', seq, err }, 'checkpoint write failed');
        },
      )
      .finally(() => this.background.delete(task));
    this.background.add(task);
  }

  /** `updates` (applied, in seq order) as one message; each as its own should Yjs fail to merge them. */
  private broadcastStored(updates: readonly Uint8Array[], origin: TxOrigin): void {
    let merged = updates.length === 1 ? updates[0] : undefined;
    if (merged === undefined) {
      try {
        merged = Y.mergeUpdates([...updates]);
      } catch (cause) {
        this.logger.warn({ event: 'merge-failed', updates: updates.length, err: cause }, 'stored updates sent one by one: Yjs could not merge them');
      }
    }
    if (merged !== undefined) this.broadcastUpdate(merged, origin);
    else for (const update of updates) this.broadcastUpdate(update, origin);
  }

  /** Sends an applied batch to every client but its sender (when it had one sender). */
  private broadcastUpdate(update: Uint8Array, origin: TxOrigin): void {
    const broadcast = prepareBroadcast(encodeUpdate(update));
    let recipients = 0;
    for (const conn of this.connections) {
      if (conn === origin) continue;
      conn.sendBroadcast(broadcast);
      recipients += 1;
    }
    this.deps.events.updateBroadcast(this.name, recipients);
  }

  /**
   * Awareness changes (cursors, names) are sent once per event-loop turn: every client whose state
   * changed in the turn goes out in one message, encoded once, instead of one message per change.
   */
  private broadcastAwareness({ added, updated, removed }: AwarenessChange, origin: TxOrigin): void {
    if (added.length + updated.length + removed.length === 0) return;
    const first = this.awarenessDirty.size === 0;
    for (const ids of [added, updated, removed]) for (const id of ids) this.awarenessDirty.add(id);
    const from = origin instanceof Connection ? origin : null;
    // Changes made here (not heard from another instance, not a state timing out, which every instance
    // does by itself) go to the other instances with this turn's broadcast.
    if (this.remote !== undefined && origin !== 'remote' && (origin as unknown) !== 'timeout') {
      for (const ids of [added, updated, removed]) for (const id of ids) this.awarenessToPublish.add(id);
    }
    // The sender of every change in the batch does not need it back; with several senders, all get it.
    this.awarenessSkip = first ? from : this.awarenessSkip === from ? from : null;
    if (first) setImmediate(() => this.flushAwareness());
  }

  private flushAwareness(): void {
    const ids = [...this.awarenessDirty];
    const skip = this.awarenessSkip;
    this.awarenessDirty.clear();
    this.awarenessSkip = null;
    if (this.destroyed || ids.length === 0) return;
    const broadcast = prepareBroadcast(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)));
    for (const conn of this.connections) if (conn !== skip) conn.sendBroadcast(broadcast);
    if (this.awarenessToPublish.size > 0) {
      this.remote?.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awarenessToPublish]));
      this.awarenessToPublish.clear();
    }
    this.presence.trimRemembered();
  }

  /** What this room hears from the other instances. */
  private remoteHandler(): RemoteHandler {
    return {
      update: (seq, update, author) => {
        // What Redis brings is checked before it can reach the document: a seq that cannot be one, or
        // bytes that are not a Yjs update, are dropped (the log brings the real update, if any).
        if (!Number.isSafeInteger(seq) || seq < 1 || (update.byteLength > 0 && !isYjsUpdate(update))) {
          this.deps.events.fanoutDropped('malformed', 1);
          return;
        }
        // A big update comes as its seq alone (see redis-fanout.ts): the log is read up to it.
        if (update.byteLength === 0) {
          if (this.order === undefined) this.earlyHead = Math.max(this.earlyHead, seq);
          else this.order.headAt(seq);
        } else if (this.order === undefined) this.early.push({ seq, update, author });
        else this.order.offer({ seq, update, origin: 'remote', author });
      },
      awareness: (update, from) => {
        if (this.destroyed) return;
        try {
          this.presence.receiveRemote(update, 'remote' satisfies TxOrigin, from);
        } catch {
          this.deps.events.fanoutDropped('malformed', 1);
        }
      },
      // Every instance drops a dead one's people by itself: the removal is not published.
      instanceGone: (from) => {
        if (!this.destroyed) this.presence.releaseInstance(from, 'remote' satisfies TxOrigin);
      },
      resync: () => {
        this.checkHead();
        this.checkRestored();
      },
      // A hint, as all that Redis brings: only a document the store has in the trash is closed.
      trashed: () => this.checkTrashed(),
      // Likewise: only a name the store has as a redirect is closed, and to the store's new name.
      moved: () => this.checkMoved(),
      restored: () => this.checkRestored(),
      presenceAsked: (afterOutage) => {
        if (this.destroyed) return;
        // Raised, the states are a change here: this turn's broadcast sends them to everyone, here and there.
        if (afterOutage) {
          // Removals made while Redis was away reached nobody: sent again (at the clock the others hold, which removes).
          const released = this.presence.releasedRecently();
          if (released.length > 0) this.remote?.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, released));
          return void this.presence.reannounce('heartbeat' satisfies TxOrigin);
        }
        this.answerPresence();
      },
    };
  }

  /**
   * Publishes the presence this instance's own clients hold, at most once a second however many
   * instances ask (a query is one small message any instance, or anyone who can publish on Redis, may
   * send): a query within the second gets the answer at its end.
   */
  private answerPresence(): void {
    if (this.presenceAnswer !== undefined) return;
    const send = () => {
      this.presenceAnswer = undefined;
      this.presenceAnsweredAt = Date.now();
      const ids = this.destroyed ? [] : this.presence.localIds();
      if (ids.length > 0) this.remote?.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
    };
    const wait = this.presenceAnsweredAt + PRESENCE_ANSWER_MS - Date.now();
    if (wait <= 0) return send();
    this.presenceAnswer = setTimeout(send, wait);
    this.presenceAnswer.unref();
  }

  /**
   * A viewer's update that would change the document: refused, unless this instance is behind the log
   * (several instances) and the update holds only what others committed meanwhile: a viewer that saw an
   * edit on another instance, then reconnected here before this one heard of it. The log is read first
   * (within VIEWER_CATCH_UP_MS), and the update judged again.
   */
  private async viewerUpdateSettled(update: Uint8Array): Promise<true | Refused> {
    const refuse = () => {
      this.deps.events.viewerUpdateDropped(this.name);
      return new Refused('a viewer cannot change the document');
    };
    if (this.order === undefined || !isYjsUpdate(update)) return refuse();
    // One read of the head at a time, shared by every viewer update waiting for it, and at most one a
    // second (a viewer sending many makes one query a second, not one each).
    if (this.headRead === undefined || performance.now() - this.headReadAt > VIEWER_HEAD_READ_MS) {
      this.headReadAt = performance.now();
      this.headRead = this.deps.store.getDocument(this.name).then(
        (info) => info?.lastSeq ?? 0,
        () => 0,
      );
    }
    const head = await this.headRead;
    if (head <= this.lastSeq || !(await this.appliedUpTo(head, VIEWER_CATCH_UP_MS))) return refuse();
    try {
      return changesNothing(this.doc, update, this.deps.events) ? true : refuse();
    } catch {
      return refuse();
    }
  }

  /** True when other instances write this document's log too (REDIS_URL): the room may be behind it. */
  get sharesLog(): boolean {
    return this.order !== undefined;
  }

  /**
   * Answers a query for everyone's presence: at once, and then at most once per AWARENESS_QUERY_MS for
   * the connection, the queries meanwhile answered together at its end. Each answer encodes every state
   * in the room, and a client sending one-byte queries in a loop held the event loop (suspected by a
   * review, reproduced).
   */
  private answerAwarenessQuery(conn: Connection): void {
    const answer = () => {
      if (!conn.isClosed) conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
    };
    const pacing = awarenessQueries.get(conn);
    const now = performance.now();
    if (pacing === undefined || now >= pacing.nextAt) {
      awarenessQueries.set(conn, { nextAt: now + AWARENESS_QUERY_MS, waiting: false });
      answer();
      return;
    }
    if (pacing.waiting) return;
    pacing.waiting = true;
    setTimeout(() => {
      pacing.waiting = false;
      pacing.nextAt = performance.now() + AWARENESS_QUERY_MS;
      answer();
    }, pacing.nextAt - now).unref();
  }

  /**
   * Runs `work` once every exclusive work of this room before it has settled, and, with a store several
   * instances serve, while this instance holds the document's lock in the store. For the server's edits
   * that say what the document must be (restore, undo a restore, replace the content, create it): each is
   * built from the live document, so two at once would each be built from the same state and both stored
   * (found by a review across instances: a version restored through two at once had its text twice).
   * `work` catches up with the log first (caughtUp), which then holds what the other instance stored.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const locked = async (): Promise<T> => {
      const unlock = await this.lockDocument();
      try {
        return await work();
      } finally {
        await unlock?.();
      }
    };
    const run = this.exclusiveTail.then(locked, locked);
    this.exclusiveTail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** The document's lock in the store (see exclusive), if the store has locks: TandemError 409 if it is held too long elsewhere. */
  private async lockDocument(): Promise<(() => Promise<void>) | undefined> {
    if (this.deps.store.lockDocument === undefined) return undefined;
    try {
      return await this.deps.store.lockDocument(this.name, EXCLUSIVE_LOCK_WAIT_MS);
    } catch (cause) {
      if (cause instanceof PersistenceError && cause.code === 'busy') {
        throw new TandemError('conflict', 'The document is being restored or replaced through another instance; try again', { doc: this.name, waitedMs: EXCLUSIVE_LOCK_WAIT_MS }, { cause });
      }
      throw storageError(cause, "The document's lock could not be taken", { doc: this.name });
    }
  }

  /**
   * Resolves once `doc` holds every update the log held when called. With other instances, what they
   * committed may not have reached this one yet (Redis slow or away until the next head check), and
   * work built on the live document (a restore, a replace, a copy) must not take it for an edit made
   * meanwhile, nor leave it out. With one instance the log is ahead only by this room's own writes:
   * stored and waiting to be applied (paced, see enqueueApply), which are applied now. Throws
   * TandemError('storage-failed') if the log cannot be read, or caught up within `timeoutMs`.
   */
  async caughtUp(timeoutMs = 5_000): Promise<void> {
    if (this.order === undefined) {
      await this.afterWritesUnderWay();
      if (this.applyQueue.length > 0) this.applyQueued();
      if (this.writeFailedSinceCheck) await this.applyStoredAfterAll();
      return;
    }
    let head: number;
    try {
      head = (await this.deps.store.getDocument(this.name))?.lastSeq ?? 0;
    } catch (cause) {
      throw storageError(cause, 'The document could not be brought up to date with the log', { doc: this.name });
    }
    if (await this.appliedUpTo(head, timeoutMs)) return;
    if (this.destroyed) throw new TandemError('conflict', 'The document was closed meanwhile (renamed, moved to the trash, or reloaded); try again', { doc: this.name });
    throw new TandemError('storage-failed', 'The document could not be brought up to date with the log in time', { doc: this.name, seq: head });
  }

  /**
   * After a write of this room failed (one instance): applies what the log holds past the doc, an update
   * reported as failed but committed all the same. Work built on the doc (a restore, a replace) would
   * otherwise leave it out, and a restore retried after its 503 would be stored twice. A log that cannot be
   * read now is compared again at the next call; nothing built now can be stored meanwhile either.
   */
  private async applyStoredAfterAll(wanted: () => boolean = () => true): Promise<void> {
    let missed: StoredUpdate[];
    try {
      const head = (await this.deps.store.getDocument(this.name))?.lastSeq ?? 0;
      missed =
        head <= this.lastSeq
          ? []
          : (await this.deps.store.readUpdates(this.name, { afterSeq: this.lastSeq, toSeq: head })).map(
              (u): StoredUpdate => ({ seq: u.seq, update: u.update, origin: 'remote', author: u.author, fromLog: true }),
            );
    } catch {
      return;
    }
    // Read too late for the work that asked (see admitIncoming): compared again next time.
    if (!wanted() || this.destroyed) return;
    this.writeFailedSinceCheck = false;
    // This room's own writes applied meanwhile are past them; anything at or below lastSeq is applied already or
    // was stepped over (its gap stopped checkpoints).
    const queued = new Set(this.applyQueue.map((item) => item.seq));
    for (const item of missed) if (item.seq > this.lastSeq && !queued.has(item.seq)) this.enqueueApply(item);
    if (this.applyQueue.length > 0) this.applyQueued();
  }

  /** Resolves true once `doc` holds every update up to `seq` (read from the log if need be), false after `ms`. */
  private appliedUpTo(seq: number, ms: number): Promise<boolean> {
    if (this.lastSeq >= seq) return Promise.resolve(true);
    if (this.destroyed || this.order === undefined) return Promise.resolve(false);
    this.order.headAt(seq);
    return new Promise<boolean>((resolve) => {
      const waiter = { seq, done: (ok: boolean) => (clearTimeout(timer), this.seqWaiters.delete(waiter), resolve(ok)) };
      const timer = setTimeout(() => waiter.done(false), ms);
      this.seqWaiters.add(waiter);
    });
  }

  /** Tells every editor here that the document's latest restore is `seq` (see encodeRestored); never a lower one. */
  private tellRestored(seq: number): void {
    // Told this one or a later one: the one due is told (a lower one, made here, leaves it due).
    if (seq >= this.restoreDue) this.restoreDue = 0;
    if (seq <= this.lastRestoreSeq) return;
    this.lastRestoreSeq = seq;
    for (const conn of this.connections) conn.tellRestored(seq);
  }

  /**
   * The store's latest recorded restore is `seq`: told at once if `doc` holds it, otherwise once it does
   * (an editor told before it holds the restoring edit would keep undo steps that undo it).
   */
  private restoreRecorded(seq: number): void {
    if (seq <= this.lastRestoreSeq) return;
    if (seq <= this.lastSeq) return this.tellRestored(seq);
    this.restoreDue = Math.max(this.restoreDue, seq);
    this.order?.headAt(seq);
  }

  /** Asks the store for the latest restore (made through another instance: Redis said so, or may have lost it). */
  private checkRestored(): void {
    // One read at a time, and one more for whatever asked meanwhile: a flood of hints (anyone who can
    // publish on Redis may send them) makes one query after another, not one each at once.
    if (this.restoreCheck !== 'idle') {
      this.restoreCheck = 'again';
      return;
    }
    this.restoreCheck = 'running';
    this.deps.store
      .lastRestoreSeq(this.name)
      .then(
        (seq) => {
          if (!this.destroyed) this.restoreRecorded(seq);
        },
        () => {}, // the database is away: a client told at its next join
      )
      .finally(() => {
        const again = this.restoreCheck === 'again';
        this.restoreCheck = 'idle';
        if (again && !this.destroyed) this.checkRestored();
      });
  }

  /** Closes the room if the store has the document in the trash (trashed through another instance). */
  private checkTrashed(): void {
    this.deps.store.inTrash(this.name).then(
      (entry) => {
        if (entry !== undefined && !this.destroyed) this.deps.onTrashed?.(this);
      },
      () => {}, // the database is away: Room.load refuses a trashed document once it is back
    );
  }

  /**
   * Closes the room, sending its clients to the new name, if the store has this name as a redirect.
   * `existed`: the head check found no document under this name though this room held one (it was
   * created): without a redirect, it was purged through another instance (deleted, then purged before
   * this one heard of either), and its clients are closed as those of a deleted document, before their
   * next edit creates it again under this name.
   */
  private checkMoved(fromHeadCheck = false, existed = false): Promise<void> {
    return this.deps.store.resolveRedirect(this.name).then(
      (to) => {
        if (this.destroyed) return;
        if (to !== undefined) return this.deps.onMoved?.(this, to);
        if (existed) return this.checkPurged();
        // No redirect (any more): the name may have been taken back by a new document since; the head
        // check compares which document the name holds.
        if (!fromHeadCheck) return this.checkHead();
      },
      () => {}, // the database is away: Room.load sends clients on once it is back
    );
  }

  /**
   * The head check found no document under this name, and no redirect: read again, as the name may
   * have been taken back by a new document meanwhile (renamed away, then created again: the head check
   * compares which one it holds). Still nothing: purged, and the room is closed as a deleted one.
   */
  private checkPurged(): Promise<void> {
    return this.deps.store.getDocument(this.name).then(
      (info) => {
        if (this.destroyed) return;
        if (info !== undefined) return this.checkHead();
        this.logger.warn({ event: 'document-purged-elsewhere' }, 'the document was purged through another instance: its clients are closed');
        this.deps.onTrashed?.(this);
      },
      () => {}, // the database is away: the next head check looks again
    );
  }

  /** From the loaded seq on, every committed update (here or elsewhere) is applied once, in seq order. */
  private startOrdering(after: number): void {
    const name = this.name;
    this.order = new SeqOrder<StoredUpdate>({
      after,
      deliver: (item) => {
        if (item.origin === 'remote' && item.fromLog !== true && this.checkpointsSafe) this.unverified.set(item.seq, item.update);
        this.enqueueApply(item);
      },
      read: async (afterSeq, toSeq) =>
        (await this.deps.store.readUpdates(name, { afterSeq, toSeq })).map(
          (u): StoredUpdate => ({ seq: u.seq, update: u.update, origin: 'remote', author: u.author, fromLog: true }),
        ),
      trusted: (item) => item.origin !== 'remote' || item.fromLog === true,
      onRejected: (count) => this.deps.events.fanoutDropped('not-in-log', count),
      onHealed: (count) => {
        if (count > 0) this.deps.events.fanoutHealed(count);
      },
      onSkipped: (from, to) => this.logger.info({ event: 'fanout-compacted-over', from, to }, 'seqs merged away by compaction stepped over'),
      onReadError: (err) => this.logger.warn({ event: 'fanout-heal-failed', err }, 'reading missed updates from the log failed; retrying'),
    });
    for (const { seq, update, author } of this.early) this.order.offer({ seq, update, origin: 'remote', author });
    this.early = [];
    if (this.earlyHead > 0) this.order.headAt(this.earlyHead);
    this.headTimer = setInterval(() => this.checkHead(), this.deps.headCheckMs ?? 3_000);
    this.headTimer.unref();
  }

  /** The document this room holds came to exist (created through it, or elsewhere): its editors are told which. */
  private created(createdAt: number): void {
    if (this.createdAt !== undefined || this.destroyed) return;
    this.createdAt = createdAt;
    for (const conn of this.connections) conn.tellDocument(createdAt);
  }

  /** Reads which document the name holds, once it exists (see created). */
  private readCreatedAt(): void {
    this.readingCreatedAt = true;
    this.deps.store.getDocument(this.name).then(
      (info) => {
        this.readingCreatedAt = false;
        if (info !== undefined) this.created(info.createdAt);
      },
      () => {
        // The store is away: read again shortly (its editors say "Saved" only once told; see encodeDocumentCreated).
        setTimeout(() => {
          this.readingCreatedAt = false;
          if (this.createdAt === undefined && !this.destroyed) this.readCreatedAt();
        }, 1_000).unref();
      },
    );
  }

  /** Reads the log's head: anything committed elsewhere that Redis did not bring is read from the log. */
  private checkHead(): Promise<void> {
    if (this.order === undefined || this.destroyed) return Promise.resolve();
    // Trashed through another instance, the message lost: this room would go on storing into it.
    this.checkTrashed();
    // Applied before the read starts: the log's head, read, is at least this (unless it is another log).
    const applied = this.order.delivered;
    return this.deps.store.getDocument(this.name).then(
      (info) => {
        // Gone from under this name (renamed or purged through another instance, the message lost).
        if (info === undefined) return this.checkMoved(true, this.createdAt !== undefined);
        if (this.destroyed) return;
        // The name holds another document now (renamed, then taken back by a new one, through another
        // instance, unheard): its log is not this room's, and nothing of this room may go into it.
        if (this.createdAt !== undefined ? info.createdAt !== this.createdAt : info.lastSeq < applied) {
          this.logger.warn({ event: 'document-replaced', createdAt: this.createdAt, now: info.createdAt }, 'the name holds another document now');
          return this.deps.onMoved?.(this, undefined);
        }
        // The same document, its log behind what was applied here: something Redis brought that the log
        // does not hold (a forged update). Not a rename (its clients would be told the name holds another
        // document): the room is loaded again from the log.
        if (info.lastSeq < applied) {
          return this.markBroken(new TandemError('internal', 'Applied an update the log does not hold', { doc: this.name, seq: applied }));
        }
        this.created(info.createdAt);
        // Behind the log: Redis may have lost a restore's message with its update. Asked again at the checks
        // of the next RESTORE_RECORD_GRACE_MS: a restore is recorded just after its update is stored, so a
        // check between the two finds the update but not yet the record, and once the update is applied here
        // nothing else would ask.
        if (info.lastSeq > this.lastSeq) {
          this.checkRestored();
          this.restoreAskUntil = Date.now() + RESTORE_RECORD_GRACE_MS;
        } else if (Date.now() < this.restoreAskUntil) {
          this.checkRestored();
        }
        this.order?.headAt(info.lastSeq);
      },
      () => {}, // the database is away: the store's availability says so; the next check tries again
    );
  }

  private markBroken(error: TandemError): void {
    if (this.broken) return;
    this.broken = true;
    this.checkpointsSafe = false;
    this.logger.error({ event: 'room-broken', err: error }, error.message);
    for (const conn of this.connections) conn.fail(error);
    this.deps.onBroken(this);
  }

  /**
   * Stops storing updates (a rename is under way) and resolves once every write this room started has
   * finished, so that nothing more is written under the current name. `thaw` undoes it, and says
   * whether updates were refused meanwhile (their senders must then sync again to send them).
   */
  async freeze(): Promise<void> {
    this.frozen = true;
    this.refusedWhileFrozen = 0;
    await this.quiesced();
  }

  thaw(): boolean {
    this.frozen = false;
    return this.refusedWhileFrozen > 0;
  }

  /** Resolves when every append and checkpoint write started by this room has finished. */
  async quiesced(): Promise<void> {
    if (this.pendingWrites > 0) await new Promise<void>((resolve) => this.writesDone.push(resolve));
    await this.settled();
  }

  private writeFinished(): void {
    this.pendingWrites -= 1;
    if (this.pendingWrites > 0) return;
    const waiters = this.writesDone;
    this.writesDone = [];
    for (const done of waiters) done();
  }

  /** Resolves when checkpoint writes started by this room have finished. */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.applyTimer);
    clearInterval(this.headTimer);
    clearTimeout(this.presenceAnswer);
    clearTimeout(this.wholeStateTimer);
    this.wholeState = undefined;
    this.syncAsks.clear();
    for (const waiter of this.seqWaiters) waiter.done(false);
    this.order?.stop();
    this.remote?.leave();
    this.gate.destroy();
    this.awareness.destroy();
    this.doc.destroy();
  }
}
