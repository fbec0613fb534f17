// Sends queued webhook deliveries: claims the due ones from the store (a lease, so that instances
// sharing a database never send one row at once), POSTs each signed, and settles it: deleted on a 2xx,
// else tried again after a growing, jittered delay until WEBHOOK_RETRY_FOR has passed, then given up.
// A target that fails is paused (its other deliveries wait with it) instead of being hammered.

import { type AuthorRecord, type DocumentStore, describeAuthor, type WebhookDelivery } from '@tandem/persistence';
import type { Logger } from 'pino';
import { settledWithin } from '../deadline.js';
import { SIGNATURE_HEADER, signWebhook } from './signature.js';
import { metricLabel, redactUrl, type WebhookTarget, webhookRequest } from './targets.js';

export interface WebhookEvents {
  delivered(target: string, durationMs: number): void;
  attemptFailed(target: string): void;
  gaveUp(target: string): void;
  /** Deliveries queued in the store (all instances), after a pass of this dispatcher. */
  pending(count: number): void;
}

export interface DispatcherOptions {
  readonly store: Pick<DocumentStore, 'claimWebhooks' | 'deleteWebhook' | 'rescheduleWebhook' | 'countWebhooks' | 'listAuthors' | 'readUpdates'>;
  readonly logger: Logger;
  readonly events: WebhookEvents;
  readonly secret: string;
  /** The targets configured now (WEBHOOK_URL): a queued row naming another one is dropped, not sent. */
  readonly targets: readonly WebhookTarget[];
  readonly timeoutMs: number;
  readonly retryForMs: number;
  /** Look for due deliveries at least this often (those queued here wake it sooner). Default 1000. */
  readonly pollMs?: number;
  /** First retry delay; doubles per attempt up to MAX_DELAY_MS. Default 1000. */
  readonly retryBaseMs?: number;
}

export interface Dispatcher {
  /** A delivery is due at `at`: look then, if that is sooner than the next look. */
  wake(at?: number): void;
  /** Stops claiming; waits for the sends under way (each ends by its timeout). */
  close(): Promise<void>;
}

const MAX_DELAY_MS = 3_600_000;
/** A document.changed covering more seqs than this takes its authors from the stored summary, not the log. */
const MAX_LOG_READ = 10_000;
/** Deliveries claimed per pass (sent at once). */
const BATCH = 32;

/** An error's text as logs and the store keep it: every URL in it redacted (see redactUrl). */
const redactedText = (text: string): string => text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, (url) => redactUrl(url));

