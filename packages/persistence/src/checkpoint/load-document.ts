// Loading a document: the latest checkpoint plus the log tail after it, never the whole history.

import * as Y from 'yjs';
import { PersistenceError } from '../errors.js';
import type { DocumentStore, StoredUpdate } from '../types.js';

export interface LoadedDocument {
  /** Highest sequence number applied to the doc (0 for a new document). */
  readonly lastSeq: number;
  /** Sequence number of the checkpoint the load started from (0 if none). */
  readonly checkpointSeq: number;
  /** Number of log updates applied on top of the checkpoint. */
  readonly tailLength: number;
  /** Bytes of update payloads in the document's log. */
  readonly sizeBytes: number;
  /** Bytes read to build the document (its checkpoint plus the tail): at least its merged size, usually. */
  readonly loadedBytes: number;
  /** When the loaded document was created (undefined for a new one): which document the name held. */
  readonly createdAt?: number;
}

/**
 * Applies the stored state of `name` to `doc` (inside one transaction with `origin`). Throws a
 * PersistenceError with code `corrupt-data` if a stored checkpoint or update cannot be applied, so a
 * caller never mistakes an unreadable document for an empty one.
 */
export async function loadDocument(
  store: DocumentStore,
  name: string,
  doc: Y.Doc,
  origin: unknown,
  /** Told each update of the tail (after the latest checkpoint), in seq order. */
  tailRead: (entry: StoredUpdate) => void = () => {},
): Promise<LoadedDocument> {
  const info = await store.getDocument(name);
  if (info === undefined) return { lastSeq: 0, checkpointSeq: 0, tailLength: 0, sizeBytes: 0, loadedBytes: 0 };
  const checkpoint = await store.latestCheckpoint(name);
  const tail = await store.readUpdates(name, { afterSeq: checkpoint?.seq ?? 0 });
  const lastSeq = tail.at(-1)?.seq ?? checkpoint?.seq ?? 0;
  // The reads are separate: an append that lands between them may make the log longer than the
  // document row said, never shorter. A log that ends early has lost updates.
  if (lastSeq < info.lastSeq) {
    throw new PersistenceError('corrupt-data', `Log ends at seq ${lastSeq} but the document records seq ${info.lastSeq}`, name);
  }
  Y.transact(
    doc,
    () => {
      if (checkpoint !== undefined) applyStored(doc, name, checkpoint.state, `checkpoint at seq ${checkpoint.seq}`);
      for (const entry of tail) {
        applyStored(doc, name, entry.update, `update seq ${entry.seq}`);
        tailRead(entry);
      }
    },
    origin,
  );
  const loadedBytes = tail.reduce((n, entry) => n + entry.update.byteLength, checkpoint?.state.byteLength ?? 0);
  return { lastSeq, checkpointSeq: checkpoint?.seq ?? 0, tailLength: tail.length, sizeBytes: info.sizeBytes, loadedBytes, createdAt: info.createdAt };
}

function applyStored(doc: Y.Doc, name: string, update: Uint8Array, what: string): void {
  try {
    // Decoding first turns malformed bytes into an error here instead of half-applied state.
    Y.decodeUpdate(update);
    Y.applyUpdate(doc, update);
  } catch (cause) {
    throw new PersistenceError('corrupt-data', `Stored ${what} cannot be applied: ${(cause as Error).message}`, name, { cause });
  }
}
