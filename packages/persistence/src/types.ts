// The storage contract every adapter implements: an append-only, per-document log of Yjs updates
// plus checkpoints of merged state, so a document loads from its latest checkpoint and the log tail.

/** One update as the client sent it, with who sent it and when the server received it. */
export interface StoredUpdate {
  readonly seq: number;
  readonly update: Uint8Array;
  /** Server time (ms since epoch) when the update was received. */
  readonly receivedAt: number;
  /**
   * Identity of the sender: the token's user id with authentication on; else `guest:<id>`, the id an
   * editor keeps per browser (self-declared); else `conn-<uuid>`, one per connection. See AuthorRecord.
   */
  readonly author: string;
}

export interface AppendEntry {
  readonly update: Uint8Array;
  readonly author: string;
  readonly receivedAt: number;
}

/** Appends for one document inside a multi-document batch. */
export interface DocumentAppend {
  readonly doc: string;
  readonly entries: readonly AppendEntry[];
}

export interface AppendResult {
  readonly doc: string;
  /** Sequence number given to the first entry; the rest follow consecutively. */
  readonly firstSeq: number;
  readonly lastSeq: number;
}

/** A committed append (see DocumentStore.commit). */
export interface CommittedAppend {
  readonly results: AppendResult[];
  /** Settles once the commit is on disk; rejects if the flush failed. Never left unhandled by the store. */
  readonly flushed: Promise<void>;
}

export interface Checkpoint {
  /** The merged state of every update with `seq <= this.seq`. */
  readonly seq: number;
  readonly state: Uint8Array;
  readonly createdAt: number;
}

export interface DocumentInfo {
  readonly name: string;
  readonly updateCount: number;
  /** Highest sequence number in the log (0 for a document with no updates). */
  readonly lastSeq: number;
  /** Bytes of update payloads in the log. */
  readonly sizeBytes: number;
  readonly createdAt: number;
  readonly lastChangeAt: number;
}

/** A version someone named ("Draft sent to legal"); compaction keeps every named version. */
export interface NamedVersion {
  readonly id: number;
  readonly label: string;
  readonly seq: number;
  readonly author: string;
  readonly createdAt: number;
}

/**
 * One edit session: consecutive updates by one author, each soon after the previous. The timeline
 * shows these; compaction stores those of each range it merges into one update, to show in its place.
 */
export interface CompactedSession {
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly author: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly updates: number;
  /** Characters inserted. */
  readonly added: number;
  /** Units removed: characters of text, one per deleted element. */
  readonly removed: number;
}

/** A compacted session with the seq of the merged update it belongs to. */
export interface StoredCompactedSession extends CompactedSession {
  readonly entrySeq: number;
}

