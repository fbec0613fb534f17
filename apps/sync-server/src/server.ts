// startServer: opens storage, builds the sync layer and the app, listens, and knows how to shut
// all of it down without losing a write. Used by main.ts and by in-process tests.

import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createGroupCommit, type DocumentStore, PersistenceError, type SqliteStoreOptions } from '@tandem/persistence';
import type { Logger } from 'pino';
import type { Hono } from 'hono';
import { createApp } from './app.js';
import { createAuthorTracker } from './authors/author-tracker.js';
import { createAuthorRecorder } from './authors/recorder.js';
import { settledWithin } from './deadline.js';
import { createAuthenticate } from './auth/authenticate.js';
import { RevocationList } from './auth/revocation-list.js';
import { createRevocations } from './auth/revocations.js';
import { RevokedLinkList } from './auth/revoked-link-list.js';
import { createShareLinks } from './auth/share-links.js';
import { createRevocationChannel } from './fanout/revocation-channel.js';
import type { Config } from './config.js';
import { createHistoryPool, type HistoryPool } from './history/pool.js';
import { startHistorySweep } from './history/sweep.js';
import { createMetrics, docFingerprint, type Metrics } from './metrics/metrics.js';
import { openServerStorage, type ServerStorage } from './storage.js';
import { createRedisFanout } from './fanout/redis-fanout.js';
import { startTrashPurge } from './trash/purge.js';
import { StoreAvailability } from './store-availability.js';
import { SendGuard } from './http/send-guard.js';
import { SendPacing } from './sync/send-pacing.js';
import { RoomRegistry } from './sync/rooms.js';
import { StoreRate } from './sync/store-rate.js';
import { handleUpgrades } from './sync/upgrade.js';
import { NO_DOCUMENT_EVENTS, startWebhooks } from './webhooks/webhooks.js';

export interface RunningServer {
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  /** The threads that run history work. */
  readonly history: HistoryPool;
  /** The HTTP app (its routes are what /api/openapi.json must describe). */
  readonly app: Hono;
  /** The HTTP responses being sent (see http/send-guard.ts). */
  readonly sends: SendGuard;
  /** Graceful stop: no new connections, clients closed, every pending write finished, storage closed. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** How the store opens its WAL for flushing (tests stand in for a failing disk). */
  readonly openForSync?: SqliteStoreOptions['openForSync'];
  /** How often the author recorder writes (default 1 s): tests hold it back to see what reads wait for it. */
  readonly authorsIntervalMs?: number;
}

export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  // SQLite only: the store's file size, once the store is open.
  let sizeBytes: (() => number) | undefined;
  const metrics = createMetrics({
    storeSizeBytes: config.databaseUrl === undefined ? () => sizeBytes?.() ?? 0 : undefined,
    // /metrics answers anyone: with sign-in on, documents are labelled by a fingerprint, not their names.
    ...(config.authSecret === undefined ? {} : { docLabel: docFingerprint(config.authSecret) }),
  });
  const storage = await openServerStorage(config, {
    openForSync: options.openForSync,
    onWalCheckpoint: (report) => {
      metrics.store.walCheckpointed(report);
      // The WAL still holds every frame; the checkpointer tries again, backing off.
      if (!report.ok) logger.warn({ event: 'wal-checkpoint-failed', err: report.error }, 'WAL checkpoint failed; the WAL keeps every write and grows until one succeeds');
    },
    onWalIgnored: (report) =>
      logger.error(
        { event: 'wal-commits-ignored', ...report },
        `SQLite ignores ${report.ignoredCommits} complete commit(s) of its write-ahead log past a damaged frame (disk corruption, or a ` +
          `power cut with writes not yet flushed); the log was kept as ${report.keptAs}: check the disk (dmesg), and keep that copy`,
      ),
  });
  sizeBytes = storage.sizeBytes;
  try {
    return await serveFrom(config, logger, storage, metrics, options);
  } catch (error) {
    await storage.store.close().catch(() => {});
    storage.release();
    throw error;
  }
}

