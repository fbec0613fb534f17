// Prometheus metrics, fed from sync lifecycle events. Each server gets its own registry.

import { createHmac } from 'node:crypto';
import type { FlushReport, WalCheckpointReport } from '@tandem/persistence';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RevocationEvents } from '../auth/revocations.js';
import type { AuthorEvents } from '../authors/recorder.js';
import type { WebhookEvents } from '../webhooks/dispatcher.js';
import type { FanoutEvents } from '../fanout/redis-fanout.js';
import type { HistorySweepEvents } from '../history/sweep.js';
import type { SendEvents } from '../http/send-guard.js';
import type { AvailabilityEvents } from '../store-availability.js';
import type { SyncEvents, UpdateStages } from '../sync/events.js';

/** Documents named in the log growth gauge: the fastest-growing ones only, so its labels stay few. */
const LOG_GROWTH_TOP = 10;

/** What the store reports from its own threads. */
export interface StoreEvents extends AvailabilityEvents {
  walCheckpointed(report: WalCheckpointReport): void;
}

export interface Metrics {
  readonly registry: Registry;
  /** Delivery between instances through Redis (REDIS_URL). */
  readonly fanout: FanoutEvents;
  readonly events: SyncEvents;
  readonly history: HistorySweepEvents;
  readonly store: StoreEvents;
  /** The authors table's background writes (authors/recorder.ts). */
  readonly authors: AuthorEvents;
  /** Webhook deliveries (webhooks/dispatcher.ts). */
  readonly webhooks: WebhookEvents;
  /** Withdrawn access (auth/revocations.ts). */
  readonly revocations: RevocationEvents;
  /** HTTP responses being sent (http/send-guard.ts). */
  readonly sends: SendEvents;
}

export interface MetricsOptions {
  /** Bytes the store occupies on disk, read at scrape time. */
  readonly storeSizeBytes?: () => number;
  /**
   * A document's `doc` label: its name by default. /metrics answers anyone, so with sign-in on the server
   * passes a fingerprint (see docFingerprint), not the name.
   */
  readonly docLabel?: (doc: string) => string;
}

