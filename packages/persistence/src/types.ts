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
  /**
   * The creation time of the document its writer holds open (DocumentInfo.createdAt), when known: the
   * append is refused (conflict) if the name holds no document now, or another one (purged, or renamed
   * away and taken by a new document, through another instance that has not told the writer yet), instead
   * of starting a document there or adding to one the update was not made for.
   */
  readonly documentCreatedAt?: number;
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
  /**
   * When it last changed, in ms: written at most once a second while it is being changed (the document
   * list's index is on it), so up to a second before its very last change (see lastChangeAfter).
   */
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
 * One author's part in an edit session (updates less than the gap apart, whoever made them): the seqs
 * and times it spans, and its counts. Compaction stores these for each range it merges into one update;
 * the timeline puts the runs of a session back together in its place.
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

/**
 * Who inserted and who deleted each Yjs id of a merged update whose range several people wrote (the
 * update itself is stored as author `compacted`): what authorship colours, diffs and comment ownership
 * read instead of the update's author. Flat runs, ids `clock .. clock + length - 1` of `client`.
 */
export interface MergedAuthorship {
  readonly authors: readonly string[];
  /** [client, clock, length, index into `authors`, received at (ms, to the second)] per run of inserted ids. */
  readonly inserted: readonly number[];
  /** [client, clock, length, index into `authors`] per run of deleted ids. */
  readonly deleted: readonly number[];
}

/** An update that restored an older version (see DocumentStore.recordRestore). */
export interface RestoreRecord {
  /** The restoring update's seq. */
  readonly seq: number;
  /** The seq of the version it restored. */
  readonly restoredTo: number;
  readonly author: string;
  /** ms since epoch. */
  readonly at: number;
  /**
   * Set once it is taken back (POST …/restore/undo): the seq of the update that did; negative while an
   * undo is under way (minus the time it began, ms since epoch). Absent while nothing took it back.
   */
  readonly undoneBy?: number;
}

/** Authorship with the seq of the merged update it belongs to. */
export interface StoredMergedAuthorship extends MergedAuthorship {
  readonly entrySeq: number;
}

