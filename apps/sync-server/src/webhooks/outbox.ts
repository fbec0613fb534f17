// Turns what happens to documents into queued webhook deliveries in the store, one per target URL, in
// the background: nothing here is awaited by an edit or a request. Changes to a document are summed
// in memory for at most FLUSH_MS, then merged in the store into the one pending `document.changed` of
// that document (due WEBHOOK_DEBOUNCE_MS after it was first written). What a crash loses: the changes
// of the last FLUSH_MS until the document's next change (whose event's range starts where the last
// queued one ended, so it covers them); other events, written at the next tick, a few milliseconds.

import { randomUUID } from 'node:crypto';
import type { ChangeSummary, DocumentStore, NamedVersion, NewWebhookDelivery } from '@tandem/persistence';
import { mergeChanges } from '@tandem/persistence';
import type { Logger } from 'pino';

/** Every event type a receiver may get. */
export const WEBHOOK_EVENT_TYPES = ['document.created', 'document.changed', 'document.restored', 'version.named', 'document.deleted', 'document.renamed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What the server tells the outbox. Each call returns at once. */
export interface DocumentEvents {
  /** An update of `doc` is stored (flushed) at `seq`; seq 1 also creates the document. */
  committed(doc: string, seq: number, author: string, at: number): void;
  /** A restore of the version at `restoredTo`, stored as the edit at `seq`. */
  restored(doc: string, restore: { readonly seq: number; readonly restoredTo: number; readonly author: string; readonly at: number }): void;
  versionNamed(doc: string, version: NamedVersion): void;
  /** A document moved to the trash. No delete exists yet: the route that adds one calls this. */
  deleted(doc: string, deletion: { readonly author: string; readonly at: number }): void;
  /** A document renamed from `from` to `to` (its history, and the changes not yet sent, go with it). */
  renamed(from: string, to: string, rename: { readonly author: string; readonly at: number }): void;
  /**
   * `doc` is about to be purged: its changes not yet queued are forgotten, and a queueing write under
   * way is waited for, so that none of them lands after the purge (which drops those queued before,
   * see DocumentStore.purgeDocument) and a new document of its name starts afresh. The one call awaited.
   * Resolves with what to call if the purge does not happen after all (the document left the trash
   * meanwhile): the changes forgotten are held again.
   */
  purging(doc: string): Promise<() => void>;
}

export interface Outbox extends DocumentEvents {
  /** Writes what is held now; resolves once that write ended (failed or not). */
  flush(): Promise<void>;
  /** Writes what is held, then takes no more. */
  close(): Promise<void>;
}

export interface OutboxOptions {
  readonly store: Pick<DocumentStore, 'enqueueWebhooks'>;
  readonly logger: Logger;
  readonly targets: readonly string[];
  readonly debounceMs: number;
  /** Told when a delivery becomes due at this time (to wake the dispatcher). */
  readonly onQueued: (dueAt: number) => void;
}

/** Changes are held in memory at most this long before they are merged into the store. */
const FLUSH_MS = 1_000;

export function createOutbox(options: OutboxOptions): Outbox {
  const { store, logger, targets, debounceMs } = options;
  // At least 50 ms: with no debounce at all, a store write per commit batch would cost more than the edits.
  const flushMs = Math.min(FLUSH_MS, Math.max(50, debounceMs));
  let changes = new Map<string, ChangeSummary>();
  let events: NewWebhookDelivery[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let failing = false;
  let closed = false;

  const schedule = (ms: number) => {
    if (timer !== undefined || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void write();
    }, ms);
    timer.unref();
  };

  const event = (type: WebhookEventType, doc: string, occurredAt: number, data: Record<string, unknown>) => {
    if (closed) return;
    const eventId = randomUUID();
    for (const target of targets) events.push({ eventId, target, type, doc, occurredAt, dueAt: occurredAt, data });
    schedule(0);
  };

  const write = async (): Promise<void> => {
    if (writing !== undefined) return writing; // the next write is scheduled when this one ends
    const held = changes;
    const batch = events;
    if (held.size === 0 && batch.length === 0) return;
    changes = new Map();
    events = [];
    // Due WEBHOOK_DEBOUNCE_MS after this write, not after the first change: a new pending row exists only
    // once the previous one was claimed (sent), so two calls for a document are always that far apart.
    const dueAt = Date.now() + debounceMs;
    const changed = [...held].flatMap(([doc, summary]) => {
      const eventId = randomUUID();
      return targets.map((target): NewWebhookDelivery => ({
        eventId,
        target,
        type: 'document.changed',
        doc,
        occurredAt: summary.lastAt,
        dueAt,
        data: { ...summary },
        mergeKey: doc,
      }));
    });
    const deliveries = [...batch, ...changed];
    writing = (async () => {
      try {
        await store.enqueueWebhooks(deliveries);
        if (failing) logger.info({ event: 'webhooks-queued-again' }, 'webhook events are stored again');
        failing = false;
        for (const d of deliveries) options.onQueued(d.dueAt);
      } catch (err) {
        if (!failing) logger.warn({ event: 'webhooks-queue-failed', err, deliveries: deliveries.length }, 'could not store webhook events; retrying');
        failing = true;
        // Kept for the next write, under what came meanwhile.
        events = [...batch, ...events];
        for (const [doc, summary] of held) {
          const newer = changes.get(doc);
          changes.set(doc, newer === undefined ? summary : mergeChanges(summary, newer));
        }
      } finally {
        writing = undefined;
      }
      if (events.length > 0) schedule(failing ? flushMs : 0);
      else if (changes.size > 0) schedule(flushMs);
    })();
    return writing;
  };

  return {
    committed(doc, seq, author, at) {
      if (closed) return;
      if (seq === 1) event('document.created', doc, at, { seq, authors: [author] });
      const summary: ChangeSummary = { fromSeq: seq, toSeq: seq, firstAt: at, lastAt: at, authors: [author] };
      const held = changes.get(doc);
      changes.set(doc, held === undefined ? summary : mergeChanges(held, summary));
      schedule(flushMs);
    },
    restored(doc, { seq, restoredTo, author, at }) {
      event('document.restored', doc, at, { seq, restoredTo, authors: [author] });
    },
    versionNamed(doc, version) {
      event('version.named', doc, version.createdAt, { versionId: version.id, label: version.label, seq: version.seq, authors: [version.author] });
    },
    deleted(doc, { author, at }) {
      event('document.deleted', doc, at, { authors: [author] });
    },
    renamed(from, to, { author, at }) {
      // Changes held here under the old name are the renamed document's (the store moved what it held).
      const held = changes.get(from);
      if (held !== undefined) {
        changes.delete(from);
        const newer = changes.get(to);
        changes.set(to, newer === undefined ? held : mergeChanges(held, newer));
      }
      event('document.renamed', to, at, { previousName: from, authors: [author] });
    },
    async purging(doc) {
      let taken: ChangeSummary | undefined;
      const take = () => {
        const held = changes.get(doc);
        if (held === undefined) return;
        changes.delete(doc);
        taken = taken === undefined ? held : mergeChanges(held, taken);
      };
      take();
      await writing;
      take(); // a failed write puts back what it held
      return () => {
        if (taken === undefined || closed) return;
        const newer = changes.get(doc);
        changes.set(doc, newer === undefined ? taken : mergeChanges(taken, newer));
        schedule(flushMs);
      };
    },
    async flush() {
      clearTimeout(timer);
      timer = undefined;
      await writing;
      await write();
    },
    async close() {
      await this.flush();
      closed = true;
      clearTimeout(timer);
    },
  };
}