/** The delay before attempt `attempts + 1`: base × 2^(attempts-1), capped, then jittered into [½, 1]×. */
export function retryDelay(attempts: number, baseMs: number, random: () => number = Math.random): number {
  const full = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
  return Math.round(full * (0.5 + random() / 2));
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store, logger, events, secret, timeoutMs, retryForMs } = options;
  const pollMs = options.pollMs ?? 1_000;
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  // By key, and by URL for rows an earlier release queued under the whole URL (until they are renamed).
  const configured = new Map<string, WebhookTarget>();
  for (const t of options.targets) configured.set(t.key, t).set(t.url, t);
  // Long enough to send (timeout) and settle; a dispatcher that dies holding rows frees them after it.
  const leaseMs = 2 * timeoutMs + 10_000;
  const pausedUntil = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let running: Promise<void> | undefined;
  let again = false;
  let storeFailing = false;
  let closed = false;

  const schedule = (at: number) => {
    if (closed) return;
    if (running !== undefined && at <= Date.now()) {
      again = true;
      return;
    }
    if (timer !== undefined && timerAt <= at) return;
    clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      run();
    }, Math.max(0, at - Date.now()));
    timer.unref();
  };

  const run = () => {
    if (running !== undefined) {
      again = true;
      return;
    }
    running = (async () => {
      let full = false;
      try {
        do {
          again = false;
          const claimed = await store.claimWebhooks(Date.now(), leaseMs, BATCH);
          full = claimed.length === BATCH;
          await Promise.all(claimed.map(attempt));
          events.pending(await store.countWebhooks());
        } while ((full || again) && !closed);
        if (storeFailing) logger.info({ event: 'webhooks-store-back' }, 'webhook deliveries can be read again');
        storeFailing = false;
      } catch (err) {
        if (!storeFailing) logger.warn({ event: 'webhooks-store-failed', err }, 'could not read webhook deliveries; trying again');
        storeFailing = true;
      } finally {
        running = undefined;
      }
      schedule(Date.now() + pollMs);
    })();
  };

  const authorsOf = async (ids: readonly string[]) => {
    const records = new Map<string, AuthorRecord>((await store.listAuthors(ids).catch(() => [])).map((r) => [r.id, r]));
    return ids.map((id) => ({ id, ...describeAuthor(id, records.get(id)) }));
  };

  /**
   * The authors and times of a document.changed, read from the log: each instance reports only its own
   * updates, and one's late report may fall in a range already queued; the log knows them all.
   * The summary as stored when the range is too long to read here or compaction merged it away.
   */
  const fromLog = async (d: WebhookDelivery): Promise<Record<string, unknown>> => {
    const { fromSeq, toSeq } = d.data as { fromSeq?: number; toSeq?: number };
    if (d.type !== 'document.changed' || fromSeq === undefined || toSeq === undefined || toSeq - fromSeq >= MAX_LOG_READ) return d.data;
    const updates = await store.readUpdates(d.doc, { afterSeq: fromSeq - 1, toSeq }).catch(() => []);
    if (updates.length !== toSeq - fromSeq + 1) return d.data;
    const times = updates.map((u) => u.receivedAt);
    return { ...d.data, firstAt: Math.min(...times), lastAt: Math.max(...times), authors: [...new Set(updates.map((u) => u.author))] };
  };

  /** The body: the stored data, its author ids described and its ms times as ISO 8601. */
  const bodyOf = async (d: WebhookDelivery): Promise<string> => {
    const { authors, firstAt, lastAt, ...rest } = (await fromLog(d)) as { authors?: string[]; firstAt?: number; lastAt?: number };
    const data: Record<string, unknown> = { ...rest };
    if (firstAt !== undefined) data.firstChangeAt = new Date(firstAt).toISOString();
    if (lastAt !== undefined) data.lastChangeAt = new Date(lastAt).toISOString();
    if (authors !== undefined) data.authors = await authorsOf(authors);
    return JSON.stringify({ id: d.eventId, type: d.type, doc: d.doc, occurredAt: new Date(d.occurredAt).toISOString(), data });
  };

  const attempt = async (d: WebhookDelivery): Promise<void> => {
    const to = configured.get(d.target);
    const target = to?.shown ?? redactUrl(d.target);
    // What the metrics name it by (they answer anyone): no path.
    const label = to?.label ?? metricLabel(d.target, secret);
    if (to === undefined) {
      // Queued for a URL since taken out of WEBHOOK_URL (or keyed with another WEBHOOK_SECRET, see
      // ./targets.ts): the operator no longer wants it called.
      events.gaveUp(label);
      logger.warn({ event: 'webhook-target-removed', target, eventId: d.eventId, type: d.type, doc: d.doc }, `webhook to ${target} dropped: no longer in WEBHOOK_URL`);
      await settle(() => store.deleteWebhook(d.id));
      return;
    }
    const paused = pausedUntil.get(to.key) ?? 0;
    if (paused > Date.now()) {
      // Not an attempt: waits for its target to be tried again.
      await settle(() => store.rescheduleWebhook(d.id, paused, d.attempts, d.lastError));
      return;
    }
    const started = performance.now();
    let failure: string;
    try {
      const body = await bodyOf(d);
      const request = webhookRequest(to.url);
      const response = await fetch(request.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          'user-agent': 'Tandem-Webhooks/1',
          [SIGNATURE_HEADER]: signWebhook(secret, body),
          'Tandem-Event-Id': d.eventId,
          'Tandem-Event-Type': d.type,
          'Tandem-Delivery-Attempt': String(d.attempts + 1),
        },
      });
      await response.body?.cancel().catch(() => {});
      if (response.ok) {
        pausedUntil.delete(to.key);
        events.delivered(label, performance.now() - started);
        logger.debug({ event: 'webhook-delivered', target, eventId: d.eventId, type: d.type, doc: d.doc, attempt: d.attempts + 1 }, 'webhook delivered');
        await settle(() => store.deleteWebhook(d.id));
        return;
      }
      failure = `HTTP ${response.status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      failure = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? redactedText(e.message));
    }
    const attempts = d.attempts + 1;
    events.attemptFailed(label);
    const fields = { target, eventId: d.eventId, type: d.type, doc: d.doc, attempt: attempts, error: failure };
    if (Date.now() - d.createdAt >= retryForMs) {
      events.gaveUp(label);
      logger.error({ event: 'webhook-given-up', ...fields }, `webhook given up after ${attempts} attempts: ${failure}`);
      await settle(() => store.deleteWebhook(d.id));
      return;
    }
    const delay = retryDelay(attempts, retryBaseMs);
    pausedUntil.set(to.key, Math.max(pausedUntil.get(to.key) ?? 0, Date.now() + delay));
    logger.warn({ event: 'webhook-failed', ...fields, retryInMs: delay }, `webhook to ${target} failed (${failure}); retrying in ${delay} ms`);
    await settle(() => store.rescheduleWebhook(d.id, Date.now() + delay, attempts, failure));
  };

  /** A settle the store refuses is logged; the lease ends and the delivery is tried again (at-least-once). */
  const settle = async (write: () => Promise<void>) => {
    try {
      await write();
    } catch (err) {
      logger.warn({ event: 'webhook-settle-failed', err }, 'could not record a webhook delivery outcome; it will be tried again when its lease ends');
    }
  };

  run();
  return {
    wake(at = Date.now()) {
      schedule(at);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await settledWithin(running ?? Promise.resolve(), timeoutMs + 1_000);
    },
  };
}