/** A merged update, and who wrote what in it when several people did (see MergedAuthorship). */
export interface MergedEntry extends AppendEntry {
  readonly authorship?: MergedAuthorship;
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

/**
 * What a `document.changed` webhook covers; pending ones of a document are merged (see mergeChanges).
 * The store makes the ranges of one document's events (per target) follow on from each other, without
 * overlap, even when several instances report changes (see DocumentStore.enqueueWebhooks).
 */
export interface ChangeSummary {
  readonly fromSeq: number;
  readonly toSeq: number;
  /** ms since epoch: the first and last change covered. */
  readonly firstAt: number;
  readonly lastAt: number;
  /** Author ids, each once, in order of first appearance. */
  readonly authors: readonly string[];
}

/** A webhook delivery to queue: one event for one target URL. */
export interface NewWebhookDelivery {
  readonly eventId: string;
  readonly target: string;
  readonly type: string;
  readonly doc: string;
  /** ms since epoch. */
  readonly occurredAt: number;
  /** Not sent before this time (ms since epoch). */
  readonly dueAt: number;
  /** The event's data (a JSON object); for a `changes` delivery, its ChangeSummary. */
  readonly data: Readonly<Record<string, unknown>>;
  /**
   * Merges into a queued delivery of the same target and key that no one has tried yet (its data is
   * then a ChangeSummary, merged with mergeChanges; its id and due time are kept). Used to debounce.
   */
  readonly mergeKey?: string;
}

/** A queued webhook delivery, as claimed by a dispatcher. */
export interface WebhookDelivery extends Omit<NewWebhookDelivery, 'mergeKey'> {
  /** The row's own id (one per event and target). */
  readonly id: number;
  /** Attempts made so far. */
  readonly attempts: number;
  readonly createdAt: number;
  readonly lastError?: string;
}

/** A document in the trash: kept whole (restorable) until it is purged. */
export interface TrashEntry {
  readonly doc: string;
  readonly trashedAt: number;
  /** Who moved it there (an author id). */
  readonly trashedBy: string;
}

/** What purgeDocument checks before it purges (see there). */
export interface PurgeCondition {
  /** The trash entry's time: only a document moved to the trash then (not taken out and trashed again since). */
  readonly trashedAt?: number;
}

/** An old name of a renamed document, and the document's name now (chains collapse: see renameDocument). */
export interface Redirect {
  readonly from: string;
  readonly to: string;
  /** ms since epoch: when the document was renamed away from `from`. */
  readonly renamedAt: number;
}

/** What a revocation withdraws: every token of a user (issued up to its time), or one token by its id (jti). */
export type RevocationKind = 'user' | 'token';

/** Access withdrawn before the tokens expire (see DocumentStore.revoke). */
export interface Revocation {
  readonly kind: RevocationKind;
  /** The user id (a token's `sub`) or the token id (its `jti`). */
  readonly value: string;
  /** ms since epoch after which the revocation may be forgotten (the tokens it covers have expired); null: kept. */
  readonly until: number | null;
  /** ms since epoch; a user revocation covers the tokens issued up to this time. */
  readonly createdAt: number;
  readonly reason: string;
}

/** The roles a share link may grant (a token's role, never above its creator's). */
export type ShareLinkRole = 'editor' | 'viewer' | 'commenter';

/** A user's links not yet expired (see DocumentStore.countShareLinksBy). */
export interface ShareLinkCount {
  readonly count: number;
  /** When the first of them expires (ms since epoch); null when there is none. */
  readonly firstExpiresAt: number | null;
}

/** A link that gives whoever opens it a token of their own for one document (see DocumentStore.createShareLink). */
export interface ShareLink {
  /** Random, made by the server; the claim `lid` of every token redeemed from it. */
  readonly id: string;
  readonly doc: string;
  readonly role: ShareLinkRole;
  /** The user id (token `sub`) of the editor who made it. */
  readonly createdBy: string;
  /** The id (`jti`) of the token it was made with, if it had one: revoking that token ends the link. */
  readonly createdByToken?: string;
  /** ms since epoch. */
  readonly createdAt: number;
  /** ms since epoch: the link cannot be redeemed after, and no token redeemed from it lasts longer. */
  readonly expiresAt: number;
  /** ms since epoch; null while it works. */
  readonly revokedAt: number | null;
}

/** The orders a document list comes in (see DocumentStore.listDocumentPage). */
export type DocumentSort = 'lastChange' | 'name';

/** Which documents a reader may see: exact names, and name prefixes ('' is every document). */
export interface DocumentScope {
  readonly names: readonly string[];
  readonly prefixes: readonly string[];
}

/** Which of the trash to list (see DocumentStore.listTrash). */
export interface TrashQuery {
  readonly scope?: DocumentScope;
  /** At most this many (1..1001). */
  readonly limit?: number;
}

/** Where a page ends: the sort key of its last document (its name breaks ties of lastChangeAt). */
export interface DocumentPageCursor {
  readonly lastChangeAt: number;
  readonly name: string;
}

export interface DocumentPageQuery {
  /** Only names containing this, in any case (taken literally: `%` and `_` are characters, not wildcards). */
  readonly search?: string;
  /** `lastChange` (default): newest change first, ties by name; `name`: by name (code point order). */
  readonly sort?: DocumentSort;
  /** At most this many documents (1..1000). */
  readonly limit: number;
  /** The cursor of the page before (its `next`): documents after it in the order. */
  readonly after?: DocumentPageCursor;
  /** Only these documents; undefined: every one. */
  readonly scope?: DocumentScope;
}

/** A listed document, with who made its last change. */
export interface ListedDocument extends DocumentInfo {
  /** The author id of its last stored update; null for a document with none. */
  readonly lastAuthor: string | null;
}

export interface DocumentPage {
  readonly documents: ListedDocument[];
  /** The cursor of the next page; null when this page is the last. */
  readonly next: DocumentPageCursor | null;
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
  /** How many updates `range` (afterSeq, toSeq) holds and their bytes, without reading them. */
  measureUpdates(doc: string, range: { readonly afterSeq: number; readonly toSeq: number }): Promise<{ count: number; bytes: number }>;
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
  /**
   * Records that the update at `restore.seq` is a restore (of the version at `restoredTo`): what "Undo
   * restore" may take back. The document must exist.
   */
  recordRestore(doc: string, restore: RestoreRecord): Promise<void>;
  /** The restore stored at `seq`, if that update is one. */
  getRestore(doc: string, seq: number): Promise<RestoreRecord | undefined>;
  /**
   * Holds `doc`'s lock across every process writing this store until the returned function is called
   * (PersistenceError 'busy' if another holds it past `waitMs`): for the server's edits built from the
   * whole live document, which must take turns on every instance. Only stores several processes serve
   * at once have it (PostgreSQL); one process (SQLite: its data directory's lock) takes turns in memory.
   */
  lockDocument?(doc: string, waitMs: number): Promise<() => Promise<void>>;
  /** The seq of the document's latest restore; 0 when it has none. */
  lastRestoreSeq(doc: string): Promise<number>;
  /** Every restore recorded for the document, by seq (what a copy of the store carries). */
  listRestores(doc: string): Promise<RestoreRecord[]>;
  /**
   * Sets the restore at `seq`'s undoneBy to `to` (undefined: none) if it is `from` now (undefined: none);
   * false, changing nothing, if it is not, or there is no such restore. One undo of a restore at a time,
   * across instances: claimed (a negative time), then settled with the undo's seq or released.
   */
  markRestoreUndone(doc: string, seq: number, to: number | undefined, from: number | undefined): Promise<boolean>;
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
   * With `expectedFirst` (the bytes of the update read at `fromSeq`), also refused with `conflict` unless
   * the update at `fromSeq` is still that one: another compaction whose range ended at `fromSeq` leaves
   * the count unchanged but puts the updates before the range into its first row.
   */
  replaceRange(
    doc: string,
    fromSeq: number,
    toSeq: number,
    merged: MergedEntry,
    sessions?: readonly CompactedSession[],
    expectedUpdates?: number,
    expectedFirst?: Uint8Array,
  ): Promise<void>;
  /**
   * The authorship stored for merged updates with `afterSeq < entrySeq <= toSeq` (written with them by
   * replaceRange, which drops any stored for merged updates inside the range it merges), by entrySeq.
   */
  readMergedAuthorship(doc: string, range?: ReadRange): Promise<StoredMergedAuthorship[]>;
  /**
   * Import of merged authorship as stored. Idempotent: one identical to the stored one at its entrySeq
   * is skipped; a different one is a `conflict`, and nothing of the call is written. The document must
   * exist. Resolves with the number inserted.
   */
  importMergedAuthorship(doc: string, rows: readonly StoredMergedAuthorship[]): Promise<number>;
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
   * inserted, and its last change time the latest of its own and the one an append would give it from
   * `document.lastChangeAt` (the source's, kept unless an update falls in a later second) or, without it, from
   * the updates' latest time.
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
  /**
   * Webhooks: queues deliveries in one transaction (see NewWebhookDelivery.mergeKey for debouncing).
   * Pending deliveries are kept until settled, across restarts. For a delivery with a mergeKey, the store
   * keeps the highest toSeq queued per target and key: a new delivery's range starts right after it (a
   * range entirely below it is merged into the pending one if there is one, else dropped: an earlier
   * event already covered those seqs), so consecutive ranges tile the log.
   */
  enqueueWebhooks(deliveries: readonly NewWebhookDelivery[]): Promise<void>;
  /**
   * Claims up to `limit` deliveries due at `now` that no one holds, by due time: each is held for
   * `leaseMs` (another dispatcher, on this or another instance, does not claim it meanwhile) and takes
   * no more merges. A dispatcher that dies holding one lets it become claimable again when the lease ends.
   */
  claimWebhooks(now: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]>;
  /**
   * Moves the queued deliveries and debounce marks of target `from` to `to` (a target named differently,
   * e.g. without the credentials an earlier release kept in it), in one transaction. A pending debounced
   * delivery of both names stays two deliveries; the mark is the higher of the two.
   */
  renameWebhookTarget(from: string, to: string): Promise<void>;
  /** Removes a delivery: it was delivered, or given up. */
  deleteWebhook(id: number): Promise<void>;
  /** Releases a claimed delivery to be tried again at `dueAt`, with its attempt count and last error. */
  rescheduleWebhook(id: number, dueAt: number, attempts: number, lastError?: string): Promise<void>;
  /** Deliveries queued (due or not, held or not). */
  countWebhooks(): Promise<number>;
  /**
   * Stores a revocation, one per (kind, value): revoking again keeps one row, with the later createdAt
   * (a user revocation then covers the tokens issued since), the later `until` (null, kept, wins) and the
   * latest reason. Idempotent (import re-runs it). Resolves with the row as stored. A user revocation
   * also revokes, in the same transaction and at the stored row's createdAt, the share links that user
   * made up to that time (those revoked already keep their time): a link must not outlive its maker's access.
   */
  revoke(revocation: Revocation): Promise<Revocation>;
  /** The revocations in force at `now` (until null or after `now`), oldest first. */
  listRevocations(now: number): Promise<Revocation[]>;
  /** Deletes the revocations whose `until` is at or before `now`; resolves with how many. */
  forgetRevocations(now: number): Promise<number>;
  /** Stores a new share link (its id must be new: PersistenceError('conflict') otherwise). */
  createShareLink(link: ShareLink): Promise<ShareLink>;
  /** One share link by id, revoked or expired ones included. */
  getShareLink(id: string): Promise<ShareLink | undefined>;
  /** A document's share links not yet expired at `now` (revoked ones included), newest first. */
  listShareLinks(doc: string, now: number): Promise<ShareLink[]>;
  /** Marks a link revoked at `at` (a link revoked already keeps its first time); undefined if no such link of `doc`. */
  revokeShareLink(doc: string, id: string, at: number): Promise<ShareLink | undefined>;
  /** The ids of revoked links not yet expired at `now` (tokens redeemed from them could still be used). */
  listRevokedShareLinks(now: number): Promise<string[]>;
  /**
   * How many links `createdBy` made that have not expired at `now` (revoked ones included), and when the
   * first of them expires (null when there is none): what a server caps per user.
   */
  countShareLinksBy(createdBy: string, now: number): Promise<ShareLinkCount>;
  /**
   * Moves a document to the trash (marks it; nothing of it is removed). Resolves false, changing
   * nothing, if there is no such document or it is in the trash already.
   */
  trashDocument(doc: string, entry: { readonly at: number; readonly by: string }): Promise<boolean>;
  /** Takes a document out of the trash; resolves false if it was not in it. */
  untrashDocument(doc: string): Promise<boolean>;
  /** The trash entry of `doc`, if it is in the trash. */
  inTrash(doc: string): Promise<TrashEntry | undefined>;
  /** The documents in the trash (every one, or those of `query.scope`, at most `query.limit`), oldest first. */
  listTrash(query?: TrashQuery): Promise<TrashEntry[]>;
  /**
   * Removes a document and everything of it (log, checkpoints, named versions, sessions, its trash
   * entry, the redirects that lead to it) for good, in one transaction, and revokes its share links (now).
   * Its queued `document.changed` webhook deliveries (tried or not) and debounce marks go too: a new
   * document of that name starts its ranges at seq 1 and merges into nothing of the old one. Its other
   * queued events (created, deleted, …) stay and are delivered: they happened.
   * Resolves false if there was no such document. With `only`, also false (changing nothing) unless the
   * document is in the trash, moved there at `only.trashedAt` when given: checked in the same transaction,
   * so that a document taken out of the trash after the caller looked is never purged.
   */
  purgeDocument(doc: string, only?: PurgeCondition): Promise<boolean>;
  /**
   * Renames a document, in one transaction: its log, checkpoints, named versions, compacted sessions,
   * trash entry and pending webhook deliveries all go with it, and `from` becomes a redirect to it.
   * Redirects follow the document (a→b then b→c: a and b both lead to c); renaming it to one of its old
   * names removes that redirect. Refused with `not-found` if there is no document `from`, with
   * `conflict` if a document `to` exists (in the trash or not) or `from` and `to` are the same.
   */
  renameDocument(from: string, to: string, at: number): Promise<void>;
  /** The name the document once called `name` has now, if `name` is a redirect (see renameDocument). */
  resolveRedirect(name: string): Promise<string | undefined>;
  /** The redirect at `name` whole (where it leads, since when), if `name` is one. */
  getRedirect(name: string): Promise<Redirect | undefined>;
  /** Forgets the redirect at `name` (the name is taken back for a new document); resolves false if there was none. */
  removeRedirect(name: string): Promise<boolean>;
  /** Every redirect, by old name (tandem copy). */
  listRedirects(): Promise<Redirect[]>;
  /**
   * Import (tandem copy): stores each redirect whose target document exists here, unless a document or
   * another redirect holds its name. Idempotent. Resolves with the number inserted.
   */
  importRedirects(redirects: readonly Redirect[]): Promise<number>;
  /** Every document, trashed ones included (see listTrash). */
  listDocuments(): Promise<DocumentInfo[]>;
  /**
   * One page of the documents not in the trash, in `query.sort` order, filtered by `search` and
   * `scope` inside the query (a page is short only when it is the last). Paged by key (the cursor),
   * not by offset: a document added or changed between two pages neither shifts nor repeats the rest.
   */
  listDocumentPage(query: DocumentPageQuery): Promise<DocumentPage>;
  /**
   * Throws a PersistenceError when the store cannot be read and written: 'write-failed' when it refuses writes
   * until it is opened again (a failed disk flush), 'insufficient-storage' below the free-disk floor, another
   * code when it cannot be reached or read.
   */
  checkHealth(): Promise<void>;
  close(): Promise<void>;
}
