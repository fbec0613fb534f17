// Checks a copied document against its source: the same log (seqs, times, authors, bytes: one running
// hash each side, read in batches), the same compacted sessions, named versions, restores, checkpoints, share
// links not yet expired and document row, the same records of the authors they name, and the same
// head state materialized from each store. A source still written to (a running server's data directory) is
// compared as the copy read it: its document row as of the copy's start, its log, sessions, checkpoints,
// versions and restores up to that row's last seq, and the author records as they were then.

import { createHash, type Hash } from 'node:crypto';
import * as Y from 'yjs';
import type { AuthorRecord, Checkpoint, DocumentInfo, DocumentStore, NamedVersion, ShareLink, StoredCompactedSession, StoredMergedAuthorship, StoredUpdate } from '../types.js';

export interface CopyVerification {
  readonly doc: string;
  /** Empty when the copy is identical. */
  readonly problems: readonly string[];
  /** Hex sha-256 of the source's log (seq, time, author, bytes of every update, in seq order). */
  readonly logHash: string;
}

export interface VerifyCopyOptions {
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (updatesRead: number) => void;
  /**
   * The source's document as the copy read it at its start (DocumentStore.getDocument then): what was
   * appended, checkpointed or versioned past its lastSeq since, and author sightings after `asOf`, are not
   * differences. Default: the source as it is now.
   */
  readonly source?: DocumentInfo;
  /** When the copy started (ms since epoch); with `source`. Default: now. */
  readonly asOf?: number;
}

export const sameUpdate = (a: StoredUpdate, b: StoredUpdate): boolean =>
  a.seq === b.seq && a.receivedAt === b.receivedAt && a.author === b.author && Buffer.from(a.update).equals(Buffer.from(b.update));

/** Every checkpoint of `doc` at or before `toSeq`, newest first, one at a time. */
export async function* checkpointsOf(store: DocumentStore, doc: string, toSeq: number): AsyncGenerator<Checkpoint> {
  for (let at = toSeq; at > 0; ) {
    const checkpoint = await store.latestCheckpoint(doc, at);
    if (checkpoint === undefined) return;
    yield checkpoint;
    at = checkpoint.seq - 1;
  }
}

export const sameCheckpoint = (a: Checkpoint, b: Checkpoint): boolean =>
  a.seq === b.seq && a.createdAt === b.createdAt && Buffer.from(a.state).equals(Buffer.from(b.state));

/** A framed record per update, so that no two different logs hash alike by shifting bytes between fields. */
function hashUpdate(hash: Hash, u: StoredUpdate): void {
  const head = Buffer.alloc(24);
  head.writeDoubleBE(u.seq, 0);
  head.writeDoubleBE(u.receivedAt, 8);
  head.writeUInt32BE(Buffer.byteLength(u.author), 16);
  head.writeUInt32BE(u.update.byteLength, 20);
  hash.update(head).update(u.author).update(u.update);
}

const hashSession = (hash: Hash, s: StoredCompactedSession) =>
  hash.update(`${JSON.stringify([s.entrySeq, s.fromSeq, s.toSeq, s.author, s.startedAt, s.endedAt, s.updates, s.added, s.removed])}\n`);

/** A named version as a copy compares it: everything but its id (each store's own). */
export const versionKey = (v: Omit<NamedVersion, 'id'>) => JSON.stringify([v.seq, v.label, v.author, v.createdAt]);

const versionKeys = (versions: readonly NamedVersion[]) => versions.map(versionKey).sort();

/**
 * An author record, whole; or, for a source record seen again after `asOf` (someone typing on the server
 * meanwhile: a newer name and lastSeen the copy did not read), what such a sighting cannot change.
 */
const authorKeys = (authors: readonly AuthorRecord[], seenAfter: ReadonlySet<string>) =>
  authors.map((a) => JSON.stringify(seenAfter.has(a.id) ? [a.id, a.color, a.firstSeen] : [a.id, a.name, a.color, a.verified, a.firstSeen, a.lastSeen])).sort();

/** Versions and restores are recorded at a seq: those past the head the copy read came after it. */
export const upToSeq = <T extends { readonly seq: number }>(items: readonly T[], seq: number): T[] => items.filter((i) => i.seq <= seq);

