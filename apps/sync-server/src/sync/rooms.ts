// The registry of rooms: loads a document once on first connect, shares it among its connections,
// unloads it a grace period after the last one leaves, and drains everything on shutdown.

import type { DocumentStore, UpdateLog } from '@tandem/persistence';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { authorizeDoc } from '../auth/authenticate.js';
import { isAnonymous, type Principal } from '../auth/token.js';
import { settledWithin } from '../deadline.js';
import { TandemError } from '../errors.js';
import { addressKey } from '../ip-address.js';
import { Connection, type ConnectionDeps, type ConnectionLimits, type ConnectionOptions } from './connection.js';
import type { Durability } from '../config.js';
import type { AuthorTracker } from '../authors/author-tracker.js';
import type { SyncEvents } from './events.js';
import type { Fanout } from '../fanout/redis-fanout.js';
import { type Heartbeat, type HeartbeatSettings, startHeartbeat } from './heartbeat.js';
import type { PresenceLimits } from './presence-guard.js';
import { movedError, Room, trashedError } from './room.js';
import type { Pacing } from './send-pacing.js';
import type { StoreRate } from './store-rate.js';
import { ServerEditIds } from '../history/server-edit-client.js';

export interface RoomRegistryDeps {
  readonly store: DocumentStore;
  readonly log: UpdateLog;
  readonly logger: Logger;
  readonly events: SyncEvents;
  /** Records who the connections are in the authors table (see authors/author-tracker.ts). */
  readonly authors?: AuthorTracker;
  readonly checkpointEvery: number;
  readonly durability: Durability;
  /** See RoomDeps.commitsMayBeLost. */
  readonly commitsMayBeLost?: boolean;
  readonly maxBroadcastDelayMs: number;
  readonly pacing?: Pacing;
  readonly unloadDelayMs: number;
  readonly maxDocBytes: number;
  /** Bytes per hour each user (or address) may store, shared by all their rooms. */
  readonly storeRate: StoreRate;
  readonly maxConnectionsPerDoc: number;
  /** Connections one address may have at once; counts only connections without a token. */
  readonly maxConnectionsPerIp: number;
  /** Connections one signed-in user (a token's `sub`) may have at once, from any address. */
  readonly maxConnectionsPerUser: number;
  readonly limits: ConnectionLimits;
  readonly presence: PresenceLimits;
  /** How often connections are pinged, and when a silent one is away or dropped (see heartbeat.ts). */
  readonly heartbeat: HeartbeatSettings;
  /** Other instances on the same log (REDIS_URL); see Room. */
  readonly fanout?: Fanout;
  readonly headCheckMs?: number;
}

/** What a connection counts against besides its document: its user when it has a token, else its address. */
interface Quota {
  readonly counts: Map<string, number>;
  readonly key: string;
  readonly max: number;
  readonly kind: 'connections-per-user' | 'connections-per-ip';
}

interface Entry {
  readonly ready: Promise<Room>;
  room?: Room;
  unloadTimer?: NodeJS.Timeout;
}