async function serveFrom(config: Config, logger: Logger, storage: ServerStorage, metrics: Metrics, options: StartOptions): Promise<RunningServer> {
  const { store } = storage;
  // PostgreSQL: writes fail while the database is away and work again once it is back; said once per outage.
  const availability = new StoreAvailability({ store, logger, where: storage.where, events: metrics.store });
  // SQLite below MIN_FREE_DISK_BYTES (or on a full disk): writes are refused until space is freed, then taken
  // again without a restart; said once each way, and the gauge follows.
  const diskSpace = new StoreAvailability({ store, logger, where: storage.where, events: metrics.store, cause: 'disk-space' });
  // PostgreSQL whose disk is full: it answers (reads are served) but refuses to grow a table; over at the
  // next write it stores (a probe would find it answering all along).
  const databaseDisk = new StoreAvailability({ store, logger, where: storage.where, events: metrics.store, cause: 'database-disk', probe: false });
  let unusableReported = false;
  // After a failed disk flush the store refuses writes until a restart: say so once, with the way out.
  const reportIfUnusable = (): void => {
    store.checkHealth().catch((err: unknown) => {
      // Below the free-disk floor is not final: the store takes writes again once there is room.
      if (err instanceof PersistenceError && err.code === 'insufficient-storage') return diskSpace.failed(err);
      if (unusableReported) return;
      unusableReported = true;
      metrics.store.storeAvailability(false);
      logger.fatal(
        { event: 'store-unusable', err },
        'the store refuses writes until the server restarts: fix the disk (dmesg, free space), then restart; ' +
          'SQLite replays its write-ahead log on open, and clients resend what was not acknowledged',
      );
    });
  };
  // Signed calls to WEBHOOK_URL: queued in the store, sent in the background (see webhooks/).
  const webhooks = startWebhooks({ config, store, logger, events: metrics.webhooks });
  const groupCommit = createGroupCommit({
    store,
    onFlush: (report) => {
      metrics.events.updatesFlushed(report);
      if (!storage.failuresAreFinal) {
        if (report.error === undefined) {
          availability.succeeded();
          databaseDisk.succeeded();
        } else if (report.error instanceof PersistenceError && report.error.code === 'insufficient-storage') databaseDisk.failed(report.error);
        // A refusal of one document's append (its name renamed away) is the database answering, not away.
        else if (!(report.error instanceof PersistenceError && report.error.code === 'conflict')) availability.failed(report.error);
      } else if (report.error !== undefined) {
        logger.error({ event: 'persist-failed', err: report.error, updates: report.updates }, 'group commit failed');
        if (report.error instanceof PersistenceError && report.error.code === 'insufficient-storage') diskSpace.failed(report.error);
        else reportIfUnusable();
      }
    },
  });
  // Each stored update is reported to the webhooks' outbox (nothing waits for it).
  const log = webhooks?.reportCommits(groupCommit) ?? groupCommit;
  const pacing = new SendPacing();
  // Several instances on one log: updates and presence go between them through Redis (see fanout/).
  const fanout =
    config.redisUrl === undefined
      ? undefined
      : createRedisFanout({ url: config.redisUrl, prefix: `tandem:${config.databaseSchema}`, logger, events: metrics.fanout, heartbeatMs: config.fanoutHeartbeatMs });
  // Connected before the first client, so that documents are heard from the start (at most 2 s: an
  // instance starts without Redis, and the log heals what it misses meanwhile).
  if (fanout !== undefined && !(await fanout.ready(2_000))) {
    logger.warn({ event: 'redis-unavailable', reason: 'not reachable at start-up' }, 'starting without Redis: other instances see this one through the log, a few seconds late');
  }
  // Who the authors are, written in the background: never in the way of a connection or an update.
  const authorRecorder = createAuthorRecorder({ store, logger, events: metrics.authors, intervalMs: options.authorsIntervalMs });
  const rooms = new RoomRegistry({
    authors: createAuthorTracker({ recorder: authorRecorder }),
    fanout,
    headCheckMs: config.fanoutHeadCheckMs,
    store,
    log,
    logger,
    events: metrics.events,
    checkpointEvery: config.checkpointEvery,
    durability: config.durability,
    // A database over the network: a commit reported as failed may have been made, its answer lost.
    commitsMayBeLost: storage.engine === 'postgres',
    maxBroadcastDelayMs: config.maxBroadcastDelayMs,
    pacing,
    unloadDelayMs: config.docUnloadDelayMs,
    maxDocBytes: config.maxDocBytes,
    storeRate: new StoreRate(config.storeRateBytesPerHour, config.storeBurstBytes),
    maxConnectionsPerDoc: config.maxConnectionsPerDoc,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    maxConnectionsPerUser: config.maxConnectionsPerUser,
    presence: {
      maxStatesPerConnection: config.maxAwarenessStatesPerConnection,
      maxStateBytes: config.maxAwarenessStateBytes,
      maxStatesPerDoc: config.maxAwarenessStatesPerDoc ?? config.maxConnectionsPerDoc,
    },
    heartbeat: { intervalMs: config.pingIntervalMs, dropAfterMs: config.pingDropAfterMs },
    limits: {
      maxMessageBytes: config.maxMessageBytes,
      messagesPerSecond: config.rateLimitMessages,
      bytesPerSecond: config.rateLimitBytes,
      maxBufferedBytes: config.maxBufferedBytes,
    },
  });

  const historySweep = startHistorySweep({
    store,
    intervalMs: config.historySweepInterval,
    retention: config.historyKeepAll === null ? null : { keepAllForMs: config.historyKeepAll, bucketMs: config.historyBucket },
    logger,
    events: metrics.history,
  });

  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;
  // Withdrawn access, checked in memory at every authentication and re-read from the store (see auth/revocations.ts).
  const revocationList = new RevocationList();
  const revocationChannel =
    config.redisUrl === undefined || config.authSecret === undefined
      ? undefined
      : createRevocationChannel({
          url: config.redisUrl,
          prefix: `tandem:${config.databaseSchema}`,
          logger,
          onRevocation: (r) => revocations.heard(r),
          onLinkRevoked: () => shareLinks?.heard(),
          onReconnect: () => {
            void revocations.reread();
            void shareLinks?.reread();
          },
        });
  // Share links and their revocation, checked in memory like the revocations (see auth/share-links.ts).
  const revokedLinks = new RevokedLinkList();
  const shareLinks =
    config.authSecret === undefined
      ? undefined
      : createShareLinks({
          store,
          secret: config.authSecret,
          list: revokedLinks,
          logger,
          closeCovered: (covers) => rooms.closeCovered(covers),
          checkMs: config.revocationCheckMs,
          ...(revocationChannel === undefined ? {} : { channel: revocationChannel }),
          limitHit: (kind) => metrics.events.limitHit(kind),
        });
  // After the share links: a user revocation ends the links the user made (see auth/revocations.ts).
  const revocations = createRevocations({
    store,
    list: revocationList,
    logger,
    closeCovered: (covers) => rooms.closeCovered(covers),
    checkMs: config.revocationCheckMs,
    events: metrics.revocations,
    ...(shareLinks === undefined ? {} : { links: shareLinks }),
  });
  // Without tokens nothing can be revoked: the store is not read again and again for nothing.
  if (config.authSecret !== undefined) {
    await revocationChannel?.ready(2_000);
    await revocations.start(revocationChannel);
    await shareLinks?.start();
  }
  const authenticate = createAuthenticate(config.authSecret, revocationList, revokedLinks);
  // Heavy history work runs on these threads, never on this one (see history/pool.ts).
  const history = createHistoryPool({
    store: storage.location,
    workers: config.historyWorkers,
    timeoutMs: config.historyTimeoutMs,
    maxQueue: config.historyQueue,
    logger,
    events: metrics.events,
  });
  // Health checks and metrics answer at the root and under BASE_PATH (see app.ts).
  const probes = new Set(['/healthz', '/readyz', '/metrics'].flatMap((path) => [path, `${config.basePath}${path}`]));
  const sends = new SendGuard({
    sendTimeoutMs: config.httpSendTimeoutMs,
    maxPerAddress: config.maxHttpSendsPerIp,
    maxBytes: config.maxHttpSendBytes,
    alwaysAnswered: (path) => probes.has(path),
    logger,
    events: metrics.sends,
  });
  const app = createApp({
    sends,
    config,
    store,
    rooms,
    registry: metrics.registry,
    logger,
    isShuttingDown,
    // A failed readiness check starts an outage too (and its probe), so one is noticed without writes.
    availability: storage.failuresAreFinal ? undefined : availability,
    authenticate,
    authorsWritten: (ids) => authorRecorder.written(ids),
    events: metrics.events,
    history,
    ...(fanout === undefined ? {} : { fanout }),
    documentEvents: webhooks?.events ?? NO_DOCUMENT_EVENTS,
    revocations,
    ...(shareLinks === undefined ? {} : { shareLinks }),
  });
  // Documents in the trash longer than TRASH_DAYS are purged, checked as often as the history sweep runs.
  const trashPurge = startTrashPurge({
    store,
    trashDays: config.trashDays,
    intervalMs: config.historySweepInterval,
    logger,
    documentEvents: webhooks?.events ?? NO_DOCUMENT_EVENTS,
    purged: (docs) => void shareLinks?.storeRevoked(`purged ${docs.join(', ')}`),
  });

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', reject);
  });
  // Messages over MAX_MESSAGE_BYTES are refused by the connection with a named code (4413); `ws`
  // itself cuts off anything past twice that (1009) so an attacker cannot make it buffer more.
  handleUpgrades(server, { app, rooms, logger, maxPayload: config.maxMessageBytes * 2 });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info(
    { event: 'listening', url, store: storage.engine, where: storage.where, auth: config.authSecret !== undefined },
    `Tandem listening on ${url} · ${storage.engine === 'sqlite' ? 'data in' : 'log in'} ${storage.where}`,
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      shuttingDown = true;
      logger.info({ event: 'shutdown-started', connections: rooms.connectionCount }, 'shutting down');
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await historySweep.stop();
      await trashPurge.stop();
      availability.stop();
      diskSpace.stop();
      databaseDisk.stop();
      await revocations.stop();
      await shareLinks?.stop();
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      await history.close();
      await rooms.shutdown(config.shutdownTimeoutMs);
      // The sightings of the connections just closed (their lastSeen), within the shutdown deadline.
      await settledWithin(authorRecorder.close(), config.shutdownTimeoutMs);
      pacing.stop();
      await log.drain();
      // The events of the last updates, then the sends under way (each ends by WEBHOOK_TIMEOUT_MS).
      await new Promise<void>((resolve) => setImmediate(resolve));
      await settledWithin(webhooks?.close() ?? Promise.resolve(), config.shutdownTimeoutMs);
      await fanout?.close();
      await revocationChannel?.close();
      await store.close();
      storage.release();
      if ('closeAllConnections' in server) server.closeAllConnections();
      // Every socket is closed by now; the deadline only guards against one the server never saw end.
      if (!(await settledWithin(httpClosed, 2000))) {
        logger.warn({ event: 'shutdown-http-timeout' }, 'HTTP server did not report closed; stopping anyway');
      }
      logger.info({ event: 'shutdown-complete' }, 'shutdown complete');
    })();
    return closing;
  };

  return { port, url, store, rooms, history, app, sends, close };
}
