// The PostgreSQL store: the same log as the embedded SQLite store, in a database several instances
// can share. A commit is one statement (`synchronous_commit` on: committed means on the server's disk),
// so `flushed` settles at once.
//
// Sequence numbers: each document's row holds its head (`last_seq`). An append raises it by the
// number of updates with `INSERT … ON CONFLICT DO UPDATE … RETURNING`, which takes the row's lock until
// the transaction ends: writers to one document, on any instance, take their numbers one after the
// other and commit in that order, and a rolled-back append gives its numbers back (no gaps). A
// PostgreSQL sequence would do neither (its values are not transactional, and a later value can
// commit before an earlier one).
//
// Writers that change what other writers read (compaction, named versions) take a transaction-level
// advisory lock on the document (pg_advisory_xact_lock(namespace, document id)); appends never take it.
// Checkpoints are written under a share lock of the log row they describe, so none survives a merge
// that removed its seq.

import type pg from 'pg';
import { assertDocName } from '../../doc-name.js';
import { PersistenceError, renamedAway } from '../../errors.js';
import type {
  Redirect,
  PurgeCondition,
  TrashEntry,
  AppendEntry,
  AppendResult,
  AuthorRecord,
  AuthorSighting,
  NewWebhookDelivery,
  WebhookDelivery,
  Revocation,
  ShareLink,
  ShareLinkCount,
  TrashQuery,
  Checkpoint,
  CommittedAppend,
  CompactedSession,
  DocumentAppend,
  DocumentInfo,
  DocumentPage,
  DocumentPageQuery,
  DocumentStore,
  NamedVersion,
  RestoreRecord,
  ReadRange,
  StoredCompactedSession,
  StoredUpdate,
  MergedEntry,
  StoredMergedAuthorship,
} from '../../types.js';
import { type AuthorshipRow, authorshipData, type DocumentRow, type SessionRow, toBuffer, toBytes, toInfo, toMergedAuthorship, toSession, toVersion, type VersionRow } from '../rows.js';
import { checkEntries, documentReplaced, expectedCreation, lastChangeAfter } from '../append-rules.js';
import { authorshipConflict, checkImportSeqs, checkMergedAuthorship, importConflict, missingVersions, sameAuthorship, sameSession, sessionConflict } from '../import-rules.js';
import { createDocumentLocks, type DocumentLocks } from './document-locks.js';
import { createPool, DEFAULT_SCHEMA, type PostgresConnectionOptions, redactUrl, withClient } from './connection.js';
import { checkRevocation, type RevocationRow, revokeSql, toRevocation } from '../revocation-rules.js';
import { checkShareLink, revokeLinksOfTokenSql, revokeLinksOfUserSql, SHARE_LINK_COLUMNS, type ShareLinkRow, toShareLink } from '../share-link-rules.js';
import { type RestoreRow, toRestore } from '../restore-row.js';
import { type AuthorFold, type AuthorRow, checkAuthorRecords, foldSightings, planAuthors, toAuthor } from '../author-rules.js';
import { checkRedirects, checkRename, type RedirectRow, toRedirect } from '../redirect-rules.js';
import { CHANGES_EVENT, checkDeliveries, planChange, toWebhook, type WebhookRow } from '../webhook-rules.js';
import { type DocumentPageRow, documentPageSql, type PageDialect, toDocumentPage } from '../document-page.js';
import { trashListSql } from '../trash-list.js';
import { AUTHORS_LOCK_KEY, DOCUMENT_REPLACED, LOCK_NAMESPACE, migrate, RENAMED_AWAY, SCHEMA_VERSION, WEBHOOK_LOCK_NAMESPACE } from './migrations.js';

export interface PostgresStoreOptions extends PostgresConnectionOptions {}


/** PostgreSQL error codes (SQLSTATE) this store tells apart. */
const SQLSTATE = {
  deadlock: '40P01',
  uniqueViolation: '23505',
  serialization: '40001',
  diskFull: '53100',
  readOnly: '25006',
} as const;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * One statement appends a whole batch: the document rows are created or raised (in name order, so
 * two batches lock shared documents in the same order), and the updates are inserted at the seqs
 * the raised heads give them. Entries carry the index of their document in $1 and how far from the
 * end of its run they are (the last one gets the new head).
 */
const APPEND_SQL = `
WITH d AS (
  INSERT INTO documents AS t (name, created_at, last_change_at, last_seq, update_count, size_bytes)
  SELECT name, created_at, last_change_at, n, n, bytes
  FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) AS i(name, created_at, last_change_at, n, bytes)
  ON CONFLICT (name) DO UPDATE SET
    last_seq = t.last_seq + EXCLUDED.last_seq,
    update_count = t.update_count + EXCLUDED.update_count,
    size_bytes = t.size_bytes + EXCLUDED.size_bytes,
    -- lastChangeAfter (append-rules.ts): a later second's time, else left as it is (and the row's update HOT).
    last_change_at = CASE WHEN EXCLUDED.last_change_at / 1000 > t.last_change_at / 1000 THEN EXCLUDED.last_change_at ELSE t.last_change_at END
  RETURNING t.id, t.name, t.last_seq, t.created_at, (t.xmax = 0) AS inserted
), ins AS (
  INSERT INTO updates (doc_id, seq, received_at, author, data)
  SELECT d.id, d.last_seq - e.back, e.received_at, e.author, e.data
  FROM unnest($6::int[], $7::bigint[], $8::bigint[], $9::text[], $10::bytea[]) AS e(doc, back, received_at, author, data)
  JOIN d ON d.name = ($1::text[])[e.doc]
)
SELECT d.name, d.last_seq,
  -- A document its writer holds ($11: its creation time), which the name no longer holds: the whole statement rolls back.
  CASE WHEN x.expected IS NOT NULL AND (d.inserted OR d.created_at <> x.expected) THEN refuse_append_to_replaced_document(d.name) END AS refused
FROM d JOIN unnest($1::text[], $11::bigint[]) AS x(name, expected) ON x.name = d.name`;

export async function openPostgresStore(options: PostgresStoreOptions): Promise<DocumentStore> {
  const where = `PostgreSQL store at ${redactUrl(options.url)}`;
  let pool: pg.Pool;
  try {
    pool = createPool(options);
  } catch (cause) {
    throw new PersistenceError('invalid-argument', `Cannot open ${where}: ${(cause as Error).message}`, undefined, { cause });
  }
  // An idle connection the server drops (a restart, a network cut) must not crash the process: the
  // pool replaces it, and the next query says what is wrong.
  pool.on('error', () => {});
  try {
    await withClient(pool, async (client) => {
      if (options.readOnly === true) await checkVersion(client);
      else await migrate(client, options.schema ?? DEFAULT_SCHEMA);
    });
  } catch (cause) {
    await pool.end().catch(() => {});
    throw new PersistenceError('read-failed', `Cannot open ${where}: ${(cause as Error).message}`, undefined, { cause });
  }
  // Locks get a connection of their own (it holds them while the work runs): never one the writes wait for.
  const locks = options.readOnly === true ? undefined : createDocumentLocks(createPool({ ...options, poolSize: 1, applicationName: `${options.applicationName ?? 'tandem'}-locks` }), options.schema ?? DEFAULT_SCHEMA);
  return new PostgresStore(pool, where, options.readOnly === true, locks);
}

async function checkVersion(client: pg.PoolClient): Promise<void> {
  const found = await client.query<{ version: number | null }>(
    `SELECT CASE WHEN to_regclass('tandem_migrations') IS NULL THEN NULL ELSE (SELECT max(version) FROM tandem_migrations) END AS version`,
  );
  const version = found.rows[0]?.version ?? null;
  if (version === null) throw new PersistenceError('not-found', 'it holds no Tandem store (start a server on it once to create one)');
  if (version !== SCHEMA_VERSION) {
    throw new Error(`its schema is at version ${version}, this version expects ${SCHEMA_VERSION}; start a server of this version once to upgrade it`);
  }
}

interface TrashRow {
  name: string;
  trashed_at: number;
  trashed_by: string;
}