/** Who an author id in the log is, as recorded once per author (see DocumentStore.recordAuthors). */
export interface AuthorRecord {
  /** The author id as stored with each update in the log. */
  readonly id: string;
  /** The current display name: the latest one seen. */
  readonly name: string;
  /** '#rrggbb', assigned once, when the author is first recorded. */
  readonly color: string;
  /** From a verified token (true) or self-declared by the client (false). */
  readonly verified: boolean;
  /** ms since epoch. */
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** One sighting of an author (a connection opened, closed, or renamed itself). */
export interface AuthorSighting {
  readonly id: string;
  readonly name: string;
  readonly verified: boolean;
  /** ms since epoch. */
  readonly seenAt: number;
}

/** What a reader shows for an author id (see describeAuthor). */
export interface AuthorInfo {
  readonly name: string;
  readonly color: string;
  readonly verified: boolean;
}

export interface ReadRange {
  /** Exclusive lower bound: read updates with `seq > afterSeq`. Default 0. */
  readonly afterSeq?: number;
  /** Inclusive upper bound. Default: the end of the log. */
  readonly toSeq?: number;
  /** At most this many updates. */
  readonly limit?: number;
}

export interface DocumentStore {
  /**
   * Appends every entry of every document in one atomic, durable transaction: when the promise
   * resolves, all of it is on disk; when it rejects, none of it is. Sequence numbers per document
   * start at 1 and have no gaps.
   */
  append(batch: readonly DocumentAppend[]): Promise<AppendResult[]>;
  /**
   * Appends like `append`, in two steps: resolves once the transaction is committed (readable, and
   * kept if the process is killed), with `flushed` settling once it would also survive a power cut
   * (at once for a store that does not flush). A failed flush rejects `flushed`, and from then on
   * the store refuses writes. Commits made while a flush runs are covered by the next one.
   */
  commit(batch: readonly DocumentAppend[]): Promise<CommittedAppend>;
  readUpdates(doc: string, range?: ReadRange): Promise<StoredUpdate[]>;
  writeCheckpoint(doc: string, checkpoint: Checkpoint): Promise<void>;
  /** The checkpoint with the highest seq that is `<= atOrBeforeSeq` (default: the latest). */
  latestCheckpoint(doc: string, atOrBeforeSeq?: number): Promise<Checkpoint | undefined>;
  getDocument(doc: string): Promise<DocumentInfo | undefined>;
  /** The highest seq received at or before `time` (ms since epoch); 0 if none was. */
  seqAt(doc: string, time: number): Promise<number>;
  /**
   * The smallest seq in the log that is `>= seq`: `seq` itself while it is stored; for a seq that
   * compaction merged away, the merged update that now holds it. Undefined past the end of the log.
   */
  seqAtOrAfter(doc: string, seq: number): Promise<number | undefined>;
  /**
   * Names a version. A seq that compaction merged away (asked for from a timeline read before the
   * merge) is stored as the merged update's seq, found in the same transaction; the result says which.
   */
  createVersion(doc: string, version: Omit<NamedVersion, 'id'>): Promise<NamedVersion>;
  listVersions(doc: string): Promise<NamedVersion[]>;
  /** Renames a version; resolves undefined if there is no such version of `doc`. */
  renameVersion(doc: string, id: number, label: string): Promise<NamedVersion | undefined>;
  /** Deletes a version; resolves false if there is no such version of `doc`. */
  deleteVersion(doc: string, id: number): Promise<boolean>;
  /**
   * Compaction: atomically replaces the updates `fromSeq..toSeq` (inclusive) with one `merged` update
   * stored at `toSeq`, and drops checkpoints strictly inside the range. Later sequence numbers do not
   * change; the removed ones leave a gap. In the same transaction, the edit sessions of the range
   * (`sessions`, ordered, ending by toSeq; they start before fromSeq when the range holds an update
   * merged earlier) replace any stored for merged updates inside it. Refused with code `conflict`,
   * changing nothing, when a named version has `fromSeq <= seq < toSeq` (one named after the caller
   * chose the range): its seq would no longer exist. With `expectedUpdates`, also refused with
   * `conflict` unless the range still holds that many updates: another compaction (the CLI beside the
   * server's sweep) merged part of it since the caller read it, and `merged` would drop what it holds.
   */
  replaceRange(
    doc: string,
    fromSeq: number,
    toSeq: number,
    merged: AppendEntry,
    sessions?: readonly CompactedSession[],
    expectedUpdates?: number,
  ): Promise<void>;
  /**
   * The sessions stored for merged updates with `afterSeq < entrySeq <= toSeq`, by entrySeq then
   * fromSeq; with `endingAfter`, only those with `toSeq > endingAfter`; at most `limit`.
   */
  readCompactedSessions(doc: string, range?: ReadRange & { readonly endingAfter?: number }): Promise<StoredCompactedSession[]>;
  /**
   * Import (moving a store to another engine, see transfer/copy-store.ts): writes `updates` at the
   * seqs they carry, with their receive times, authors and bytes, in one transaction. Gaps in the seqs
   * (ranges compaction merged) stay gaps. Idempotent: an update already stored at its seq with the same
   * bytes, author and time is skipped; a different one there is refused with code `conflict` and nothing
   * of the call is written. The document row is created with `document.createdAt` (default: the first
   * update's time); its last seq becomes the highest stored, its update count and size count what was
   * inserted, and its last change time the latest of its own, the updates' and `document.lastChangeAt`.
   * Resolves with the number of updates inserted.
   */
  importUpdates(
    doc: string,
    updates: readonly StoredUpdate[],
    document?: { readonly createdAt?: number; readonly lastChangeAt?: number },
  ): Promise<number>;
  /**
   * Import of named versions, keeping label, seq, author and creation time (ids are the target's own).
   * Idempotent as a multiset: a version identical in those four fields to one already stored is not
   * stored again (two identical ones in `versions` need two stored). The document must exist, and each
   * seq lie in 0..last seq (else `invalid-argument`). Resolves with the number inserted.
   */
  importVersions(doc: string, versions: readonly Omit<NamedVersion, 'id'>[]): Promise<number>;
  /**
   * Import of compacted sessions as stored (entrySeq included). Idempotent: one identical to the
   * stored one with its (entrySeq, fromSeq) is skipped; a different one is a `conflict`, and nothing
   * of the call is written. Resolves with the number inserted.
   */
  importCompactedSessions(doc: string, sessions: readonly StoredCompactedSession[]): Promise<number>;
  /**
   * Records authors, in one transaction: an id not yet known is inserted with the next colour of the
   * palette (by how many authors were recorded before it) and firstSeen = its sighting; a known one keeps
   * its colour and firstSeen, takes the name of its latest sighting (when not older than its lastSeen),
   * lastSeen := the latest, and stays verified once verified (an unverified sighting never downgrades it).
   */
  recordAuthors(sightings: readonly AuthorSighting[]): Promise<void>;
  /** The records of those of `ids` that are known, in any order. */
  listAuthors(ids: readonly string[]): Promise<AuthorRecord[]>;
  /**
   * Import (tandem copy): inserts the records of ids not yet known as they are (colour included); a
   * known id is merged like a sighting (latest name, lastSeen max, firstSeen min, verified once verified)
   * and keeps its colour. Idempotent. Resolves with the number inserted.
   */
  importAuthors(records: readonly AuthorRecord[]): Promise<number>;
  listDocuments(): Promise<DocumentInfo[]>;
  /** Throws a PersistenceError when the store cannot be read and written. */
  checkHealth(): Promise<void>;
  close(): Promise<void>;
}