/** 16 hex digits of HMAC-SHA256(secret, name): a document's label in /metrics with sign-in on. */
export const docFingerprint = (secret: string) => (doc: string) => createHmac('sha256', secret).update(doc).digest('hex').slice(0, 16);

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const docLabel = options.docLabel ?? ((doc: string) => doc);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tandem_process_' });
  const opts = <T extends string>(name: string, help: string, labelNames: T[] = []) => ({
    name: `tandem_${name}`,
    help,
    labelNames,
    registers: [registry],
  });

  const connections = new Gauge(opts('connections', 'Open WebSocket connections'));
  const documents = new Gauge(opts('documents_open', 'Documents loaded in memory'));
  const received = new Counter(opts('updates_received_total', 'Non-empty document updates received from clients'));
  const persisted = new Counter(opts('updates_persisted_total', 'Document updates durably appended to the log'));
  const broadcast = new Counter(opts('updates_broadcast_total', 'Update messages sent to other clients'));
  const bytesStored = new Counter(opts('update_bytes_persisted_total', 'Bytes of updates appended to the log'));
  const checkpoints = new Counter(opts('checkpoints_written_total', 'Checkpoints of merged document state written'));
  const errors = new Counter(opts('errors_total', 'Errors by kind', ['kind']));
  const viewerDropped = new Counter(opts('viewer_updates_dropped_total', 'Updates sent by read-only viewers and dropped'));
  const syncAnswers = new Counter(
    opts('sync_answers_total', "Sync step 1s answered: encoded for the client, from the cached whole document, or coalesced with the sender's later one", ['kind']),
  );
  const walks = new Counter(
    opts('document_walks_total', "Walks of a whole document on the update path (each costs time in the document's size): its delete set computed, the update gate's shadow built", ['kind']),
  );
  const refused = new Counter(opts('updates_refused_total', "Updates dropped for changing what their writer may not (a commenter's text edit, another's comment)"));
  const awarenessDropped = new Counter(
    opts('awareness_states_dropped_total', 'Awareness (presence) states dropped: for a client id another connection holds', ['reason']),
  );
  const foreignWrites = new Counter(
    opts('foreign_writes_dropped_total', "What updates wrote under another person's Yjs client id (one per update and id), dropped before storing"),
  );
  const limits = new Counter(opts('limits_hit_total', 'Requests refused by a configured limit', ['kind']));
  const persistLatency = new Histogram({
    ...opts('persist_duration_seconds', 'Time to durably write one group-commit batch'),
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
  });
  const batchSize = new Histogram({
    ...opts('persist_batch_updates', 'Updates per group-commit batch'),
    buckets: [1, 2, 5, 10, 20, 50, 100, 500],
  });
  // Where an update's time goes between its arrival and its broadcast: each stage is the time since
  // the one before it (see UpdateStages); `total` is arrival to sent.
  const stageLatency = new Histogram({
    ...opts('update_stage_seconds', 'Time each update spent reaching a stage from the previous one (checked, committed, flushed, applied, sent; total)', ['stage']),
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  });
  const stage = Object.fromEntries(
    (['checked', 'committed', 'flushed', 'applied', 'sent', 'total'] as const).map((name) => [name, stageLatency.labels(name)]),
  ) as Record<'checked' | 'committed' | 'flushed' | 'applied' | 'sent' | 'total', ReturnType<typeof stageLatency.labels>>;
  const observeStages = (t: UpdateStages): void => {
    stage.checked.observe((t.checked - t.received) / 1000);
    stage.committed.observe((t.committed - t.checked) / 1000);
    if (t.flushed !== undefined) stage.flushed.observe((t.flushed - t.committed) / 1000);
    if (t.applied === undefined || t.sent === undefined) return;
    stage.applied.observe((t.applied - (t.flushed ?? t.committed)) / 1000);
    stage.sent.observe((t.sent - t.applied) / 1000);
    stage.total.observe((t.sent - t.received) / 1000);
  };
  const checkpointLatency = new Histogram({
    ...opts('document_checkpoint_seconds', 'Event-loop time to encode one document checkpoint and write it (its flush excluded)'),
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  });
  const loadLatency = new Histogram({
    ...opts('document_load_duration_seconds', 'Time to load a document from storage'),
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 5],
  });
  const compactedUpdates = new Counter(opts('history_compacted_updates_total', 'Updates merged away by the retention policy'));
  const compactedBytes = new Counter(opts('history_compacted_bytes_total', 'Bytes of log removed by the retention policy'));
  const growthTotal = new Gauge(opts('log_growth_bytes_per_day', 'Bytes appended to all document logs in the last 24 h (sampled by the history sweep)'));
  const growthTop = new Gauge(
    opts('document_log_growth_bytes_per_day', `Bytes appended to a document's log in the last 24 h, for the ${LOG_GROWTH_TOP} fastest-growing documents`, ['doc']),
  );
  const walCheckpointLatency = new Histogram({
    ...opts('wal_checkpoint_duration_seconds', "Time a WAL checkpoint took on the checkpointer's thread (commits go on meanwhile)"),
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
  });
  const walCheckpointPages = new Counter(opts('wal_checkpoint_pages_total', 'Pages WAL checkpoints copied into the database file'));
  const walCheckpointHolds = new Counter(
    opts('wal_checkpoint_holds_total', 'WAL checkpoints that held commits back for a moment, so that a writer at full speed lets the WAL rewind'),
  );
  const walBytes = new Gauge(opts('wal_bytes', 'Size of the WAL file at the last checkpoint'));
  const walPending = new Gauge(opts('wal_pending_frames', 'Frames a checkpoint left in the WAL: written meanwhile, or pinned by a reader'));
  const storeAvailable = new Gauge(opts('store_available', '1 while the store takes writes, 0 while it refuses them (a database that is away, a failed disk)'));
  storeAvailable.set(1);
  const storeOutages = new Counter(opts('store_outages_total', 'Times the store became unavailable'));
  if (options.storeSizeBytes !== undefined) {
    const size = options.storeSizeBytes;
    new Gauge({
      ...opts('store_size_bytes', 'Bytes the store occupies on disk'),
      collect() {
        this.set(size());
      },
    });
  }

  const fanoutPublished = new Counter(opts('fanout_published_total', 'Messages published to the other instances through Redis', ['kind']));
  const fanoutPublishFailed = new Counter(opts('fanout_publish_failed_total', 'Messages that could not be published (Redis away); the others read those updates from the log', ['kind']));
  const fanoutReceived = new Counter(opts('fanout_received_total', 'Messages received from the other instances through Redis', ['kind']));
  const fanoutHealed = new Counter(opts('fanout_healed_updates_total', "Other instances' updates read from the log because Redis did not bring them (lost, late or while it was away)"));
  const fanoutDropped = new Counter(opts('fanout_dropped_total', 'Messages from Redis dropped: malformed, or naming a seq the log does not hold', ['reason']));
  const fanoutLag = new Histogram({
    ...opts('fanout_delivery_lag_seconds', "From another instance's publish to its arrival here (clocks of both hosts)", ['kind']),
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
  });
  const redisConnected = new Gauge(opts('redis_connected', '1 while this instance is connected to Redis (REDIS_URL), 0 while delivery between instances is degraded to the log'));
  const fanoutReceivedBytes = new Counter(opts('fanout_received_bytes_total', 'Bytes of messages received from the other instances through Redis', ['kind']));
  const fanoutInstances = new Gauge(opts('fanout_instances', 'Other instances heard from through Redis (alive by their heartbeat)'));
  const fanout: FanoutEvents = {
    fanoutPublished: (kind) => fanoutPublished.inc({ kind }),
    fanoutPublishFailed: (kind) => fanoutPublishFailed.inc({ kind }),
    fanoutReceived: (kind, lagMs, bytes) => {
      fanoutReceived.inc({ kind });
      fanoutReceivedBytes.inc({ kind }, bytes);
      fanoutLag.observe({ kind }, Math.max(0, lagMs) / 1000);
    },
    fanoutConnected: (connected) => redisConnected.set(connected ? 1 : 0),
    fanoutInstances: (count) => fanoutInstances.set(count),
    fanoutRejected: (reason) => fanoutDropped.inc({ reason }),
  };

  const events: SyncEvents = {
    connectionOpened: () => connections.inc(),
    connectionClosed: () => connections.dec(),
    documentLoaded: (_doc, durationMs) => {
      documents.inc();
      loadLatency.observe(durationMs / 1000);
    },
    documentUnloaded: () => documents.dec(),
    updateReceived: () => received.inc(),
    updatesFlushed: (report: FlushReport) => {
      persistLatency.observe(report.durationMs / 1000);
      if (report.error !== undefined) {
        errors.inc({ kind: 'persist' });
        return;
      }
      batchSize.observe(report.updates);
      persisted.inc(report.updates);
      bytesStored.inc(report.bytes);
    },
    updateBroadcast: (_doc, recipients) => broadcast.inc(recipients),
    updateStages: observeStages,
    updateFlushed: (sinceCommitMs) => stage.flushed.observe(sinceCommitMs / 1000),
    checkpointWritten: () => checkpoints.inc(),
    checkpointTaken: (ms) => checkpointLatency.observe(ms / 1000),
    viewerUpdateDropped: () => viewerDropped.inc(),
    syncAnswered: (kind) => syncAnswers.inc({ kind }),
    documentWalked: (kind) => walks.inc({ kind }),
    updateRefused: () => refused.inc(),
    awarenessStatesDropped: (_doc, reason, count) => awarenessDropped.inc({ reason }, count),
    foreignWritesDropped: (_doc, clients) => foreignWrites.inc(clients),
    limitHit: (kind) => limits.inc({ kind }),
    error: (kind) => errors.inc({ kind }),
    fanoutHealed: (count) => fanoutHealed.inc(count),
    fanoutDropped: (reason, count) => fanoutDropped.inc({ reason }, count),
  };
  const history: HistorySweepEvents = {
    logGrowthSampled: (perDoc) => {
      let total = 0;
      for (const bytes of perDoc.values()) total += bytes;
      growthTotal.set(total);
      growthTop.reset();
      const top = [...perDoc].sort((a, b) => b[1] - a[1]).slice(0, LOG_GROWTH_TOP);
      for (const [doc, bytes] of top) growthTop.set({ doc: docLabel(doc) }, bytes);
    },
    compacted: (_doc, updates, bytes) => {
      compactedUpdates.inc(updates);
      compactedBytes.inc(Math.max(0, bytes));
    },
    error: (kind) => errors.inc({ kind }),
  };
  const store: StoreEvents = {
    storeAvailability: (available) => {
      storeAvailable.set(available ? 1 : 0);
      if (!available) storeOutages.inc();
    },
    walCheckpointed: (report) => {
      if (!report.ok) {
        errors.inc({ kind: 'wal-checkpoint' });
        return;
      }
      if (report.copiedPages > 0) walCheckpointLatency.observe(report.durationMs / 1000);
      walCheckpointPages.inc(report.copiedPages);
      if (report.held) walCheckpointHolds.inc();
      walBytes.set(report.walBytes);
      walPending.set(report.remainingFrames);
    },
  };
  const authorsRecorded = new Counter(opts('authors_recorded_total', 'Author sightings (connect, disconnect, rename) written to the authors table'));
  const authorsFailed = new Counter(opts('authors_record_failed_total', 'Writes of author sightings that failed (the store away); they are retried with the next batch'));
  const authors: AuthorEvents = {
    authorsRecorded: (count) => authorsRecorded.inc(count),
    authorsRecordFailed: () => authorsFailed.inc(),
  };
  const webhooksDelivered = new Counter(opts('webhooks_delivered_total', 'Webhook calls answered with a 2xx, by target (its origin and a fingerprint of the whole URL: no path, query or credentials)', ['target']));
  const webhookAttemptsFailed = new Counter(opts('webhook_attempts_failed_total', 'Webhook calls that failed (not 2xx, no answer in WEBHOOK_TIMEOUT_MS, unreachable); each is retried', ['target']));
  const webhooksGivenUp = new Counter(opts('webhooks_given_up_total', 'Webhook deliveries dropped after failing for WEBHOOK_RETRY_FOR', ['target']));
  const webhooksPending = new Gauge(opts('webhooks_pending', 'Webhook deliveries queued in the store (all instances), not yet delivered or given up'));
  const webhookLatency = new Histogram({
    ...opts('webhook_delivery_seconds', 'Time from sending a webhook call to its 2xx answer'),
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const webhooks: WebhookEvents = {
    delivered: (target, ms) => {
      webhooksDelivered.inc({ target });
      webhookLatency.observe(ms / 1000);
    },
    attemptFailed: (target) => webhookAttemptsFailed.inc({ target }),
    gaveUp: (target) => webhooksGivenUp.inc({ target }),
    pending: (count) => webhooksPending.set(count),
  };
  const revocationsInForce = new Gauge(opts('revocations_in_force', 'Revocations this instance holds in force (users and token ids)'));
  const revokedClosed = new Counter(opts('revoked_connections_closed_total', 'Live connections closed because their access was revoked'));
  const revocations: RevocationEvents = {
    revocationsInForce: (count) => revocationsInForce.set(count),
    revokedConnectionsClosed: (count) => revokedClosed.inc(count),
  };
  const responsesSending = new Gauge(opts('http_responses_sending', 'HTTP responses answered and not yet taken in full by their clients'));
  const responseBytesHeld = new Gauge(opts('http_response_bytes_held', 'Bytes of HTTP answers held for clients still taking them (bounded by MAX_HTTP_SEND_BYTES)'));
  const sendTimeouts = new Counter(opts('http_send_timeouts_total', 'HTTP responses closed because their client took nothing for HTTP_SEND_TIMEOUT_MS'));
  const sends: SendEvents = {
    sendStarted: () => responsesSending.inc(),
    sendEnded: () => responsesSending.dec(),
    sendTimedOut: () => sendTimeouts.inc(),
    limitHit: (kind) => limits.inc({ kind }),
    bytesHeld: (bytes) => responseBytesHeld.set(bytes),
  };
  return { registry, events, history, store, fanout, authors, webhooks, revocations, sends };
}
