// Prometheus metrics, fed from sync lifecycle events. Each server gets its own registry.

import type { FlushReport } from '@tandem/persistence';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SyncEvents } from '../sync/events.js';

export interface Metrics {
  readonly registry: Registry;
  readonly events: SyncEvents;
}

export interface MetricsOptions {
  /** Bytes the store occupies on disk, read at scrape time. */
  readonly storeSizeBytes?: () => number;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
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
  const awarenessDropped = new Counter(
    opts('awareness_states_dropped_total', 'Awareness (presence) states dropped: for a client id another connection holds', ['reason']),
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
  const loadLatency = new Histogram({
    ...opts('document_load_duration_seconds', 'Time to load a document from storage'),
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 5],
  });
  if (options.storeSizeBytes !== undefined) {
    const size = options.storeSizeBytes;
    new Gauge({
      ...opts('store_size_bytes', 'Bytes the store occupies on disk'),
      collect() {
        this.set(size());
      },
    });
  }

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
    checkpointWritten: () => checkpoints.inc(),
    viewerUpdateDropped: () => viewerDropped.inc(),
    awarenessStatesDropped: (_doc, reason, count) => awarenessDropped.inc({ reason }, count),
    limitHit: (kind) => limits.inc({ kind }),
    error: (kind) => errors.inc({ kind }),
  };
  return { registry, events };
}
