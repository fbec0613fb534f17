// Lifecycle events of the sync layer. Metrics (and anything else that watches) subscribe here
// instead of sprinkling counters through the protocol code.

import type { FlushReport } from '@tandem/persistence';

export interface SyncEvents {
  connectionOpened(): void;
  connectionClosed(): void;
  documentLoaded(doc: string, durationMs: number, tailLength: number): void;
  documentUnloaded(doc: string): void;
  updateReceived(doc: string, bytes: number): void;
  updatesFlushed(report: FlushReport): void;
  updateBroadcast(doc: string, recipients: number): void;
  checkpointWritten(doc: string, seq: number, bytes: number): void;
  viewerUpdateDropped(doc: string): void;
  /** Awareness entries dropped because another connection holds their client id. */
  awarenessStatesDropped(doc: string, reason: 'not-owner', count: number): void;
  /** A configured limit refused something (message size, rate, connections, document size, slow consumer). */
  limitHit(kind: string): void;
  error(kind: string): void;
}