const shareLinkKeys = (links: readonly ShareLink[]) =>
  links.map((l) => JSON.stringify([l.id, l.role, l.createdBy, l.createdAt, l.expiresAt, l.revokedAt])).sort();

const infoFields = (i: DocumentInfo | undefined) => i && JSON.stringify([i.updateCount, i.lastSeq, i.sizeBytes, i.createdAt, i.lastChangeAt]);

async function checkpointDigests(store: DocumentStore, doc: string, toSeq: number): Promise<string[]> {
  const out: string[] = [];
  for await (const c of checkpointsOf(store, doc, toSeq)) out.push(checkpointDigest(c));
  return out;
}
const checkpointDigest = (c: Checkpoint) => `${c.seq}@${c.createdAt}:${createHash('sha256').update(c.state).digest('hex')}`;

/** The document at `seq`, deleted content kept: its latest checkpoint, then the log in batches. */
async function headState(store: DocumentStore, doc: string, seq: number, batchSize: number): Promise<Uint8Array> {
  const ydoc = new Y.Doc({ gc: false });
  const checkpoint = await store.latestCheckpoint(doc, seq);
  if (checkpoint !== undefined) Y.applyUpdate(ydoc, checkpoint.state);
  for (let after = checkpoint?.seq ?? 0; after < seq; ) {
    const batch = await store.readUpdates(doc, { afterSeq: after, toSeq: seq, limit: batchSize });
    if (batch.length === 0) break;
    Y.transact(ydoc, () => {
      for (const u of batch) Y.applyUpdate(ydoc, u.update);
    });
    after = batch.at(-1)!.seq;
  }
  const state = Y.encodeStateAsUpdate(ydoc);
  ydoc.destroy();
  return state;
}

