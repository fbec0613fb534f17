// Moving a store to another engine (SQLite ⇄ PostgreSQL): every document's full history, as it is
// stored. Updates go over in batches at the seqs they carry (DocumentStore.importUpdates), so memory
// stays bounded whatever a log's length; then the compacted sessions of each batch, the named versions,
// the restores and the checkpoints, the records of the authors its log, sessions and versions name, its trash entry
// and its share links not yet expired; for a whole store, the revocations in force. A rerun
// after an interruption reads the source again, compares what the target already holds batch by batch,
// and imports only what is missing; a target whose history differs is refused, naming the document. Each copied document is then verified (verify-copy.ts)
// against the source as the copy read it: a running server writing meanwhile is not a difference.

import { PersistenceError } from '../errors.js';
import type { DocumentInfo, DocumentStore, StoredUpdate } from '../types.js';
import { checkpointsOf, sameCheckpoint, sameUpdate, upToSeq, verifyCopy, versionKey, type CopyVerification } from './verify-copy.js';

export interface CopyProgress {
  readonly phase: 'copy' | 'verify';
  readonly doc: string;
  /** Documents finished (copied and verified) before this one. */
  readonly documentsDone: number;
  readonly documentsTotal: number;
  /** Updates of this document read from the source so far in this phase, of `docUpdates`. */
  readonly docUpdatesRead: number;
  readonly docUpdates: number;
  /** Updates inserted into the target so far, all documents. */
  readonly updatesCopied: number;
}

export interface CopyOptions {
  /** The documents to copy; default every document of the source. */
  readonly docs?: readonly string[];
  /** Updates per read and per import transaction. Default 5 000. */
  readonly batchSize?: number;
  /** Stops between batches (the copy can be run again to finish). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CopyProgress) => void;
}

export interface DocumentCopy {
  readonly doc: string;
  /** Updates in the source's log. */
  readonly updates: number;
  /** Of them, inserted by this run (the rest were there already). */
  readonly updatesInserted: number;
  readonly versionsInserted: number;
  readonly sessionsInserted: number;
  readonly checkpointsWritten: number;
  /** Author records inserted into the target (authors are shared by documents: one copied before counts there). */
  readonly authorsInserted: number;
  /** Share links not yet expired stored in the target, or revoked there as they are in the source. */
  readonly shareLinksCopied: number;
  readonly verification: CopyVerification;
}

export interface CopyReport {
  readonly documents: readonly DocumentCopy[];
  readonly updatesCopied: number;
  /** Revocations in force in the source, stored in the target (a whole-store copy only; see copyStore). */
  readonly revocations: number;
  /** Old names of the copied documents (redirects) newly stored in the target. */
  readonly redirects: number;
  /** True when every document verified. */
  readonly ok: boolean;
}

const DEFAULT_BATCH = 5_000;

