// Webhooks as the server starts them (WEBHOOK_URL set): the outbox that queues document events in the
// store, the dispatcher that sends them, and the update log wrapper that reports what is stored.

import type { DocumentStore, UpdateLog } from '@tandem/persistence';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createDispatcher, type WebhookEvents } from './dispatcher.js';
import { createOutbox, type DocumentEvents } from './outbox.js';
import { webhookTargets } from './targets.js';

export interface Webhooks {
  readonly events: DocumentEvents;
  /** `log`, reporting each update once it is stored (flushed) to the outbox. */
  reportCommits(log: UpdateLog): UpdateLog;
  /** Writes the events held in memory, then waits for the sends under way. */
  close(): Promise<void>;
}

export interface WebhookDeps {
  readonly config: Pick<Config, 'webhookUrl' | 'webhookSecret' | 'webhookDebounceMs' | 'webhookTimeoutMs' | 'webhookRetryFor'>;
  readonly store: DocumentStore;
  readonly logger: Logger;
  readonly events: WebhookEvents;
}

/** Events no one listens to (WEBHOOK_URL unset). */
export const NO_DOCUMENT_EVENTS: DocumentEvents = { committed() {}, restored() {}, versionNamed() {}, deleted() {}, renamed() {}, purging: async () => () => {} };

export function startWebhooks({ config, store, logger, events }: WebhookDeps): Webhooks | undefined {
  if (config.webhookUrl.length === 0 || config.webhookSecret === undefined) return undefined;
  const targets = webhookTargets(config.webhookUrl, config.webhookSecret);
  const shown = targets.map((t) => t.shown);
  logger.info({ event: 'webhooks-on', targets: shown, debounceMs: config.webhookDebounceMs }, `webhooks to ${shown.join(', ')}`);
  // Deliveries an earlier release queued under a whole URL, credentials and all, take the URL's key. Until
  // then the dispatcher finds their target by URL.
  for (const t of targets) {
    if (t.key === t.url) continue;
    // (The store's error names no parameter, so no URL.)
    store.renameWebhookTarget(t.url, t.key).catch((err: unknown) => {
      logger.warn({ event: 'webhook-target-rename-failed', target: t.shown, err }, `could not move the deliveries queued for ${t.shown} to its new key`);
    });
  }
  // Pending deliveries of an earlier run (or of other instances) are in the store: the first pass sends them.
  const dispatcher = createDispatcher({
    store,
    logger,
    events,
    secret: config.webhookSecret,
    targets,
    timeoutMs: config.webhookTimeoutMs,
    retryForMs: config.webhookRetryFor,
  });
  const outbox = createOutbox({
    store,
    logger,
    targets: targets.map((t) => t.key),
    debounceMs: config.webhookDebounceMs,
    onQueued: (dueAt) => dispatcher.wake(dueAt),
  });
  return {
    events: outbox,
    reportCommits(log) {
      return {
        append: async (doc, entry) => {
          const seq = await log.append(doc, entry);
          outbox.committed(doc, seq, entry.author, entry.receivedAt);
          return seq;
        },
        write: async (doc, entry) => {
          const written = await log.write(doc, entry);
          // Reported once it would survive a power cut; a failed flush is the room's to handle.
          written.flushed.then(() => outbox.committed(doc, written.seq, entry.author, entry.receivedAt), () => {});
          return written;
        },
        beforeNextCommit: (task) => log.beforeNextCommit(task),
        drain: () => log.drain(),
        get pending() {
          return log.pending;
        },
      };
    },
    async close() {
      await outbox.close();
      await dispatcher.close();
    },
  };
}
