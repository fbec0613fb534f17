// Webhooks as the server starts them (WEBHOOK_URL set): the outbox that queues document events in the
// store, the dispatcher that sends them, and the update log wrapper that reports what is stored.

import type { DocumentStore, UpdateLog } from '@tandem/persistence';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createDispatcher, redactUrl, type WebhookEvents } from './dispatcher.js';
import { createOutbox, type DocumentEvents } from './outbox.js';

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
  const targets = config.webhookUrl.map(redactUrl);
  logger.info({ event: 'webhooks-on', targets, debounceMs: config.webhookDebounceMs }, `webhooks to ${targets.join(', ')}`);
  // Pending deliveries of an earlier run (or of other instances) are in the store: the first pass sends them.
  const dispatcher = createDispatcher({
    store,
    logger,
    events,
    secret: config.webhookSecret,
    targets: config.webhookUrl,
    timeoutMs: config.webhookTimeoutMs,
    retryForMs: config.webhookRetryFor,
  });
  const outbox = createOutbox({
    store,
    logger,
    targets: config.webhookUrl,
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