export async function copyStore(from: DocumentStore, to: DocumentStore, options: CopyOptions = {}): Promise<CopyReport> {
  const docs = options.docs ?? (await from.listDocuments()).map((d) => d.name);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new PersistenceError('invalid-argument', `Batch size ${batchSize} is not a positive integer`);
  const documents: DocumentCopy[] = [];
  let updatesCopied = 0;
  for (const [index, doc] of docs.entries()) {
    // The document as it is now is what is copied and verified: a running server appends past it meanwhile.
    const asOf = Date.now();
    const source = await from.getDocument(doc);
    if (source === undefined) throw new PersistenceError('not-found', `The source holds no document named ${JSON.stringify(doc)}`, doc);
    const report = (phase: CopyProgress['phase'], docUpdatesRead: number, inserted: number) =>
      options.onProgress?.({
        phase,
        doc,
        documentsDone: index,
        documentsTotal: docs.length,
        docUpdatesRead,
        docUpdates: source.updateCount,
        updatesCopied: updatesCopied + inserted,
      });
    const copied = await copyDocument(from, to, source, batchSize, options.signal, (read, inserted) => report('copy', read, inserted));
    updatesCopied += copied.updatesInserted;
    const verification = await verifyCopy(from, to, doc, { source, asOf, batchSize, signal: options.signal, onProgress: (read) => report('verify', read, 0) });
    documents.push({ doc, updates: source.updateCount, ...copied, verification });
  }
  // Withdrawn access moves with the store, or a token revoked on the old server works on the new one.
  // Not with a choice of documents: revocations are the whole store's, not a document's.
  let revocations = 0;
  if (options.docs === undefined) {
    options.signal?.throwIfAborted();
    for (const r of await from.listRevocations(Date.now())) {
      await to.revoke(r);
      revocations += 1;
    }
  }
  // A renamed document's old links keep working on the new server: the redirects to what was copied.
  options.signal?.throwIfAborted();
  const copiedNames = new Set(docs);
  const renames = (await from.listRedirects()).filter((r) => copiedNames.has(r.to));
  const redirects = await to.importRedirects(renames);
  // A document renamed in the source since an earlier run: the target still holds it under its old name,
  // which a redirect cannot take. Two live documents with one history are a copy that did not verify.
  const copies = new Map(documents.map((d) => [d.doc, d]));
  for (const r of renames) {
    if ((await to.getDocument(r.from)) === undefined) continue;
    const copy = copies.get(r.to)!;
    const problem =
      `the source renamed ${JSON.stringify(r.from)} to ${JSON.stringify(r.to)} (${new Date(r.renamedAt).toISOString()}), but the target still holds a document ` +
      `named ${JSON.stringify(r.from)}, so that name is not a redirect there: remove ${JSON.stringify(r.from)} from the target and run the copy again`;
    copies.set(r.to, { ...copy, verification: { ...copy.verification, problems: [...copy.verification.problems, problem] } });
  }
  const copied = documents.map((d) => copies.get(d.doc)!);
  return { documents: copied, updatesCopied, revocations, redirects, ok: copied.every((d) => d.verification.problems.length === 0) };
}