const toTrashEntry = (r: TrashRow): TrashEntry => ({ doc: r.name, trashedAt: Number(r.trashed_at), trashedBy: r.trashed_by });

const POSTGRES_PAGES: PageDialect = {
  param: (params, value) => `$${params.push(value)}`,
  name: 'd.name COLLATE "C"',
  contains: (params, search) => `strpos(lower(d.name), lower(${POSTGRES_PAGES.param(params, search)}::text)) > 0`,
  inNames: (params, names) => `d.name = ANY(${POSTGRES_PAGES.param(params, names)}::text[])`,
  startsWith: (params, prefix) => `starts_with(d.name, ${POSTGRES_PAGES.param(params, prefix)}::text)`,
};

class PostgresStore implements DocumentStore {
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
    private readonly readOnly: boolean,
    private readonly locks?: DocumentLocks,
  ) {}

  async lockDocument(doc: string, waitMs: number): Promise<() => Promise<void>> {
    this.ensureOpen(doc);
    if (this.locks === undefined) throw new PersistenceError('invalid-argument', `${this.where} is read-only: it takes no locks`, doc);
    return this.locks.lock(doc, waitMs);
  }

  private ensureOpen(doc?: string): void {
    if (this.closed) throw new PersistenceError('closed', `${this.where} is closed`, doc);
  }

  async append(batch: readonly DocumentAppend[]): Promise<AppendResult[]> {
    return (await this.commit(batch)).results;
  }

  async commit(batch: readonly DocumentAppend[]): Promise<CommittedAppend> {
    this.ensureOpen();
    for (const item of batch) {
      assertDocName(item.doc);
      if (item.entries.length === 0) throw new PersistenceError('invalid-argument', 'An append needs at least one update', item.doc);
      checkEntries(item.doc, item.entries);
    }
    // One run per document, in name order (items naming one document twice are joined, in order).
    const runs = new Map<string, AppendEntry[]>();
    for (const item of batch) {
      const run = runs.get(item.doc);
      if (run === undefined) runs.set(item.doc, [...item.entries]);
      else run.push(...item.entries);
    }
    const names = [...runs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // Per document (in `names` order): first receive time, last, count, bytes; per entry: its document, place, time, author, bytes.
    const created: number[] = [];
    const expected: Array<number | null> = [];
    const lastAt: number[] = [];
    const counts: number[] = [];
    const sizes: number[] = [];
    const docIndex: number[] = [];
    const back: number[] = [];
    const times: number[] = [];
    const authors: string[] = [];
    const data: Buffer[] = [];
    names.forEach((name, i) => {
      const entries = runs.get(name)!;
      let bytes = 0;
      let last = entries[0]!.receivedAt;
      entries.forEach((e, j) => {
        bytes += e.update.byteLength;
        last = Math.max(last, e.receivedAt);
        docIndex.push(i + 1);
        back.push(entries.length - 1 - j);
        times.push(e.receivedAt);
        authors.push(e.author);
        data.push(toBuffer(e.update));
      });
      created.push(entries[0]!.receivedAt);
      expected.push(expectedCreation(name, entries) ?? null);
      lastAt.push(last);
      counts.push(entries.length);
      sizes.push(bytes);
    });
    const rows = await this.write(batch[0]?.doc, 'Appending updates', async () => {
      // A deadlock (two instances with batches that share documents) rolls the statement back whole: retry.
      for (let attempt = 1; ; attempt++) {
        try {
          return (
            await this.pool.query<{ name: string; last_seq: number }>({
              // Prepared once per connection: parsing and planning it cost PostgreSQL as much as running it.
              name: 'tandem_append',
              text: APPEND_SQL,
              values: [names, created, lastAt, counts, sizes, docIndex, back, times, authors, data, expected],
            })
          ).rows;
        } catch (error) {
          if ((error as { code?: string }).code !== SQLSTATE.deadlock || attempt >= 5) throw error;
        }
      }
    });
    const heads = new Map(rows.map((r) => [r.name, r.last_seq]));
    // Each item's seqs: its document's run started at head - run length + 1, items in batch order.
    const next = new Map(names.map((name) => [name, heads.get(name)! - runs.get(name)!.length + 1]));
    const results = batch.map(({ doc, entries }): AppendResult => {
      const firstSeq = next.get(doc)!;
      next.set(doc, firstSeq + entries.length);
      return { doc, firstSeq, lastSeq: firstSeq + entries.length - 1 };
    });
    return { results, flushed: Promise.resolve() };
  }

  async readUpdates(doc: string, range: ReadRange = {}): Promise<StoredUpdate[]> {
    this.ensureOpen(doc);
    const { afterSeq = 0, toSeq = MAX_SAFE, limit = MAX_SAFE } = range;
    if (limit <= 0) return [];
    const readAll = async (db: pg.Pool | pg.PoolClient) => {
      const out: StoredUpdate[] = [];
      for (let after = afterSeq; ; ) {
        const { updates, more } = await readChunk(db, doc, after, toSeq, Math.min(READ_CHUNK_ROWS, limit - out.length));
        for (const u of updates) out.push(u);
        if (!more || out.length >= limit) return out;
        after = updates.at(-1)!.seq;
      }
    };
    // A short read (a page of the timeline) in one query; anything that may take several (a room's
    // tail, a whole history) in one snapshot, so that a compaction meanwhile cannot show in half of it.
    return this.read(doc, 'Reading updates', () => (limit <= READ_CHUNK_ROWS ? readAll(this.pool) : this.snapshot(readAll)));
  }

  async measureUpdates(doc: string, range: { readonly afterSeq: number; readonly toSeq: number }): Promise<{ count: number; bytes: number }> {
    this.ensureOpen(doc);
    const { rows } = await this.read(doc, 'Measuring updates', () =>
      this.pool.query<{ count: string; bytes: string }>(
        `SELECT count(*) AS count, coalesce(sum(octet_length(u.data)), 0) AS bytes
         FROM updates u JOIN documents d ON d.id = u.doc_id WHERE d.name = $1 AND u.seq > $2 AND u.seq <= $3`,
        [doc, range.afterSeq, Math.min(range.toSeq, MAX_SAFE)],
      ),
    );
    return { count: Number(rows[0]?.count ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }

  async writeCheckpoint(doc: string, checkpoint: Checkpoint): Promise<void> {
    this.ensureOpen(doc);
    const row = await this.readDoc(doc);
    if (row === undefined || checkpoint.seq > row.last_seq || checkpoint.seq < 1) {
      throw new PersistenceError('invalid-argument', `Checkpoint seq ${checkpoint.seq} is outside the log (1..${row?.last_seq ?? 0})`, doc);
    }
    // Written only while the update at its seq exists, holding that row (a merge that would remove it
    // waits, then drops this checkpoint with the others inside its range); a seq merged away meanwhile
    // writes nothing: the checkpoint would describe a log that no longer exists.
    await this.write(doc, 'Writing checkpoint', () =>
      this.pool.query(
        `INSERT INTO checkpoints (doc_id, seq, created_at, state)
         SELECT doc_id, seq, $3, $4 FROM updates WHERE doc_id = $1 AND seq = $2 FOR SHARE
         ON CONFLICT (doc_id, seq) DO UPDATE SET created_at = EXCLUDED.created_at, state = EXCLUDED.state`,
        [row.id, checkpoint.seq, checkpoint.createdAt, toBuffer(checkpoint.state)],
      ),
    );
  }

  async latestCheckpoint(doc: string, atOrBeforeSeq = MAX_SAFE): Promise<Checkpoint | undefined> {
    this.ensureOpen(doc);
    const { rows } = await this.read(doc, 'Reading checkpoint', () =>
      this.pool.query<{ seq: number; created_at: number; state: Buffer }>(
        `SELECT c.seq, c.created_at, c.state FROM checkpoints c JOIN documents d ON d.id = c.doc_id
         WHERE d.name = $1 AND c.seq <= $2 ORDER BY c.seq DESC LIMIT 1`,
        [doc, atOrBeforeSeq],
      ),
    );
    const cp = rows[0];
    return cp && { seq: cp.seq, createdAt: cp.created_at, state: toBytes(cp.state) };
  }

  async getDocument(doc: string): Promise<DocumentInfo | undefined> {
    this.ensureOpen(doc);
    const row = await this.readDoc(doc);
    return row && toInfo(row);
  }

  async seqAt(doc: string, time: number): Promise<number> {
    this.ensureOpen(doc);
    const { rows } = await this.read(doc, 'Finding a seq by time', () =>
      this.pool.query<{ seq: number | null }>(
        'SELECT max(u.seq) AS seq FROM updates u JOIN documents d ON d.id = u.doc_id WHERE d.name = $1 AND u.received_at <= $2',
        [doc, time],
      ),
    );
    return rows[0]?.seq ?? 0;
  }

  async seqAtOrAfter(doc: string, seq: number): Promise<number | undefined> {
    this.ensureOpen(doc);
    const { rows } = await this.read(doc, 'Finding a seq', () =>
      this.pool.query<{ seq: number | null }>(
        'SELECT min(u.seq) AS seq FROM updates u JOIN documents d ON d.id = u.doc_id WHERE d.name = $1 AND u.seq >= $2',
        [doc, seq],
      ),
    );
    return rows[0]?.seq ?? undefined;
  }

  async createVersion(doc: string, version: Omit<NamedVersion, 'id'>): Promise<NamedVersion> {
    this.ensureOpen(doc);
    const row = await this.readDoc(doc);
    if (row === undefined || !Number.isSafeInteger(version.seq) || version.seq < 0 || version.seq > row.last_seq) {
      throw new PersistenceError('invalid-argument', `Version seq ${version.seq} is outside the log (0..${row?.last_seq ?? 0})`, doc);
    }
    // Under the document's lock, as compaction is: the seq looked up still exists when it is stored.
    return this.write(doc, 'Creating a version', () =>
      this.transaction(async (client) => {
        await lockDocument(client, row.id);
        let seq = version.seq;
        if (seq !== 0) {
          const found = await client.query<{ seq: number | null }>('SELECT min(seq) AS seq FROM updates WHERE doc_id = $1 AND seq >= $2', [row.id, seq]);
          seq = found.rows[0]?.seq ?? seq;
        }
        const { rows } = await client.query<VersionRow>(
          'INSERT INTO versions (doc_id, label, seq, author, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *',
          [row.id, version.label, seq, version.author, version.createdAt],
        );
        return toVersion(rows[0]!);
      }),
    );
  }

  async listVersions(doc: string): Promise<NamedVersion[]> {
    this.ensureOpen(doc);
    const { rows } = await this.read(doc, 'Listing versions', () =>
      this.pool.query<VersionRow>(
        'SELECT v.* FROM versions v JOIN documents d ON d.id = v.doc_id WHERE d.name = $1 ORDER BY v.seq, v.id',
        [doc],
      ),
    );
    return rows.map(toVersion);
  }

  async renameVersion(doc: string, id: number, label: string): Promise<NamedVersion | undefined> {
    this.ensureOpen(doc);
    if (!Number.isSafeInteger(id)) return undefined;
    const { rows } = await this.write(doc, 'Renaming a version', () =>
      this.pool.query<VersionRow>(
        'UPDATE versions v SET label = $1 FROM documents d WHERE v.id = $2 AND v.doc_id = d.id AND d.name = $3 RETURNING v.*',
        [label, id, doc],
      ),
    );
    return rows[0] && toVersion(rows[0]);
  }

  async deleteVersion(doc: string, id: number): Promise<boolean> {
    this.ensureOpen(doc);
    if (!Number.isSafeInteger(id)) return false;
    const result = await this.write(doc, 'Deleting a version', () =>
      this.pool.query('DELETE FROM versions v USING documents d WHERE v.id = $1 AND v.doc_id = d.id AND d.name = $2', [id, doc]),
    );
    return (result.rowCount ?? 0) > 0;
  }

  async recordRestore(doc: string, restore: RestoreRecord): Promise<void> {
    this.ensureOpen(doc);
    const result = await this.write(doc, 'Recording a restore', () =>
      this.pool.query(
        `INSERT INTO restores (doc_id, seq, restored_to, author, at, undone_by) SELECT d.id, $2, $3, $4, $5, $6 FROM documents d WHERE d.name = $1
         ON CONFLICT (doc_id, seq) DO UPDATE SET restored_to = EXCLUDED.restored_to, author = EXCLUDED.author, at = EXCLUDED.at, undone_by = EXCLUDED.undone_by`,
        [doc, restore.seq, restore.restoredTo, restore.author, restore.at, restore.undoneBy ?? null],
      ),
    );
    if ((result.rowCount ?? 0) === 0) throw new PersistenceError('not-found', `No document named ${JSON.stringify(doc)}`, doc);
  }

  async getRestore(doc: string, seq: number): Promise<RestoreRecord | undefined> {
    this.ensureOpen(doc);
    if (!Number.isSafeInteger(seq)) return undefined;
    const { rows } = await this.read(doc, 'Reading a restore', () =>
      this.pool.query<RestoreRow>(
        'SELECT r.seq, r.restored_to, r.author, r.at, r.undone_by FROM restores r JOIN documents d ON d.id = r.doc_id WHERE d.name = $1 AND r.seq = $2',
        [doc, seq],
      ),
    );
    const found = rows[0];
    return found === undefined ? undefined : toRestore(found);
  }

  async markRestoreUndone(doc: string, seq: number, to: number | undefined, from: number | undefined): Promise<boolean> {
    this.ensureOpen(doc);
    if (!Number.isSafeInteger(seq)) return false;
    const result = await this.write(doc, 'Marking a restore undone', () =>
      this.pool.query(
        `UPDATE restores r SET undone_by = $3::bigint FROM documents d
         WHERE d.id = r.doc_id AND d.name = $1 AND r.seq = $2 AND r.undone_by IS NOT DISTINCT FROM $4::bigint`,
        [doc, seq, to ?? null, from ?? null],
      ),
    );
    return (result.rowCount ?? 0) > 0;
  }

  async lastRestoreSeq(doc: string): Promise<number> {
    this.ensureOpen(doc);
    const { rows } = await this.read(doc, 'Reading the latest restore', () =>
      this.pool.query<{ seq: string | null }>('SELECT max(r.seq) AS seq FROM restores r JOIN documents d ON d.id = r.doc_id WHERE d.name = $1', [doc]),
    );
    return Number(rows[0]?.seq ?? 0);
  }

  async listRestores(doc: string): Promise<RestoreRecord[]> {
    this.ensureOpen(doc);
    const { rows } = await this.read(doc, 'Reading the restores', () =>
      this.pool.query<RestoreRow>(
        'SELECT r.seq, r.restored_to, r.author, r.at, r.undone_by FROM restores r JOIN documents d ON d.id = r.doc_id WHERE d.name = $1 ORDER BY r.seq',
        [doc],
      ),
    );
    return rows.map(toRestore);
  }

  async replaceRange(
    doc: string,
    fromSeq: number,
    toSeq: number,
    merged: MergedEntry,
    sessions: readonly CompactedSession[] = [],
    expectedUpdates?: number,
    expectedFirst?: Uint8Array,
  ): Promise<void> {
    this.ensureOpen(doc);
    if (merged.authorship !== undefined) checkMergedAuthorship(doc, merged.authorship);
    const row = await this.readDoc(doc);
    if (row === undefined || fromSeq < 1 || toSeq < fromSeq || toSeq > row.last_seq) {
      throw new PersistenceError('invalid-argument', `Range ${fromSeq}..${toSeq} is outside the log (1..${row?.last_seq ?? 0})`, doc);
    }
    const outside = sessions.find((s) => s.toSeq > toSeq || s.fromSeq > s.toSeq);
    if (outside !== undefined) {
      throw new PersistenceError('invalid-argument', `Session ${outside.fromSeq}..${outside.toSeq} does not end within ..${toSeq}`, doc);
    }
    const id = row.id;
    await this.write(doc, 'Compacting', () =>
      this.transaction(async (client) => {
        // Another instance's compaction, or a version being named, waits here; appends do not.
        await lockDocument(client, id);
        const named = (await client.query<VersionRow>('SELECT * FROM versions WHERE doc_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq LIMIT 1', [id, fromSeq, toSeq])).rows[0];
        if (named !== undefined) {
          throw new PersistenceError(
            'conflict',
            `Range ${fromSeq}..${toSeq} holds named version ${named.id} (${JSON.stringify(named.label)}) at seq ${named.seq}: merging it would lose that version`,
            doc,
          );
        }
        const before = (
          await client.query<{ n: number; bytes: number | null }>(
            'SELECT count(*)::bigint AS n, sum(length(data))::bigint AS bytes FROM updates WHERE doc_id = $1 AND seq BETWEEN $2 AND $3',
            [id, fromSeq, toSeq],
          )
        ).rows[0]!;
        if (expectedUpdates !== undefined && before.n !== expectedUpdates) {
          throw new PersistenceError(
            'conflict',
            `Range ${fromSeq}..${toSeq} holds ${before.n} updates, not the ${expectedUpdates} read: another compaction merged part of it`,
            doc,
          );
        }
        if (expectedFirst !== undefined) {
          const first = (await client.query<{ data: Buffer }>('SELECT data FROM updates WHERE doc_id = $1 AND seq = $2', [id, fromSeq])).rows[0];
          if (first === undefined || !toBuffer(expectedFirst).equals(first.data)) {
            throw new PersistenceError(
              'conflict',
              `Range ${fromSeq}..${toSeq} no longer starts with the update read at seq ${fromSeq}: another compaction merged it with the updates before it`,
              doc,
            );
          }
        }
        if (before.n === 0) throw new Error(`no updates in ${fromSeq}..${toSeq}`);
        await client.query('DELETE FROM updates WHERE doc_id = $1 AND seq BETWEEN $2 AND $3', [id, fromSeq, toSeq]);
        await client.query('INSERT INTO updates (doc_id, seq, received_at, author, data) VALUES ($1, $2, $3, $4, $5)', [
          id,
          toSeq,
          merged.receivedAt,
          merged.author,
          toBuffer(merged.update),
        ]);
        await client.query('DELETE FROM checkpoints WHERE doc_id = $1 AND seq >= $2 AND seq < $3', [id, fromSeq, toSeq]);
        await client.query('UPDATE documents SET update_count = update_count - $1, size_bytes = size_bytes - $2 WHERE id = $3', [
          before.n - 1,
          (before.bytes ?? 0) - merged.update.byteLength,
          id,
        ]);
        await client.query('DELETE FROM compacted_sessions WHERE doc_id = $1 AND entry_seq BETWEEN $2 AND $3', [id, fromSeq, toSeq]);
        if (sessions.length > 0) {
          const column = <K extends keyof CompactedSession>(key: K) => sessions.map((s) => s[key]);
          await client.query(
            `INSERT INTO compacted_sessions (doc_id, entry_seq, from_seq, to_seq, author, started_at, ended_at, updates, added, removed)
             SELECT $1, $2, * FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])`,
            [id, toSeq, column('fromSeq'), column('toSeq'), column('author'), column('startedAt'), column('endedAt'), column('updates'), column('added'), column('removed')],
          );
        }
        await client.query('DELETE FROM merged_authorship WHERE doc_id = $1 AND entry_seq BETWEEN $2 AND $3', [id, fromSeq, toSeq]);
        if (merged.authorship !== undefined) {
          await client.query('INSERT INTO merged_authorship (doc_id, entry_seq, data) VALUES ($1, $2, $3)', [id, toSeq, authorshipData(merged.authorship)]);
        }
      }),
    );
  }

  async readCompactedSessions(doc: string, range: ReadRange & { readonly endingAfter?: number } = {}): Promise<StoredCompactedSession[]> {
    this.ensureOpen(doc);
    const { afterSeq = 0, toSeq = MAX_SAFE, endingAfter = -1, limit } = range;
    const { rows } = await this.read(doc, 'Reading compacted sessions', () =>
      this.pool.query<SessionRow>(
        `SELECT s.* FROM compacted_sessions s JOIN documents d ON d.id = s.doc_id
         WHERE d.name = $1 AND s.entry_seq > $2 AND s.entry_seq <= $3 AND s.to_seq > $4
         ORDER BY s.entry_seq, s.from_seq LIMIT $5`,
        [doc, afterSeq, toSeq, endingAfter, limit ?? null],
      ),
    );
    return rows.map(toSession);
  }

  async readMergedAuthorship(doc: string, range: ReadRange = {}): Promise<StoredMergedAuthorship[]> {
    this.ensureOpen(doc);
    const { afterSeq = 0, toSeq = MAX_SAFE } = range;
    const { rows } = await this.read(doc, 'Reading merged authorship', () =>
      this.pool.query<AuthorshipRow>(
        `SELECT a.entry_seq, a.data FROM merged_authorship a JOIN documents d ON d.id = a.doc_id
         WHERE d.name = $1 AND a.entry_seq > $2 AND a.entry_seq <= $3 ORDER BY a.entry_seq`,
        [doc, afterSeq, toSeq],
      ),
    );
    return rows.map(toMergedAuthorship);
  }

  async importMergedAuthorship(doc: string, rows: readonly StoredMergedAuthorship[]): Promise<number> {
    this.ensureOpen(doc);
    const row = await this.readDoc(doc);
    if (row === undefined) throw new PersistenceError('invalid-argument', 'Merged authorship can only be imported into a document that exists', doc);
    for (const a of rows) checkMergedAuthorship(doc, a);
    if (rows.length === 0) return 0;
    return this.write(doc, 'Importing merged authorship', () =>
      this.transaction(async (client) => {
        await lockDocument(client, row.id);
        const stored = await client.query<AuthorshipRow>('SELECT entry_seq, data FROM merged_authorship WHERE doc_id = $1 AND entry_seq = ANY($2::bigint[])', [
          row.id,
          rows.map((a) => a.entrySeq),
        ]);
        const existing = new Map(stored.rows.map((r) => [Number(r.entry_seq), toMergedAuthorship(r)]));
        let count = 0;
        for (const a of rows) {
          const found = existing.get(a.entrySeq);
          if (found !== undefined) {
            if (!sameAuthorship(found, a)) throw authorshipConflict(doc, a.entrySeq);
            continue;
          }
          await client.query('INSERT INTO merged_authorship (doc_id, entry_seq, data) VALUES ($1, $2, $3)', [row.id, a.entrySeq, authorshipData(a)]);
          existing.set(a.entrySeq, a);
          count += 1;
        }
        return count;
      }),
    );
  }

  async importUpdates(
    doc: string,
    updates: readonly StoredUpdate[],
    document: { readonly createdAt?: number; readonly lastChangeAt?: number } = {},
  ): Promise<number> {
    this.ensureOpen(doc);
    assertDocName(doc);
    checkImportSeqs(doc, updates);
    if (updates.length === 0) return 0;
    const first = updates[0]!.seq;
    const last = updates.at(-1)!.seq;
    return this.write(doc, 'Importing updates', () =>
      this.transaction(async (client) => {
        const createdAt = document.createdAt ?? updates[0]!.receivedAt;
        // Created, or locked as an append locks it: appends and imports of this document take turns.
        const { rows } = await client.query<{ id: number }>(
          `INSERT INTO documents AS t (name, created_at, last_change_at) VALUES ($1, $2, $3)
           ON CONFLICT (name) DO UPDATE SET name = t.name RETURNING t.id`,
          [doc, createdAt, document.lastChangeAt ?? createdAt],
        );
        const id = rows[0]!.id;
        const stored = await client.query<[number, number, string, Buffer]>({
          text: 'SELECT seq, received_at, author, data FROM updates WHERE doc_id = $1 AND seq BETWEEN $2 AND $3',
          values: [id, first, last],
          rowMode: 'array',
        });
        const existing = new Map(stored.rows.map((r) => [r[0], r]));
        const seqs: number[] = [];
        const times: number[] = [];
        const authors: string[] = [];
        const data: Buffer[] = [];
        let bytes = 0;
        let latest = 0;
        for (const u of updates) {
          const row = existing.get(u.seq);
          if (row !== undefined) {
            if (row[1] !== u.receivedAt || row[2] !== u.author || !toBuffer(u.update).equals(row[3])) throw importConflict(doc, u.seq);
            continue;
          }
          seqs.push(u.seq);
          times.push(u.receivedAt);
          authors.push(u.author);
          data.push(toBuffer(u.update));
          bytes += u.update.byteLength;
          latest = Math.max(latest, u.receivedAt);
        }
        if (seqs.length > 0) {
          await client.query(
            `INSERT INTO updates (doc_id, seq, received_at, author, data)
             SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::bytea[])`,
            [id, seqs, times, authors, data],
          );
        }
        const lastAt = document.lastChangeAt === undefined ? latest : lastChangeAfter(document.lastChangeAt, latest); // as the source had it
        await client.query(
          `UPDATE documents SET last_seq = greatest(last_seq, $2), update_count = update_count + $3, size_bytes = size_bytes + $4,
           last_change_at = greatest(last_change_at, $5) WHERE id = $1`,
          [id, last, seqs.length, bytes, lastAt],
        );
        return seqs.length;
      }),
    );
  }

  async importVersions(doc: string, versions: readonly Omit<NamedVersion, 'id'>[]): Promise<number> {
    this.ensureOpen(doc);
    const row = await this.readDoc(doc);
    if (row === undefined) throw new PersistenceError('invalid-argument', 'Versions can only be imported into a document that exists', doc);
    const outside = versions.find((v) => !Number.isSafeInteger(v.seq) || v.seq < 0 || v.seq > row.last_seq);
    if (outside !== undefined) throw new PersistenceError('invalid-argument', `Version seq ${outside.seq} is outside the log (0..${row.last_seq})`, doc);
    return this.write(doc, 'Importing versions', () =>
      this.transaction(async (client) => {
        await lockDocument(client, row.id);
        const stored = (await client.query<VersionRow>('SELECT * FROM versions WHERE doc_id = $1', [row.id])).rows.map(toVersion);
        const missing = missingVersions(stored, versions);
        if (missing.length > 0) {
          const column = <K extends keyof Omit<NamedVersion, 'id'>>(key: K) => missing.map((v) => v[key]);
          await client.query(
            `INSERT INTO versions (doc_id, label, seq, author, created_at)
             SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::bigint[])`,
            [row.id, column('label'), column('seq'), column('author'), column('createdAt')],
          );
        }
        return missing.length;
      }),
    );
  }

  async importCompactedSessions(doc: string, sessions: readonly StoredCompactedSession[]): Promise<number> {
    this.ensureOpen(doc);
    const row = await this.readDoc(doc);
    if (row === undefined) throw new PersistenceError('invalid-argument', 'Sessions can only be imported into a document that exists', doc);
    if (sessions.length === 0) return 0;
    return this.write(doc, 'Importing compacted sessions', () =>
      this.transaction(async (client) => {
        await lockDocument(client, row.id);
        const stored = await client.query<SessionRow>('SELECT * FROM compacted_sessions WHERE doc_id = $1 AND entry_seq = ANY($2::bigint[])', [
          row.id,
          [...new Set(sessions.map((s) => s.entrySeq))],
        ]);
        const existing = new Map(stored.rows.map((r) => [`${r.entry_seq}:${r.from_seq}`, toSession(r)]));
        const missing = sessions.filter((s) => {
          const found = existing.get(`${s.entrySeq}:${s.fromSeq}`);
          if (found !== undefined && !sameSession(found, s)) throw sessionConflict(doc, s);
          return found === undefined;
        });
        if (missing.length > 0) {
          const column = <K extends keyof StoredCompactedSession>(key: K) => missing.map((s) => s[key]);
          await client.query(
            `INSERT INTO compacted_sessions (doc_id, entry_seq, from_seq, to_seq, author, started_at, ended_at, updates, added, removed)
             SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])`,
            [row.id, column('entrySeq'), column('fromSeq'), column('toSeq'), column('author'), column('startedAt'), column('endedAt'), column('updates'), column('added'), column('removed')],
          );
        }
        return missing.length;
      }),
    );
  }

  async trashDocument(doc: string, entry: { readonly at: number; readonly by: string }): Promise<boolean> {
    this.ensureOpen(doc);
    const { rowCount } = await this.write(doc, 'Moving a document to the trash', () =>
      this.pool.query(
        'INSERT INTO trash (doc_id, trashed_at, trashed_by) SELECT id, $1, $2 FROM documents WHERE name = $3 ON CONFLICT (doc_id) DO NOTHING',
        [entry.at, entry.by, doc],
      ),
    );
    return (rowCount ?? 0) > 0;
  }

  async untrashDocument(doc: string): Promise<boolean> {
    this.ensureOpen(doc);
    const { rowCount } = await this.write(doc, 'Taking a document out of the trash', () =>
      this.pool.query('DELETE FROM trash WHERE doc_id = (SELECT id FROM documents WHERE name = $1)', [doc]),
    );
    return (rowCount ?? 0) > 0;
  }

  async inTrash(doc: string): Promise<TrashEntry | undefined> {
    this.ensureOpen(doc);
    const { rows } = await this.read(doc, 'Reading the trash', () =>
      this.pool.query<TrashRow>('SELECT d.name, t.trashed_at, t.trashed_by FROM trash t JOIN documents d ON d.id = t.doc_id WHERE d.name = $1', [doc]),
    );
    return rows[0] && toTrashEntry(rows[0]);
  }

  async listTrash(query?: TrashQuery): Promise<TrashEntry[]> {
    this.ensureOpen();
    const built = trashListSql(POSTGRES_PAGES, query);
    if (built === undefined) return [];
    const { rows } = await this.read(undefined, 'Reading the trash', () => this.pool.query<TrashRow>(built.sql, built.params));
    return rows.map(toTrashEntry);
  }

  async purgeDocument(doc: string, only?: PurgeCondition): Promise<boolean> {
    this.ensureOpen(doc);
    return this.write(doc, 'Purging a document', () =>
      this.transaction(async (client) => {
        // The row's lock first: appends to it (which take it) wait, and then find no document to append to.
        const found = await client.query<{ id: number }>('SELECT id FROM documents WHERE name = $1 FOR UPDATE', [doc]);
        const id = found.rows[0]?.id;
        if (id === undefined) return false;
        if (only !== undefined) {
          // Under the row's lock: taking it out of the trash (or trashing it again) waits, or came first.
          const entry = (await client.query<{ trashed_at: number }>('SELECT trashed_at FROM trash WHERE doc_id = $1 FOR UPDATE', [id])).rows[0];
          if (entry === undefined || (only.trashedAt !== undefined && entry.trashed_at !== only.trashedAt)) return false;
        }
        await lockDocument(client, id); // no compaction or named version half-way through it
        for (const table of ['trash', 'redirects', 'restores', 'compacted_sessions', 'merged_authorship', 'versions', 'checkpoints', 'updates']) {
          await client.query(`DELETE FROM ${table} WHERE doc_id = $1`, [id]);
        }
        await client.query('DELETE FROM documents WHERE id = $1', [id]);
        // Share links name their document: revoked (not deleted, so tokens minted from them are refused
        // too), or they would open whichever document is next given that name.
        await client.query('UPDATE share_links SET revoked_at = coalesce(revoked_at, $1::bigint) WHERE doc = $2', [Date.now(), doc]);
        // Its queued document.changed events go (tried or not: they name seqs of a log that is gone, and
        // the name may soon be another document's), and so do its debounce marks (a new document of that
        // name starts its ranges at seq 1). Its other events stay: they happened, and are delivered.
        await client.query('DELETE FROM webhook_deliveries WHERE doc = $1 AND type = $2', [doc, CHANGES_EVENT]);
        await client.query('UPDATE webhook_deliveries SET merge_key = NULL WHERE merge_key = $1', [doc]);
        await client.query('DELETE FROM webhook_marks WHERE merge_key = $1', [doc]);
        return true;
      }),
    );
  }

  async renameDocument(from: string, to: string, at: number): Promise<void> {
    this.ensureOpen(from);
    checkRename(from, to, at);
    await this.write(from, 'Renaming a document', () =>
      this.transaction(async (client) => {
        // The row's lock first: appends to it wait, then find it under its new name (and the old one free).
        const found = await client.query<{ id: number }>('SELECT id FROM documents WHERE name = $1 FOR UPDATE', [from]);
        const id = found.rows[0]?.id;
        if (id === undefined) throw new PersistenceError('not-found', `No document named ${JSON.stringify(from)} to rename`, from);
        if (from === to) throw new PersistenceError('conflict', `${JSON.stringify(from)} has that name already`, from);
        const taken = () => new PersistenceError('conflict', `A document named ${JSON.stringify(to)} exists (perhaps in the trash)`, from);
        if ((await client.query('SELECT 1 FROM documents WHERE name = $1', [to])).rowCount !== 0) throw taken();
        await lockDocument(client, id); // no compaction or named version half-way through it
        // Every other table keys the document by its row id: they follow the row.
        await client.query('DELETE FROM redirects WHERE name = $1', [to]);
        try {
          await client.query('UPDATE documents SET name = $1 WHERE id = $2', [to, id]);
        } catch (error) {
          // Created meanwhile by another writer (an append on another instance).
          if ((error as { code?: string }).code === SQLSTATE.uniqueViolation) throw taken();
          throw error;
        }
        await client.query('INSERT INTO redirects (name, doc_id, renamed_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [from, id, at]);
        // Pending webhook deliveries go with the document; the outbox keys a document's debounce by its name.
        // A purged document's events still queued under the new name stop taking merges.
        await client.query('UPDATE webhook_deliveries SET merge_key = NULL WHERE merge_key = $1', [to]);
        await client.query('DELETE FROM webhook_marks WHERE merge_key = $1', [to]);
        await client.query('UPDATE webhook_deliveries SET doc = $1 WHERE doc = $2', [to, from]);
        await client.query('UPDATE webhook_deliveries SET merge_key = $1 WHERE merge_key = $2', [to, from]);
        await client.query('UPDATE webhook_marks SET merge_key = $1 WHERE merge_key = $2', [to, from]);
        // Share links name their document: they go with it (tokens minted from them follow the redirect).
        await client.query('UPDATE share_links SET doc = $1 WHERE doc = $2', [to, from]);
      }),
    );
  }

  async resolveRedirect(name: string): Promise<string | undefined> {
    this.ensureOpen(name);
    const { rows } = await this.read(name, 'Reading redirects', () =>
      this.pool.query<{ name: string }>({
        name: 'tandem_redirect',
        text: 'SELECT d.name FROM redirects r JOIN documents d ON d.id = r.doc_id WHERE r.name = $1',
        values: [name],
      }),
    );
    return rows[0]?.name;
  }

  async getRedirect(name: string): Promise<Redirect | undefined> {
    this.ensureOpen(name);
    const { rows } = await this.read(name, 'Reading a redirect', () =>
      this.pool.query<RedirectRow>(
        'SELECT r.name AS from_name, d.name AS to_name, r.renamed_at FROM redirects r JOIN documents d ON d.id = r.doc_id WHERE r.name = $1',
        [name],
      ),
    );
    return rows[0] === undefined ? undefined : toRedirect(rows[0]);
  }

  async removeRedirect(name: string): Promise<boolean> {
    this.ensureOpen(name);
    const { rowCount } = await this.write(name, 'Removing a redirect', () => this.pool.query('DELETE FROM redirects WHERE name = $1', [name]));
    return (rowCount ?? 0) > 0;
  }

  async listRedirects(): Promise<Redirect[]> {
    this.ensureOpen();
    const { rows } = await this.read(undefined, 'Reading redirects', () =>
      this.pool.query<RedirectRow>(
        'SELECT r.name AS from_name, d.name AS to_name, r.renamed_at FROM redirects r JOIN documents d ON d.id = r.doc_id ORDER BY r.name',
      ),
    );
    return rows.map(toRedirect);
  }

  async importRedirects(redirects: readonly Redirect[]): Promise<number> {
    this.ensureOpen();
    checkRedirects(redirects);
    if (redirects.length === 0) return 0;
    return this.write(undefined, 'Importing redirects', () =>
      this.transaction(async (client) => {
        let count = 0;
        for (const r of redirects) {
          const { rowCount } = await client.query(
            `INSERT INTO redirects (name, doc_id, renamed_at)
             SELECT $1, d.id, $3 FROM documents d WHERE d.name = $2 AND NOT EXISTS (SELECT 1 FROM documents WHERE name = $1)
             ON CONFLICT (name) DO NOTHING`,
            [r.from, r.to, r.renamedAt],
          );
          count += rowCount ?? 0;
        }
        return count;
      }),
    );
  }

  async recordAuthors(sightings: readonly AuthorSighting[]): Promise<void> {
    this.ensureOpen();
    await this.writeAuthors('Recording authors', foldSightings(sightings));
  }

  async listAuthors(ids: readonly string[]): Promise<AuthorRecord[]> {
    this.ensureOpen();
    if (ids.length === 0) return [];
    const { rows } = await this.read(undefined, 'Reading authors', () =>
      this.pool.query<AuthorRow>('SELECT * FROM authors WHERE id = ANY($1::text[])', [[...ids]]),
    );
    return rows.map(toAuthor);
  }

  async importAuthors(records: readonly AuthorRecord[]): Promise<number> {
    this.ensureOpen();
    return this.writeAuthors('Importing authors', checkAuthorRecords(records));
  }

  /**
   * Reads what is held of `incoming`, folds it in (author-rules.ts) and writes back, under a lock every
   * instance takes to write authors: each new author's number, hence colour, is its own.
   */
  private async writeAuthors(what: string, incoming: readonly AuthorFold[]): Promise<number> {
    if (incoming.length === 0) return 0;
    return this.write(undefined, what, () =>
      this.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, AUTHORS_LOCK_KEY]);
        const held = await client.query<AuthorRow>('SELECT * FROM authors WHERE id = ANY($1::text[])', [incoming.map((a) => a.id)]);
        const known = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM authors');
        const { rows, inserted } = planAuthors(held.rows.map(toAuthor), incoming, known.rows[0]!.n);
        if (rows.length > 0) {
          const column = <K extends keyof AuthorRecord>(key: K) => rows.map((r) => r[key]);
          await client.query(
            `INSERT INTO authors AS a (id, name, color, verified, first_seen, last_seen)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::bigint[], $6::bigint[])
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, verified = EXCLUDED.verified,
               first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen`,
            [column('id'), column('name'), column('color'), column('verified'), column('firstSeen'), column('lastSeen')],
          );
        }
        return inserted;
      }),
    );
  }

  async enqueueWebhooks(deliveries: readonly NewWebhookDelivery[]): Promise<void> {
    this.ensureOpen();
    checkDeliveries(deliveries);
    if (deliveries.length === 0) return;
    await this.write(undefined, 'Queueing webhooks', () =>
      this.transaction(async (client) => {
        const now = Date.now();
        // Debounced ones in a fixed order: two instances queueing the same documents take their locks alike.
        const ordered = [...deliveries].sort((a, b) => (a.mergeKey === undefined ? 0 : 1) - (b.mergeKey === undefined ? 0 : 1) || `${a.target}\n${a.mergeKey}`.localeCompare(`${b.target}\n${b.mergeKey}`));
        for (const d of ordered) {
          if (d.mergeKey === undefined) {
            await client.query(
              `INSERT INTO webhook_deliveries (event_id, target, type, doc, occurred_at, due_at, data, merge_key, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)`,
              [d.eventId, d.target, d.type, d.doc, d.occurredAt, d.dueAt, JSON.stringify(d.data), now],
            );
            continue;
          }
          // Instances debouncing the same document take turns (till commit): each sees the other's row and mark.
          await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [WEBHOOK_LOCK_NAMESPACE, `${d.target}\n${d.mergeKey}`]);
          const held = await client.query<{ id: string; data: string; occurred_at: string }>(
            // FOR UPDATE: a claim taking this row meanwhile (merge_key := NULL) is waited for, and then the
            // row no longer matches; without it, changes merged into a row already being sent would be lost.
            'SELECT id, data, occurred_at FROM webhook_deliveries WHERE target = $1 AND merge_key = $2 FOR UPDATE',
            [d.target, d.mergeKey],
          );
          const mark = await client.query<{ seq: string }>('SELECT seq FROM webhook_marks WHERE target = $1 AND merge_key = $2', [d.target, d.mergeKey]);
          const row = held.rows[0];
          const plan = planChange(row?.data, mark.rows[0] === undefined ? undefined : Number(mark.rows[0].seq), d);
          if (plan.kind === 'skip') continue;
          if (plan.kind === 'merge') {
            await client.query('UPDATE webhook_deliveries SET data = $1, occurred_at = $2 WHERE id = $3', [plan.data, Math.max(Number(row!.occurred_at), d.occurredAt), row!.id]);
          } else {
            await client.query(
              `INSERT INTO webhook_deliveries (event_id, target, type, doc, occurred_at, due_at, data, merge_key, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
              [d.eventId, d.target, d.type, d.doc, d.occurredAt, d.dueAt, plan.data, d.mergeKey, now],
            );
          }
          await client.query(
            `INSERT INTO webhook_marks (target, merge_key, seq) VALUES ($1, $2, $3)
             ON CONFLICT (target, merge_key) DO UPDATE SET seq = GREATEST(webhook_marks.seq, EXCLUDED.seq)`,
            [d.target, d.mergeKey, plan.mark],
          );
        }
      }),
    );
  }

  async claimWebhooks(now: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]> {
    this.ensureOpen();
    // SKIP LOCKED: two instances claiming at once take different rows; the lease keeps a row theirs
    // after the claim's transaction ends, while they send it.
    const { rows } = await this.write(undefined, 'Claiming webhooks', () =>
      this.pool.query<WebhookRow>(
        `UPDATE webhook_deliveries SET lease_until = $2, merge_key = NULL
         WHERE id IN (SELECT id FROM webhook_deliveries
                      WHERE due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
                      ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [now, now + leaseMs, limit],
      ),
    );
    return rows.map(toWebhook).sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
  }

  async renameWebhookTarget(from: string, to: string): Promise<void> {
    this.ensureOpen();
    if (from === to) return;
    await this.write(undefined, 'Renaming a webhook target', () =>
      this.transaction(async (client) => {
        // Rows and marks of both names are locked first: an instance queueing under either waits for this.
        await client.query('SELECT id FROM webhook_deliveries WHERE target = ANY($1) FOR UPDATE', [[from, to]]);
        await client.query('SELECT seq FROM webhook_marks WHERE target = ANY($1) FOR UPDATE', [[from, to]]);
        // Two pending debounced deliveries of one document cannot share a name and key: the moved one is no
        // longer merged into (it is sent as it is).
        await client.query(
          `UPDATE webhook_deliveries SET merge_key = NULL WHERE target = $1 AND merge_key IN
             (SELECT merge_key FROM webhook_deliveries WHERE target = $2 AND merge_key IS NOT NULL)`,
          [from, to],
        );
        await client.query('UPDATE webhook_deliveries SET target = $1 WHERE target = $2', [to, from]);
        await client.query(
          `INSERT INTO webhook_marks (target, merge_key, seq) SELECT $1, merge_key, seq FROM webhook_marks WHERE target = $2
           ON CONFLICT (target, merge_key) DO UPDATE SET seq = GREATEST(webhook_marks.seq, EXCLUDED.seq)`,
          [to, from],
        );
        await client.query('DELETE FROM webhook_marks WHERE target = $1', [from]);
      }),
    );
  }

  async deleteWebhook(id: number): Promise<void> {
    this.ensureOpen();
    await this.write(undefined, 'Removing a webhook delivery', () => this.pool.query('DELETE FROM webhook_deliveries WHERE id = $1', [id]));
  }

  async rescheduleWebhook(id: number, dueAt: number, attempts: number, lastError?: string): Promise<void> {
    this.ensureOpen();
    await this.write(undefined, 'Rescheduling a webhook delivery', () =>
      this.pool.query('UPDATE webhook_deliveries SET due_at = $1, attempts = $2, last_error = $3, lease_until = NULL WHERE id = $4', [
        dueAt,
        attempts,
        lastError ?? null,
        id,
      ]),
    );
  }

  async countWebhooks(): Promise<number> {
    this.ensureOpen();
    const { rows } = await this.read(undefined, 'Counting webhook deliveries', () =>
      this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries'),
    );
    return rows[0]!.n;
  }

  async revoke(revocation: Revocation): Promise<Revocation> {
    this.ensureOpen();
    const r = checkRevocation(revocation);
    const row = await this.write(undefined, 'Revoking', () =>
      this.transaction(async (client) => {
        const { rows } = await client.query<RevocationRow>(revokeSql(['$1', '$2', '$3::bigint', '$4::bigint', '$5'], 'GREATEST'), [r.kind, r.value, r.until, r.createdAt, r.reason]);
        const stored = rows[0]!;
        if (stored.kind === 'user') await client.query(revokeLinksOfUserSql('$1::bigint', '$2'), [stored.created_at, stored.value]);
        if (stored.kind === 'token') await client.query(revokeLinksOfTokenSql('$1::bigint', '$2'), [stored.created_at, stored.value]);
        return stored;
      }),
    );
    return toRevocation(row);
  }

  async listRevocations(now: number): Promise<Revocation[]> {
    this.ensureOpen();
    const { rows } = await this.read(undefined, 'Reading revocations', () =>
      this.pool.query<RevocationRow>({
        name: 'tandem_revocations',
        text: 'SELECT * FROM revocations WHERE until IS NULL OR until > $1 ORDER BY created_at, kind, value',
        values: [now],
      }),
    );
    return rows.map(toRevocation);
  }

  async forgetRevocations(now: number): Promise<number> {
    this.ensureOpen();
    const { rowCount } = await this.write(undefined, 'Forgetting revocations', () =>
      this.pool.query('DELETE FROM revocations WHERE until IS NOT NULL AND until <= $1', [now]),
    );
    return rowCount ?? 0;
  }

  async createShareLink(link: ShareLink): Promise<ShareLink> {
    this.ensureOpen();
    const l = checkShareLink(link);
    const { rows } = await this.write(undefined, 'Creating a share link', () =>
      this.pool.query<ShareLinkRow>(
        `INSERT INTO share_links (${SHARE_LINK_COLUMNS}) VALUES ($1, $2, $3, $4, $5::bigint, $6::bigint, $7::bigint, $8) ON CONFLICT (id) DO NOTHING RETURNING ${SHARE_LINK_COLUMNS}`,
        [l.id, l.doc, l.role, l.createdBy, l.createdAt, l.expiresAt, l.revokedAt, l.createdByToken ?? null],
      ),
    );
    if (rows[0] === undefined) throw new PersistenceError('conflict', `A share link ${JSON.stringify(l.id)} exists`, l.doc);
    return toShareLink(rows[0]);
  }

  async getShareLink(id: string): Promise<ShareLink | undefined> {
    this.ensureOpen();
    const { rows } = await this.read(undefined, 'Reading a share link', () =>
      this.pool.query<ShareLinkRow>(`SELECT ${SHARE_LINK_COLUMNS} FROM share_links WHERE id = $1`, [id]),
    );
    return rows[0] === undefined ? undefined : toShareLink(rows[0]);
  }

  async listShareLinks(doc: string, now: number): Promise<ShareLink[]> {
    this.ensureOpen();
    const { rows } = await this.read(doc, 'Listing share links', () =>
      this.pool.query<ShareLinkRow>(`SELECT ${SHARE_LINK_COLUMNS} FROM share_links WHERE doc = $1 AND expires_at > $2 ORDER BY created_at DESC, id`, [doc, now]),
    );
    return rows.map(toShareLink);
  }

  async revokeShareLink(doc: string, id: string, at: number): Promise<ShareLink | undefined> {
    this.ensureOpen();
    const { rows } = await this.write(doc, 'Revoking a share link', () =>
      this.pool.query<ShareLinkRow>(
        `UPDATE share_links SET revoked_at = coalesce(revoked_at, $1::bigint) WHERE id = $2 AND doc = $3 RETURNING ${SHARE_LINK_COLUMNS}`,
        [at, id, doc],
      ),
    );
    return rows[0] === undefined ? undefined : toShareLink(rows[0]);
  }

  async listRevokedShareLinks(now: number): Promise<string[]> {
    this.ensureOpen();
    const { rows } = await this.read(undefined, 'Reading revoked share links', () =>
      this.pool.query<{ id: string }>({
        name: 'tandem_revoked_share_links',
        text: 'SELECT id FROM share_links WHERE revoked_at IS NOT NULL AND expires_at > $1 ORDER BY id',
        values: [now],
      }),
    );
    return rows.map((r) => r.id);
  }

  async countShareLinksBy(createdBy: string, now: number): Promise<ShareLinkCount> {
    this.ensureOpen();
    const { rows } = await this.read(undefined, 'Counting share links', () =>
      this.pool.query<{ count: string; first: string | null }>(
        'SELECT count(*) AS count, min(expires_at) AS first FROM share_links WHERE created_by = $1 AND expires_at > $2',
        [createdBy, now],
      ),
    );
    const row = rows[0];
    return { count: Number(row?.count ?? 0), firstExpiresAt: row?.first == null ? null : Number(row.first) };
  }

  async listDocuments(): Promise<DocumentInfo[]> {
    this.ensureOpen();
    const { rows } = await this.read(undefined, 'Listing documents', () =>
      this.pool.query<DocumentRow>('SELECT * FROM documents ORDER BY name COLLATE "C"'),
    );
    return rows.map(toInfo);
  }

  async listDocumentPage(query: DocumentPageQuery): Promise<DocumentPage> {
    this.ensureOpen();
    const built = documentPageSql(POSTGRES_PAGES, query);
    if (built === undefined) return { documents: [], next: null };
    const { rows } = await this.read(undefined, 'Listing documents', () => this.pool.query<DocumentPageRow>(built.sql, built.params));
    return toDocumentPage(rows, query.limit);
  }

  async checkHealth(): Promise<void> {
    this.ensureOpen();
    try {
      const { rows } = await this.pool.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery');
      if (rows[0]?.recovery === true && !this.readOnly) throw new Error('the database is a read-only standby');
    } catch (cause) {
      throw new PersistenceError('read-failed', `${this.where} is not usable: ${(cause as Error).message}`, undefined, { cause });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.locks?.close();
    await this.pool.end();
  }

  private async readDoc(doc: string): Promise<DocumentRow | undefined> {
    const { rows } = await this.read(doc, 'Reading document', () => this.pool.query<DocumentRow>({ name: 'tandem_document', text: 'SELECT * FROM documents WHERE name = $1', values: [doc] }));
    return rows[0];
  }

  /** Runs `work` on one connection, in a read-only transaction that sees one snapshot of the log. */
  private snapshot<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work);
  }

  /** Runs `work` in a transaction on one connection of the pool. */
  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN', work);
  }

  private async inTransaction<T>(begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withClient(this.pool, async (client, discard) => {
      try {
        await client.query(begin);
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection whose rollback failed is in an unknown state: the pool drops it.
        await client.query('ROLLBACK').catch(discard);
        throw error;
      }
    });
  }

  private async read<T>(doc: string | undefined, what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (cause) {
      if (cause instanceof PersistenceError) throw cause;
      throw new PersistenceError('read-failed', `${what} failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  private async write<T>(doc: string | undefined, what: string, run: () => Promise<T>): Promise<T> {
    if (this.readOnly) throw new PersistenceError('write-failed', `${what} refused: ${this.where} is open read-only`, doc);
    try {
      return await run();
    } catch (cause) {
      if (cause instanceof PersistenceError) throw cause;
      const code = (cause as { code?: string }).code;
      if (code === DOCUMENT_REPLACED) {
        const name = /^(.*) no longer holds /s.exec((cause as Error).message)?.[1] ?? doc ?? '';
        // Renamed away: said as such (where it went), as for a writer that holds no creation time.
        const to = await this.resolveRedirect(name).catch(() => undefined);
        throw to === undefined ? documentReplaced(name) : renamedAway(name, to);
      }
      if (code === RENAMED_AWAY) {
        const name = /^(.*) was renamed: /s.exec((cause as Error).message)?.[1] ?? doc ?? '';
        throw renamedAway(name, await this.resolveRedirect(name).catch(() => undefined));
      }
      if (code === SQLSTATE.diskFull) throw new PersistenceError('insufficient-storage', `${what} failed: the database's disk is full`, doc, { cause });
      if (code === SQLSTATE.serialization) throw new PersistenceError('busy', `${what} failed: ${(cause as Error).message}`, doc, { cause });
      throw new PersistenceError('write-failed', `${what} failed: ${(cause as Error).message}`, doc, { cause });
    }
  }
}

/** Updates read per query, and the payload bytes one query returns at most (past its first update). */
const READ_CHUNK_ROWS = 20_000;
const READ_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Up to `limit` updates after `afterSeq` (fewer past READ_CHUNK_BYTES), as one row: JSON arrays of
 * the small columns and the payloads concatenated into one bytea. Row by row, the driver's per-row
 * work costs more than PostgreSQL's (about 4× on a 250 000-update log). `more`: the log may go on.
 */
async function readChunk(
  db: pg.Pool | pg.PoolClient,
  doc: string,
  afterSeq: number,
  toSeq: number,
  limit: number,
): Promise<{ updates: StoredUpdate[]; more: boolean }> {
  const { rows } = await db.query<{ seqs: number[] | null; times: number[]; authors: string[]; lengths: number[]; data: Buffer; listed: number }>(
    // The window sums the bytes before each update as the primary key's index hands rows over in seq
    // order, and the LIMIT stops the scan. The aggregates take no ORDER BY (each would sort again):
    // they all see the same rows in the same order, in practice the scan's; the reader sorts if not.
    `WITH listed AS (
       SELECT seq, received_at, author, data, sum(length(data)) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) - length(data) AS before
       FROM updates WHERE doc_id = (SELECT id FROM documents WHERE name = $1) AND seq > $2 AND seq <= $3
       ORDER BY seq LIMIT $4
     )
     SELECT json_agg(seq) AS seqs, json_agg(received_at) AS times, json_agg(author) AS authors, json_agg(length(data)) AS lengths,
            string_agg(data, ''::bytea) AS data, (SELECT count(*) FROM listed) AS listed
     FROM listed WHERE before = 0 OR before < $5`,
    [doc, afterSeq, toSeq, limit, READ_CHUNK_BYTES],
  );
  const { seqs, times, authors, lengths, data, listed } = rows[0]!;
  if (seqs === null) return { updates: [], more: false };
  const updates: StoredUpdate[] = new Array(seqs.length);
  for (let i = 0, offset = 0; i < seqs.length; offset += lengths[i]!, i++) {
    updates[i] = { seq: seqs[i]!, receivedAt: times[i]!, author: authors[i]!, update: new Uint8Array(data.buffer, data.byteOffset + offset, lengths[i]!) };
  }
  if (!updates.every((u, i) => i === 0 || u.seq > updates[i - 1]!.seq)) updates.sort((x, y) => x.seq - y.seq);
  // Cut short by bytes, or as many as asked for: there may be more.
  return { updates, more: seqs.length < listed || seqs.length === limit };
}

/** Serializes writers that change what others read of one document (see the top of this file). */
async function lockDocument(client: pg.PoolClient, docId: number): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, docId | 0]);
}
