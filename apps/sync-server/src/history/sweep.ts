// The history sweep: a background job that goes through the documents one at a time, every
// HISTORY_SWEEP_INTERVAL, measuring how fast each one's log grows and, when a retention policy is
// set (HISTORY_KEEP_ALL), compacting what is older than it.
//
// Safe beside live rooms: compaction only merges updates older than the keep-all window (at least an
// hour) and at or before the log's end when the run started; a room only appends after that end and
// writes checkpoints at its own head, so its lastSeq and checkpoints stay right. A room that loads
// meanwhile reads a checkpoint then the tail after it; a merged update in that tail repeats what the
// checkpoint holds, which Yjs applies as a no-op.

import { compactDocument, type DocumentStore, logGrowth, type RetentionPolicy } from '@tandem/persistence';
import type { Logger } from 'pino';

const DAY_MS = 86_400_000;
/** The first sweep runs this soon after start (or after the interval, if shorter). */
const FIRST_SWEEP_MS = 60_000;

export interface HistorySweepEvents {
  /** Bytes each document's log grew by in the last 24 h (documents that did not change left out). */
  logGrowthSampled(bytesPerDay: ReadonlyMap<string, number>): void;
  compacted(doc: string, updatesRemoved: number, bytesSaved: number): void;
  error(kind: string): void;
}

export interface HistorySweepDeps {
  readonly store: DocumentStore;
  readonly intervalMs: number;
  /** null: keep every update (no compaction). */
  readonly retention: RetentionPolicy | null;
  readonly logger: Logger;
  readonly events: HistorySweepEvents;
}

export interface HistorySweep {
  /** Stops the timer and waits for the range in progress; nothing more starts after. */
  stop(): Promise<void>;
}

export function startHistorySweep({ store, intervalMs, retention, logger, events }: HistorySweepDeps): HistorySweep {
  let stopped = false;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /**
   * Per document name, the seq up to which the log is already as compact as the policy wants, and which
   * document that was (its creation time): a name purged, or renamed away, and taken by a new document
   * between two sweeps starts over.
   */
  const settled = new Map<string, { readonly createdAt: number; readonly seq: number }>();

  const sweepOnce = async (): Promise<void> => {
    const now = Date.now();
    const growth = new Map<string, number>();
    const documents = await store.listDocuments();
    const names = new Set(documents.map((d) => d.name));
    for (const doc of settled.keys()) if (!names.has(doc)) settled.delete(doc);
    for (const info of documents) {
      if (stopped) return;
      try {
        if (info.lastChangeAt > now - DAY_MS) growth.set(info.name, (await logGrowth(store, info.name, now)).bytesPerDay);
        const known = settled.get(info.name);
        const afterSeq = known !== undefined && known.createdAt === info.createdAt ? known.seq : 0;
        if (retention !== null && afterSeq < info.lastSeq) {
          const report = await compactDocument(store, info.name, retention, { afterSeq, signal: stopping.signal });
          settled.set(info.name, { createdAt: info.createdAt, seq: report.settledThroughSeq });
          if (report.rangesMerged > 0) events.compacted(info.name, report.updatesBefore - report.updatesAfter, report.bytesBefore - report.bytesAfter);
          // A range skipped for a version named during the run is expected, not a failure: it is not
          // settled, so the next sweep merges it around the version.
          if (report.rangesMerged > 0 || report.rangesSkipped > 0) {
            logger.info({ event: 'document-compacted', ...report }, report.rangesSkipped > 0 ? 'document compacted; ranges with a new named version left for the next sweep' : 'document compacted');
          }
        }
      } catch (err) {
        // One document's failure does not stop the others; it is tried again next sweep.
        events.error('history-sweep');
        logger.error({ event: 'history-sweep-failed', doc: info.name, err }, 'history sweep failed for a document');
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    events.logGrowthSampled(growth);
  };

  const schedule = (delay: number) => {
    timer = setTimeout(() => {
      running = sweepOnce()
        .catch((err: unknown) => {
          events.error('history-sweep');
          logger.error({ event: 'history-sweep-failed', err }, 'history sweep failed');
        })
        .finally(() => {
          running = undefined;
          if (!stopped) schedule(intervalMs);
        });
    }, delay);
    timer.unref();
  };
  schedule(Math.min(intervalMs, FIRST_SWEEP_MS));
  logger.info(
    { event: 'history-sweep-started', intervalMs, keepAllForMs: retention?.keepAllForMs ?? 'forever', bucketMs: retention?.bucketMs },
    retention === null ? 'history kept in full; log growth measured' : 'history compacted past the retention window',
  );

  return {
    async stop() {
      stopped = true;
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