async function copyDocument(
  from: DocumentStore,
  to: DocumentStore,
  source: DocumentInfo,
  batchSize: number,
  signal: AbortSignal | undefined,
  onBatch: (read: number, inserted: number) => void,
): Promise<Omit<DocumentCopy, 'doc' | 'updates' | 'verification'>> {
  const doc = source.name;
  const target = await to.getDocument(doc);
  if (target !== undefined && target.lastSeq > source.lastSeq) {
    throw differs(doc, `the target's log goes on to seq ${target.lastSeq}, past the source's last seq ${source.lastSeq}`);
  }
  let updatesInserted = 0;
  let sessionsInserted = 0;
  let read = 0;
  const authors = new Set<string>();
  // Up to the source's head when the copy started: a source still written to is copied as it was then.
  for (let after = 0; after < source.lastSeq; ) {
    signal?.throwIfAborted();
    const batch = await from.readUpdates(doc, { afterSeq: after, toSeq: source.lastSeq, limit: batchSize });
    if (batch.length === 0) break;
    const last = batch.at(-1)!.seq;
    for (const u of batch) authors.add(u.author);
    let missing: readonly StoredUpdate[] = batch;
    if (target !== undefined && target.lastSeq > after) {
      // The target held part of this document before this run: what it holds here must be this batch's.
      const bySeq = new Map(batch.map((u) => [u.seq, u]));
      const there = new Set<number>();
      for (const held of await to.readUpdates(doc, { afterSeq: after, toSeq: last })) {
        const wanted = bySeq.get(held.seq);
        if (wanted === undefined) throw differs(doc, `the target holds an update at seq ${held.seq}, which the source does not`);
        if (!sameUpdate(wanted, held)) throw differs(doc, `the target's update at seq ${held.seq} is not the source's`);
        there.add(held.seq);
      }
      missing = batch.filter((u) => !there.has(u.seq));
    }
    try {
      if (missing.length > 0) updatesInserted += await to.importUpdates(doc, missing, { createdAt: source.createdAt, lastChangeAt: source.lastChangeAt });
      // The sessions stored for the merged updates of this batch.
      const sessions = await from.readCompactedSessions(doc, { afterSeq: after, toSeq: last });
      if (sessions.length > 0) sessionsInserted += await to.importCompactedSessions(doc, sessions);
      for (const session of sessions) authors.add(session.author);
      // Who wrote what in this batch's merged updates of several people.
      const tables = await from.readMergedAuthorship(doc, { afterSeq: after, toSeq: last });
      if (tables.length > 0) await to.importMergedAuthorship(doc, tables);
      for (const table of tables) for (const author of table.authors) authors.add(author);
    } catch (error) {
      if (error instanceof PersistenceError && error.code === 'conflict') throw differs(doc, error.message);
      throw error;
    }
    read += batch.length;
    after = last;
    onBatch(read, updatesInserted);
  }
  signal?.throwIfAborted();
  const versions = upToSeq(await from.listVersions(doc), source.lastSeq);
  // The target's named versions become the source's: one renamed or deleted there since an earlier run goes
  // (as many of each as the source has are kept, the rest deleted), then what is missing is imported.
  const wanted = new Map<string, number>();
  for (const v of versions) wanted.set(versionKey(v), (wanted.get(versionKey(v)) ?? 0) + 1);
  for (const held of await to.listVersions(doc)) {
    const left = wanted.get(versionKey(held)) ?? 0;
    if (left > 0) wanted.set(versionKey(held), left - 1);
    else await to.deleteVersion(doc, held.id);
  }
  const versionsInserted = await to.importVersions(doc, versions);
  for (const v of versions) authors.add(v.author);
  // Which updates are restores: what "Undo restore" may take back on the new server (recorded as they
  // are; recording one the target holds already changes nothing).
  const restores = upToSeq(await from.listRestores(doc), source.lastSeq);
  for (const restore of restores) await to.recordRestore(doc, restore);
  for (const r of restores) authors.add(r.author);
  const authorsInserted = await to.importAuthors(await from.listAuthors([...authors]));
  let checkpointsWritten = 0;
  for await (const checkpoint of checkpointsOf(from, doc, source.lastSeq)) {
    signal?.throwIfAborted();
    const held = await to.latestCheckpoint(doc, checkpoint.seq);
    if (held !== undefined && sameCheckpoint(held, checkpoint)) continue;
    await to.writeCheckpoint(doc, checkpoint);
    checkpointsWritten += 1;
  }
  // A document in the trash stays there, with when and by whom it was moved; one taken out of it (or moved there
  // again) in the source since an earlier run is so in the target.
  const trashed = await from.inTrash(doc);
  const heldTrash = await to.inTrash(doc);
  const sameTrash = trashed?.trashedAt === heldTrash?.trashedAt && trashed?.trashedBy === heldTrash?.trashedBy;
  if (!sameTrash && heldTrash !== undefined) await to.untrashDocument(doc);
  if (!sameTrash && trashed !== undefined) await to.trashDocument(doc, { at: trashed.trashedAt, by: trashed.trashedBy });
  signal?.throwIfAborted();
  const shareLinksCopied = await copyShareLinks(from, to, doc);
  return { updatesInserted, versionsInserted, sessionsInserted, checkpointsWritten, authorsInserted, shareLinksCopied };
}

/**
 * The links of `doc` that can still be redeemed or whose tokens still work (not expired), as stored:
 * the same id, times and creator, so the secret each one carries (signed with AUTH_SECRET) opens the
 * copy too. A link the target holds already is kept; one revoked in the source since is revoked there,
 * at the source's time. Expired links open nothing and stay behind.
 */
async function copyShareLinks(from: DocumentStore, to: DocumentStore, doc: string): Promise<number> {
  let copied = 0;
  for (const link of await from.listShareLinks(doc, Date.now())) {
    const held = await to.getShareLink(link.id);
    if (held === undefined) {
      await to.createShareLink(link);
      copied += 1;
    } else if (held.doc !== doc) {
      throw differs(doc, `the target's share link ${JSON.stringify(link.id)} belongs to document ${JSON.stringify(held.doc)}`);
    } else if (link.revokedAt !== null && held.revokedAt === null) {
      await to.revokeShareLink(doc, link.id, link.revokedAt);
      copied += 1;
    }
  }
  return copied;
}

const differs = (doc: string, why: string) =>
  new PersistenceError('conflict', `The target holds a different history for document ${JSON.stringify(doc)}: ${why}; nothing of it was changed after that point`, doc);
