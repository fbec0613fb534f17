// The one error type of the persistence package: a code saying what failed, and the document it failed for.

export type PersistenceErrorCode =
  | 'invalid-doc-name'
  | 'invalid-argument'
  | 'write-failed'
  | 'insufficient-storage'
  | 'busy'
  | 'read-failed'
  | 'corrupt-data'
  | 'closed'
  | 'not-found'
  | 'out-of-range'
  /** The result would exceed a configured bound (e.g. a diff's size). */
  | 'too-large'
  /** The stored data changed under the request in a way it must not ignore (a named version inside a range to merge). */
  | 'conflict';

export class PersistenceError extends Error {
  override readonly name = 'PersistenceError';

  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    readonly doc?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An append that would start a new document at a renamed one's old name (see DocumentStore.append). */
export const renamedAway = (doc: string, to: string | undefined): PersistenceError =>
  new PersistenceError(
    'conflict',
    `${JSON.stringify(doc)} was renamed${to === undefined ? '' : ` to ${JSON.stringify(to)}`}: its old name starts no new document (take it back first)`,
    doc,
  );
