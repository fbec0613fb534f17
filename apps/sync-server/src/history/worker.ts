// Entry of a history worker thread: opens its own read-only connection to the store and runs the jobs
// the pool (history/pool.ts) posts, one at a time. Everything here may take seconds; none of it runs
// on the thread that serves WebSockets and HTTP.

import { parentPort, workerData } from 'node:worker_threads';
import { AuthorshipCache, type DocumentStore, openStore, type StoreLocation, TimelineCache, VersionCache, VisibleAuthorshipCache } from '@tandem/persistence';
import { type HistoryJob, runHistoryJob, transferables } from './jobs.js';

export interface WorkerRequest {
  readonly id: number;
  readonly job: HistoryJob;
}

export type WorkerReply =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: { name: string; code?: string; message: string; doc?: string } };

const port = parentPort!;
// Opened again by the next job if it could not be (a database that is away): the job fails with the
// store's error (read-failed: 503), and the thread stays.
let opening: Promise<DocumentStore> | undefined;
const openedStore = (): Promise<DocumentStore> =>
  (opening ??= openStore(workerData as StoreLocation, { readOnly: true }).catch((error: unknown) => {
    opening = undefined;
    throw error;
  }));
await openedStore().catch(() => {});
// What the thread keeps between jobs: whole-log authorship of the last few documents diffed from the
// empty document, the sessions of the last documents whose timeline was read, and the last version
// shown of two documents (moved forward as the history is scrubbed or played), and who wrote what is
// still in the last few documents whose authorship colours were shown.
const context = { authorship: new AuthorshipCache(4), timeline: new TimelineCache(16), versions: new VersionCache(2), visible: new VisibleAuthorshipCache(4) };

port.on('message', async ({ id, job }: WorkerRequest) => {
  try {
    const result = await runHistoryJob(await openedStore(), job, context);
    port.postMessage({ id, result } satisfies WorkerReply, transferables(result));
  } catch (error) {
    const e = error as Error & { code?: string; doc?: string };
    port.postMessage({ id, error: { name: e.name, code: e.code, message: e.message, doc: e.doc } } satisfies WorkerReply);
  }
});
port.postMessage('ready');
