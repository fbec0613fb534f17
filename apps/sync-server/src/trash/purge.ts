// Emptying the trash: documents that have been in it longer than TRASH_DAYS are purged (removed for
// good, every part of them), by a background timer and by `tandem purge`.

import type { DocumentStore, TrashEntry } from '@tandem/persistence';
import type { Logger } from 'pino';
import type { DocumentEvents } from '../webhooks/outbox.js';

const DAY_MS = 86_400_000;
/** The first purge runs this soon after start (or after the interval, if shorter). */
const FIRST_RUN_MS = 60_000;

/** When a document in the trash will be purged. */
export const purgeAt = (entry: TrashEntry, trashDays: number): number => entry.trashedAt + trashDays * DAY_MS;

/** Purges every document in the trash for longer than `trashDays` at `now`; resolves with their names. */
export async function purgeExpired(
  store: DocumentStore,
  trashDays: number,
  now = Date.now(),
  /**
   * Told before each purge (the webhooks' outbox forgets the changes it holds of the document); what it
   * resolves with is called if the purge does not happen after all.
   */
  purging: (doc: string) => Promise<() => void> = async () => () => {},
): Promise<string[]> {
  const purged: string[] = [];
  for (const entry of await store.listTrash()) {
    if (purgeAt(entry, trashDays) > now) break; // oldest first: the rest are younger
    // Taken out of the trash meanwhile (restored): inTrash says so, and it is kept.
    if ((await store.inTrash(entry.doc))?.trashedAt !== entry.trashedAt) continue;
    const keep = await purging(entry.doc);
    // Only if it is still that trash entry: it may have been taken out of the trash meanwhile.
    if (await store.purgeDocument(entry.doc, { trashedAt: entry.trashedAt })) purged.push(entry.doc);
    else keep();
  }
  return purged;
}

export interface TrashPurge {
  stop(): Promise<void>;
}

export function startTrashPurge(deps: {
  store: DocumentStore;
  trashDays: number;
  intervalMs: number;
  logger: Logger;
  documentEvents: Pick<DocumentEvents, 'purging'>;
  /** Told after documents were purged (their share links were revoked with them). */
  purged?: (docs: readonly string[]) => void;
}): TrashPurge {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= purgeExpired(deps.store, deps.trashDays, Date.now(), (doc) => deps.documentEvents.purging(doc))
      .then(
        (docs) => {
          for (const doc of docs) deps.logger.info({ event: 'document-purged', doc, trashDays: deps.trashDays }, 'document purged from the trash');
          if (docs.length > 0) deps.purged?.(docs);
        },
        (err: unknown) => deps.logger.warn({ event: 'trash-purge-failed', err }, 'emptying the trash failed; trying again later'),
      )
      .finally(() => (running = undefined));
  };
  const first = setTimeout(run, Math.min(FIRST_RUN_MS, deps.intervalMs));
  const timer = setInterval(run, deps.intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