export async function verifyCopy(from: DocumentStore, to: DocumentStore, doc: string, options: VerifyCopyOptions = {}): Promise<CopyVerification> {
  const batchSize = options.batchSize ?? 5_000;
  const problems: string[] = [];
  const source = options.source ?? (await from.getDocument(doc));
  const asOf = options.asOf ?? Date.now();
  const target = await to.getDocument(doc);
  if (source === undefined) return { doc, problems: [`the source holds no document named ${JSON.stringify(doc)}`], logHash: '' };
  if (target === undefined) return { doc, problems: ['the target holds no such document'], logHash: '' };
  if (infoFields(source) !== infoFields(target)) {
    problems.push(`document rows differ: source ${JSON.stringify(source)}, target ${JSON.stringify(target)}`);
  }
  const trash = await Promise.all([from.inTrash(doc), to.inTrash(doc)]);
  if (JSON.stringify(trash[0] ?? null) !== JSON.stringify(trash[1] ?? null)) {
    problems.push(`the trash differs: source ${JSON.stringify(trash[0] ?? 'not in the trash')}, target ${JSON.stringify(trash[1] ?? 'not in the trash')}`);
  }
  const [logs, sessions, tables] = [
    [createHash('sha256'), createHash('sha256')],
    [createHash('sha256'), createHash('sha256')],
    [createHash('sha256'), createHash('sha256')],
  ] as const;
  const authorshipKey = (t: StoredMergedAuthorship) => JSON.stringify([t.entrySeq, t.authors, t.inserted, t.deleted]);
  const counts = [0, 0];
  let firstDifference: number | undefined;
  let read = 0;
  const authors = new Set<string>();
  // The source up to its head as the copy read it; the target to its own end (what it holds past that is a difference).
  const head = source.lastSeq;
  const last = Math.max(head, target.lastSeq);
  for (let after = 0; after < last; ) {
    options.signal?.throwIfAborted();
    // The same window of seqs from each side: the source's next batch decides where it ends.
    const a = after < head ? await from.readUpdates(doc, { afterSeq: after, toSeq: head, limit: batchSize }) : [];
    const end = a.at(-1)?.seq ?? last;
    const sourceEnd = Math.min(end, head);
    const b = await to.readUpdates(doc, { afterSeq: after, toSeq: end });
    if (firstDifference === undefined) {
      const i = a.findIndex((u, k) => b[k] === undefined || !sameUpdate(u, b[k]!));
      if (i >= 0) firstDifference = a[i]!.seq;
      else if (b.length > a.length) firstDifference = b[a.length]!.seq;
    }
    for (const u of a) hashUpdate(logs[0], u), authors.add(u.author);
    for (const u of b) hashUpdate(logs[1], u);
    counts[0]! += a.length;
    counts[1]! += b.length;
    for (const s of after < sourceEnd ? await from.readCompactedSessions(doc, { afterSeq: after, toSeq: sourceEnd }) : []) hashSession(sessions[0], s), authors.add(s.author);
    for (const s of await to.readCompactedSessions(doc, { afterSeq: after, toSeq: end })) hashSession(sessions[1], s);
    for (const t of after < sourceEnd ? await from.readMergedAuthorship(doc, { afterSeq: after, toSeq: sourceEnd }) : []) {
      tables[0].update(`${authorshipKey(t)}\n`);
      for (const author of t.authors) authors.add(author);
    }
    for (const t of await to.readMergedAuthorship(doc, { afterSeq: after, toSeq: end })) tables[1].update(`${authorshipKey(t)}\n`);
    read += a.length;
    options.onProgress?.(read);
    after = end;
  }
  const logHash = logs[0].digest('hex');
  if (logHash !== logs[1].digest('hex')) {
    problems.push(`the logs differ (source ${counts[0]} updates, target ${counts[1]}; first at seq ${firstDifference ?? '?'})`);
  }
  if (sessions[0].digest('hex') !== sessions[1].digest('hex')) problems.push('the compacted sessions differ');
  if (tables[0].digest('hex') !== tables[1].digest('hex')) problems.push('the authorship of merged updates differs');
  const versions = upToSeq(await from.listVersions(doc), head);
  const [va, vb] = [versionKeys(versions), versionKeys(await to.listVersions(doc))];
  if (JSON.stringify(va) !== JSON.stringify(vb)) problems.push(`the named versions differ (source ${va.length}, target ${vb.length})`);
  for (const v of versions) authors.add(v.author);
  const restores = upToSeq(await from.listRestores(doc), head);
  const [ra, rb] = [JSON.stringify(restores), JSON.stringify(await to.listRestores(doc))];
  if (ra !== rb) problems.push(`the restores differ (source ${restores.length}, target ${(JSON.parse(rb) as unknown[]).length})`);
  for (const r of restores) authors.add(r.author);
  const sourceAuthors = await from.listAuthors([...authors]);
  const seenAfter = new Set(sourceAuthors.filter((a) => a.lastSeen > asOf).map((a) => a.id));
  const [aa, ab] = [authorKeys(sourceAuthors, seenAfter), authorKeys(await to.listAuthors([...authors]), seenAfter)];
  if (JSON.stringify(aa) !== JSON.stringify(ab)) problems.push(`the author records differ (source ${aa.length}, target ${ab.length})`);
  // Listed at one time for both sides: a link that expires between two reads is not a difference.
  const at = Date.now();
  const [la, lb] = [shareLinkKeys(await from.listShareLinks(doc, at)), shareLinkKeys(await to.listShareLinks(doc, at))];
  if (JSON.stringify(la) !== JSON.stringify(lb)) problems.push(`the share links differ (source ${la.length}, target ${lb.length})`);
  const [ca, cb] = [await checkpointDigests(from, doc, head), await checkpointDigests(to, doc, last)];
  if (JSON.stringify(ca) !== JSON.stringify(cb)) problems.push(`the checkpoints differ (source ${ca.length}, target ${cb.length})`);
  try {
    const [sa, sb] = [await headState(from, doc, head, batchSize), await headState(to, doc, head, batchSize)];
    if (!Buffer.from(sa).equals(Buffer.from(sb))) problems.push(`the document at seq ${source.lastSeq} differs`);
  } catch (error) {
    problems.push(`the document at seq ${source.lastSeq} cannot be built: ${(error as Error).message}`);
  }
  return { doc, problems, logHash };
}