export class RoomRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Every open connection, and its room once it has joined one. */
  private readonly connections = new Map<Connection, Room | undefined>();
  private readonly perDoc = new Map<string, number>();
  private readonly perIp = new Map<string, number>();
  private readonly perUser = new Map<string, number>();
  /** Broken rooms whose writes are still finishing; their document is loaded again only after. */
  private readonly draining = new Map<string, Promise<void>>();
  private shuttingDown = false;
  private readonly heartbeat: Heartbeat;

  /** Shared by every connection (one object, not one per connection). */
  private readonly connectionDeps: ConnectionDeps;

  /** The ids the server writes its own edits under (restores, replaced content), per document and author. */
  readonly serverEditIds = new ServerEditIds();

  constructor(private readonly deps: RoomRegistryDeps) {
    this.connectionDeps = { logger: deps.logger, events: deps.events, limits: deps.limits, onClose: (conn) => this.closed(conn) };
    this.heartbeat = startHeartbeat(deps.heartbeat, () => this.connections.keys());
  }

  get openRooms(): number {
    return this.entries.size;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** The loaded room of `doc`, if it is in memory. */
  loaded(doc: string): Room | undefined {
    return this.entries.get(doc)?.room;
  }

  /**
   * Throws TandemError('too-many-connections') if `doc`, or the user of `principal` (its address
   * `ip` without a token), has no room for another connection.
   */
  admit(doc: string, principal: Principal, ip: string): void {
    if ((this.perDoc.get(doc) ?? 0) >= this.deps.maxConnectionsPerDoc) {
      this.deps.events.limitHit('connections-per-doc');
      throw new TandemError('too-many-connections', `Document has ${this.deps.maxConnectionsPerDoc} connections already`, { doc });
    }
    const quota = this.quota(principal, ip);
    if ((quota.counts.get(quota.key) ?? 0) >= quota.max) {
      this.deps.events.limitHit(quota.kind);
      const [who, context] = quota.kind === 'connections-per-user' ? ['User', { user: quota.key }] : ['Address', { ip: quota.key }];
      throw new TandemError('too-many-connections', `${who} has ${quota.max} connections already`, { doc, ...context });
    }
  }

  /**
   * Behind a reverse proxy or a NAT many people share one address, so a signed-in connection counts
   * against its user, wherever it comes from; only connections without a token (authentication
   * off) count against their address (an IPv6 client's /64, see addressKey).
   */
  private quota(principal: Principal, ip: string): Quota {
    return isAnonymous(principal)
      ? { counts: this.perIp, key: addressKey(ip), max: this.deps.maxConnectionsPerIp, kind: 'connections-per-ip' }
      : {
          counts: this.perUser,
          // A share link's guests are new users at each redeem: theirs counts per link and address.
          key: principal.linkId === undefined ? principal.userId : `link:${principal.linkId}:${addressKey(ip)}`,
          max: this.deps.maxConnectionsPerUser,
          kind: 'connections-per-user',
        };
  }

  /** Takes over an upgraded socket for `doc`: it joins the room once the document is loaded. */
  connect(ws: WebSocket, doc: string, options: ConnectionOptions = {}): Connection {
    const conn = new Connection(ws, doc, this.connectionDeps, options);
    if (this.shuttingDown) {
      // The upgrade was checked before shutdown began but finished after: this client never synced,
      // keeps its state, and sends it again to the next server.
      conn.close(1001, 'server shutting down');
      return conn;
    }
    this.connections.set(conn, undefined);
    const quota = this.quota(conn.principal, conn.ip);
    bump(this.perDoc, doc, 1);
    bump(quota.counts, quota.key, 1);
    this.deps.events.connectionOpened();
    this.deps.authors?.opened(conn);
    if (this.deps.logger.isLevelEnabled('debug')) conn.log.debug({ event: 'connection-opened' }, 'connection opened');
    void this.joinWhenLoaded(conn, doc);
    return conn;
  }

  /**
   * Joins `conn` to `doc`'s room once loaded. A room dropped while its load was under way (the document
   * trashed, renamed, or the room broken meanwhile: their handlers run before those who waited on the
   * same load) is never joined: `doc` is loaded again, and the new load refuses as its checks say (4410,
   * 4430) or gives the room everyone else now uses. The check and the join are in one synchronous step.
   */
  private async joinWhenLoaded(conn: Connection, doc: string): Promise<void> {
    for (;;) {
      let room: Room;
      try {
        room = await this.acquire(doc);
      } catch (error) {
        if (error instanceof TandemError && error.code === 'moved' && typeof error.context.to === 'string') this.failMoved(conn, error.context.to);
        else conn.fail(error instanceof TandemError ? error : new TandemError('load-failed', String(error)));
        return;
      }
      const entry = this.entries.get(doc);
      if (entry?.room !== room) continue;
      if (entry.unloadTimer !== undefined) {
        clearTimeout(entry.unloadTimer);
        entry.unloadTimer = undefined;
      }
      // Always join, so what the client sent while the document loaded is handled (stored); a
      // client that closed meanwhile (closed() found no room to leave) then leaves at once.
      room.join(conn);
      if (this.connections.has(conn)) this.connections.set(conn, room);
      else this.release(room, conn);
      return;
    }
  }

  /** Closes `conn` with 4430, naming the new name `to` only if its token opens it. */
  private failMoved(conn: Connection, to: string): void {
    authorizeDoc(conn.principal, to, this.deps.store).then(
      () => conn.fail(movedError(conn.doc, to)),
      () => conn.fail(movedError(conn.doc)),
    );
  }

  /** A connection's socket closed: it stops counting against its limits, and leaves its room if it joined one. */
  private closed(conn: Connection): void {
    if (!this.connections.has(conn)) return; // refused during shutdown; never counted
    const room = this.connections.get(conn);
    this.connections.delete(conn);
    const quota = this.quota(conn.principal, conn.ip);
    bump(this.perDoc, conn.doc, -1);
    bump(quota.counts, quota.key, -1);
    this.deps.events.connectionClosed();
    this.deps.authors?.closed(conn);
    if (this.deps.logger.isLevelEnabled('debug')) conn.log.debug({ event: 'connection-closed' }, 'connection closed');
    if (room !== undefined) this.release(room, conn);
  }

  /**
   * `doc` was moved to the trash: every connection to it is closed with 4410 and the room leaves
   * memory. Loading it again is refused (Room.load checks the trash), so nobody can reopen it.
   */
  closeTrashed(doc: string): void {
    const entry = this.entries.get(doc);
    if (entry === undefined) return;
    void entry.ready.then(
      (room) => {
        for (const conn of [...room.connections]) conn.fail(trashedError(doc));
        this.drop(room);
      },
      () => {},
    );
  }

  /**
   * `doc` was renamed to `to`: every connection to it is closed with 4430 (the reason names `to`) and
   * the room leaves memory. Loading it again is refused the same way (Room.load checks redirects).
   */
  closeMoved(doc: string, to: string | undefined): void {
    const entry = this.entries.get(doc);
    if (entry === undefined) return;
    void entry.ready.then(
      (room) => {
        for (const conn of [...room.connections]) {
          // Where it went is not known (the name holds another document now): the client asks the store.
          if (to === undefined) conn.fail(movedError(doc));
          else this.failMoved(conn, to);
        }
        this.drop(room);
      },
      () => {},
    );
  }

  /**
   * Renames `from` to `to` with `rename` (the store's), its room here (if loaded) storing nothing
   * meanwhile: every write it started finishes first, and an update sent during the rename is not
   * stored under the old name (its sender keeps it, and sends it again under the new one). Then its
   * clients are sent on (closeMoved). If `rename` fails, the room takes updates again; clients whose
   * updates it refused meanwhile are closed with a code they reconnect after, to send them again.
   */
  async rename(from: string, to: string, rename: () => Promise<void>): Promise<void> {
    const room = this.entries.get(from)?.room;
    try {
      await room?.freeze();
      await rename();
    } catch (error) {
      if (room?.thaw() === true) {
        for (const conn of [...room.connections]) conn.fail(new TandemError('storage-failed', 'The document could not be renamed; reconnect', { doc: from }));
      }
      throw error;
    }
    this.closeMoved(from, to);
  }

  /**
   * Closes every open connection for which `covers` gives an error (access revoked), with that error's
   * close code; returns how many.
   */
  closeCovered(covers: (principal: Principal) => TandemError | undefined): number {
    let count = 0;
    for (const conn of this.connections.keys()) {
      const error = covers(conn.principal);
      if (error === undefined) continue;
      conn.fail(error);
      count += 1;
    }
    return count;
  }

  /** Runs `work` with `doc` loaded (loading it if needed), keeping it in memory until `work` is done. */
  async withRoom<T>(doc: string, work: (room: Room) => Promise<T>): Promise<T> {
    let room = await this.acquire(doc);
    // Never a room dropped while it loaded (see joinWhenLoaded): checked in the step that holds it.
    while (this.entries.get(doc)?.room !== room) room = await this.acquire(doc);
    room.holds += 1;
    try {
      return await work(room);
    } finally {
      room.holds -= 1;
      if (room.connections.size === 0) this.scheduleUnload(room);
    }
  }

  private acquire(doc: string): Promise<Room> {
    const existing = this.entries.get(doc);
    if (existing !== undefined) return existing.ready;
    const load = () => Room.load({
      name: doc,
      store: this.deps.store,
      log: this.deps.log,
      logger: this.deps.logger,
      events: this.deps.events,
      authors: this.deps.authors,
      checkpointEvery: this.deps.checkpointEvery,
      durability: this.deps.durability,
      commitsMayBeLost: this.deps.commitsMayBeLost,
      maxBroadcastDelayMs: this.deps.maxBroadcastDelayMs,
      pacing: this.deps.pacing,
      maxDocBytes: this.deps.maxDocBytes,
      presence: this.deps.presence,
      storeRate: this.deps.storeRate,
      onBroken: (room) => this.drop(room),
      onTrashed: (room) => this.closeTrashed(room.name),
      onMoved: (room, to) => this.closeMoved(room.name, to),
      fanout: this.deps.fanout,
      headCheckMs: this.deps.headCheckMs,
    });
    // Loading while a broken predecessor still writes would read a log that is about to grow.
    const draining = this.draining.get(doc);
    const ready = draining === undefined ? load() : draining.then(load);
    const entry: Entry = { ready };
    this.entries.set(doc, entry);
    ready.then(
      (room) => {
        entry.room = room;
      },
      () => {
        // Forget the failure so a later connection tries again; nothing was written.
        if (this.entries.get(doc) === entry) this.entries.delete(doc);
      },
    );
    return ready;
  }

  private release(room: Room, conn: Connection): void {
    room.leave(conn);
    if (room.connections.size === 0) this.scheduleUnload(room);
  }

  private scheduleUnload(room: Room): void {
    const entry = this.entries.get(room.name);
    if (entry?.room !== room) return;
    if (entry.unloadTimer !== undefined) clearTimeout(entry.unloadTimer);
    // A document nobody wrote (opened and left, never created) goes at once: connecting to new names
    // costs a client a handshake each, so waiting the delay would let one address keep any number of
    // rooms in memory, whatever its connection limit.
    const seqAtLeave = room.lastSeq;
    const delay = seqAtLeave === 0 ? 0 : this.deps.unloadDelayMs;
    entry.unloadTimer = setTimeout(() => {
      entry.unloadTimer = undefined;
      if (room.connections.size > 0) return;
      // Writes still in flight, or a document judged unwritten when its client left that was written
      // since (it wrote, then left before its update was applied): try again later, with the delay of a
      // document that exists. Not for any seq moved since: with several instances, the others' edits
      // move it, and the room would stay for as long as anyone elsewhere types.
      if (!room.idle || (seqAtLeave === 0 && room.lastSeq !== 0)) {
        this.scheduleUnload(room);
        return;
      }
      this.entries.delete(room.name);
      room.destroy();
      this.deps.events.documentUnloaded(room.name);
      this.deps.logger.info({ event: 'document-unloaded', doc: room.name }, 'document unloaded');
    }, delay);
    entry.unloadTimer.unref();
  }

  private drop(room: Room): void {
    const entry = this.entries.get(room.name);
    if (entry?.room === room) {
      if (entry.unloadTimer !== undefined) clearTimeout(entry.unloadTimer);
      this.entries.delete(room.name);
      // It leaves memory as an unloaded one does: else tandem_documents_open counts every document
      // trashed, renamed or broken while open, for as long as the process runs.
      this.deps.events.documentUnloaded(room.name);
    }
    const quiet = room.quiesced().then(() => {
      room.destroy();
      if (this.draining.get(room.name) === quiet) this.draining.delete(room.name);
    });
    this.draining.set(room.name, quiet);
  }

  /**
   * Graceful shutdown: asks every client to close (messages they sent before their close frame are
   * still stored), waits up to `timeoutMs` for them and for what the rooms still judge, then waits for
   * every pending write.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    this.shuttingDown = true;
    this.heartbeat.stop();
    const deadline = Date.now() + timeoutMs;
    while (this.connections.size > 0 && Date.now() < deadline) {
      const conns = [...this.connections.keys()];
      for (const conn of conns) conn.close(1001, 'server shutting down');
      await settledWithin(Promise.all(conns.map((c) => c.closed)), deadline - Date.now());
    }
    if (this.connections.size > 0) {
      this.deps.logger.warn({ event: 'shutdown-timeout', open: this.connections.size }, 'terminating clients that did not close');
      const conns = [...this.connections.keys()];
      for (const conn of conns) conn.terminate();
      await Promise.all(conns.map((c) => c.closed));
    }
    await Promise.all([...this.draining.values()]);
    const entries = [...this.entries.values()];
    const rooms = (await Promise.allSettled(entries.map((e) => e.ready)))
      .filter((r): r is PromiseFulfilledResult<Room> => r.status === 'fulfilled')
      .map((r) => r.value);
    // What the closed clients sent and the rooms still judge (an update held back for its page's earlier one,
    // which may yet come through Redis; one waiting for who wrote under a client id) is stored or refused
    // before the rooms go, within what is left of the deadline; dropped at destroy, it was stored nowhere.
    await settledWithin(Promise.all(rooms.map((room) => room.quiesced())), Math.max(0, deadline - Date.now()));
    await this.deps.log.drain();
    await Promise.all(rooms.map((room) => room.settled()));
    for (const entry of entries) if (entry.unloadTimer !== undefined) clearTimeout(entry.unloadTimer);
    for (const room of rooms) room.destroy();
    this.entries.clear();
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
