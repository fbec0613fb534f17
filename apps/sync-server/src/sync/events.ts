// Lifecycle events of the sync layer. Metrics (and anything else that watches) subscribe here
// instead of sprinkling counters through the protocol code.

import type { FlushReport } from '@tandem/persistence';

/**
 * When one client update reached each stage on its way to the other clients (performance.now() ms):
 * received by its room, checked by the update gate, committed to the log, flushed to disk (before
 * it is applied with `flush-before-broadcast`; absent otherwise), applied to the shared document,
 * and sent (framed and written to every other client's socket).
 */
export interface UpdateStages {
  received: number;
  checked: number;
  committed: number;
  flushed?: number;
  applied?: number;
  sent?: number;
}

export interface SyncEvents {
  connectionOpened(): void;
  connectionClosed(): void;
  documentLoaded(doc: string, durationMs: number, tailLength: number): void;
  documentUnloaded(doc: string): void;
  updateReceived(doc: string, bytes: number): void;
  updatesFlushed(report: FlushReport): void;
  updateBroadcast(doc: string, recipients: number): void;
  /** A client update was sent on to the others; `stages` has every timestamp up to `sent`. */
  updateStages(stages: UpdateStages): void;
  /** An update already sent on (durability `flush-before-ack`) reached the disk this long after its commit. */
  updateFlushed(sinceCommitMs: number): void;
  checkpointWritten(doc: string, seq: number, bytes: number): void;
  /** The event loop spent this long encoding a document checkpoint and handing it to the store. */
  checkpointTaken(onEventLoopMs: number): void;
  viewerUpdateDropped(doc: string): void;
  /**
   * A sync step 1 answered: 'encoded' for the document (or what the client lacks) encoded for it,
   * 'cached' for the whole document encoded earlier, 'coalesced' for one asked again before its answer.
   */
  syncAnswered(kind: 'encoded' | 'cached' | 'coalesced'): void;
  /**
   * The whole document was walked on the update path, at a cost in its size: its delete set computed (to
   * tell whether a deletion changes anything) or the update gate's shadow built (after a refusal, or after
   * the room was idle). Refused or repeated updates must not do this once each (refusal-cost.test.ts).
   */
  documentWalked(kind: 'delete-set' | 'gate-shadow'): void;
  /** An update changed what its writer may not (a commenter's text edit, someone else's comment) and was dropped. */
  updateRefused(doc: string): void;
  /** What an update wrote under other people's Yjs client ids, dropped (`clients`: how many ids). */
  foreignWritesDropped(doc: string, clients: number): void;
  /** Awareness entries dropped because another connection holds their client id. */
  awarenessStatesDropped(doc: string, reason: 'not-owner', count: number): void;
  /** A configured limit refused something (message size, rate, connections, document size, slow consumer). */
  limitHit(kind: string): void;
  error(kind: string): void;
  /** Updates committed by other instances that were read from the log because Redis did not bring them. */
  fanoutHealed(count: number): void;
  /** Messages from Redis dropped: malformed, or naming a seq the log does not hold. */
  fanoutDropped(reason: 'malformed' | 'not-in-log', count: number): void;
}
