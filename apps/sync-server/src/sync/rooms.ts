// The registry of rooms: loads a document once on first connect, shares it among its connections,
// unloads it a grace period after the last one leaves, and drains everything on shutdown.

import type { DocumentStore, UpdateLog } from '@tandem/persistence';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { TandemError } from '../errors.js';
import { Connection, type ConnectionLimits, type ConnectionOptions } from './connection.js';
import type { SyncEvents } from './events.js';
import { Room } from './room.js';

export interface RoomRegistryDeps {
  readonly store: DocumentStore;
  readonly log: UpdateLog;
  readonly logger: Logger;
  readonly events: SyncEvents;
  readonly checkpointEvery: number;
  readonly unloadDelayMs: number;
  readonly maxDocBytes: number;
  readonly maxConnectionsPerDoc: number;
  readonly maxConnectionsPerIp: number;
  readonly limits: ConnectionLimits;
}

interface Entry {
  readonly ready: Promise<Room>;
  room?: Room;
  unloadTimer?: NodeJS.Timeout;
}

export class RoomRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly connections = new Set<Connection>();
  private readonly perDoc = new Map<string, number>();
  private readonly perIp = new Map<string, number>();

  constructor(private readonly deps: RoomRegistryDeps) {}

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

  /** Throws TandemError('too-many-connections') if `doc` or `ip` has no room for another connection. */
  admit(doc: string, ip: string): void {
    if ((this.perDoc.get(doc) ?? 0) >= this.deps.maxConnectionsPerDoc) {
      this.deps.events.limitHit('connections-per-doc');
      throw new TandemError('too-many-connections', `Document has ${this.deps.maxConnectionsPerDoc} connections already`, { doc });
    }
    if ((this.perIp.get(ip) ?? 0) >= this.deps.maxConnectionsPerIp) {
      this.deps.events.limitHit('connections-per-ip');
      throw new TandemError('too-many-connections', `Address has ${this.deps.maxConnectionsPerIp} connections already`, { ip });
    }
  }

  /** Takes over an upgraded socket for `doc`: it joins the room once the document is loaded. */
  connect(ws: WebSocket, doc: string, options: Omit<ConnectionOptions, 'limits'> = {}): Connection {
    const conn = new Connection(ws, doc, this.deps.logger, this.deps.events, { ...options, limits: this.deps.limits });
    this.connections.add(conn);
    bump(this.perDoc, doc, 1);
    bump(this.perIp, conn.ip, 1);
    this.deps.events.connectionOpened();
    if (this.deps.logger.isLevelEnabled('debug')) conn.log.debug({ event: 'connection-opened' }, 'connection opened');
    let room: Room | undefined;
    void conn.closed.then(() => {
      this.connections.delete(conn);
      bump(this.perDoc, doc, -1);
      bump(this.perIp, conn.ip, -1);
      this.deps.events.connectionClosed();
      if (this.deps.logger.isLevelEnabled('debug')) conn.log.debug({ event: 'connection-closed' }, 'connection closed');
      if (room !== undefined) this.release(room, conn);
    });
    this.acquire(doc).then(
      (loaded) => {
        room = loaded;
        const entry = this.entries.get(doc);
        if (entry?.unloadTimer !== undefined) {
          clearTimeout(entry.unloadTimer);
          entry.unloadTimer = undefined;
        }
        // A client already closing (server shutdown) still joins, so what it sent gets stored.
        if (!conn.isClosed) loaded.join(conn);
        else this.release(loaded, conn);
      },
      (error: unknown) => conn.fail(error instanceof TandemError ? error : new TandemError('load-failed', String(error))),
    );
    return conn;
  }

  /** Runs `work` with `doc` loaded (loading it if needed), keeping it in memory until `work` is done. */
  async withRoom<T>(doc: string, work: (room: Room) => Promise<T>): Promise<T> {
    const room = await this.acquire(doc);
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
    const ready = Room.load({
      name: doc,
      store: this.deps.store,
      log: this.deps.log,
      logger: this.deps.logger,
      events: this.deps.events,
      checkpointEvery: this.deps.checkpointEvery,
      maxDocBytes: this.deps.maxDocBytes,
      onBroken: (room) => this.drop(room),
    });
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
    entry.unloadTimer = setTimeout(() => {
      entry.unloadTimer = undefined;
      if (room.connections.size > 0) return;
      if (!room.idle) {
        this.scheduleUnload(room); // writes still in flight; try again later
        return;
      }
      this.entries.delete(room.name);
      room.destroy();
      this.deps.events.documentUnloaded(room.name);
      this.deps.logger.info({ event: 'document-unloaded', doc: room.name }, 'document unloaded');
    }, this.deps.unloadDelayMs);
    entry.unloadTimer.unref();
  }

  private drop(room: Room): void {
    const entry = this.entries.get(room.name);
    if (entry?.room === room) {
      if (entry.unloadTimer !== undefined) clearTimeout(entry.unloadTimer);
      this.entries.delete(room.name);
    }
    void room.settled().then(() => room.destroy());
  }

  /**
   * Graceful shutdown: asks every client to close (messages they sent before their close frame are
   * still stored), waits up to `timeoutMs` for them, then waits for every pending write.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    const conns = [...this.connections];
    for (const conn of conns) conn.close(1001, 'server shutting down');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([Promise.all(conns.map((c) => c.closed)), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.deps.logger.warn({ event: 'shutdown-timeout', open: this.connections.size }, 'terminating clients that did not close');
      for (const conn of this.connections) conn.terminate();
    }
    const entries = [...this.entries.values()];
    const rooms = (await Promise.allSettled(entries.map((e) => e.ready)))
      .filter((r): r is PromiseFulfilledResult<Room> => r.status === 'fulfilled')
      .map((r) => r.value);
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
