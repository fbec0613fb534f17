// The embedded default store: one SQLite database file (WAL, flushed to disk before a write resolves)
// in the data directory.

import { accessSync, constants, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assertDocName } from '../../doc-name.js';
import { PersistenceError, renamedAway } from '../../errors.js';
import type {
  TrashEntry,
  PurgeCondition,
  Redirect,
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
  MergedEntry,
  StoredCompactedSession,
  StoredMergedAuthorship,
  StoredUpdate,
} from '../../types.js';
import { type AuthorshipRow, authorshipData, type DocumentRow, type SessionRow, toBuffer, toBytes, toInfo, toMergedAuthorship, toSession, toVersion, type VersionRow } from '../rows.js';
import { checkEntries, documentReplaced, expectedCreation, lastChangeAfter } from '../append-rules.js';
import { authorshipConflict, checkImportSeqs, checkMergedAuthorship, importConflict, missingVersions, sameAuthorship, sameSession, sessionConflict } from '../import-rules.js';
import { checkAuthorRecords, foldSightings } from '../author-rules.js';
import { AuthorTable } from './author-table.js';
import { TrashTable } from './trash-table.js';
import { RedirectTable } from './redirect-table.js';
import { checkRedirects, checkRename } from '../redirect-rules.js';
import { WebhookTable } from './webhook-table.js';
import { checkDeliveries } from '../webhook-rules.js';
import { checkRevocation, type RevocationRow, revokeSql, toRevocation } from '../revocation-rules.js';
import { checkShareLink, revokeLinksOfTokenSql, revokeLinksOfUserSql, SHARE_LINK_COLUMNS, type ShareLinkRow, toShareLink } from '../share-link-rules.js';
import { type RestoreRow, toRestore } from '../restore-row.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { type DocumentPageRow, documentPageSql, type PageDialect, toDocumentPage } from '../document-page.js';
import { trashListSql } from '../trash-list.js';
import { FreeSpace } from './free-space.js';
import { type OpenForSync, WalSync } from './wal-sync.js';
import { scanWal, type WalScan } from './wal-scan.js';
import { type Checkpointer, takeOverCheckpoints, type WalCheckpointOptions } from './checkpointer.js';

export interface SqliteStoreOptions {
  /** Directory that holds the database file; created if missing. */
  readonly dataDir: string;
  /** Database file name inside dataDir. Default `tandem.sqlite`. */
  readonly fileName?: string;
  /**
   * `full` (default) fsyncs every commit, so an acknowledged update survives power loss;
   * `normal` survives a process crash but may lose the last commits on power loss.
   */
  readonly synchronous?: 'full' | 'normal';
  /**
   * Open an existing store for reading only (the CLI's reading commands beside a running server):
   * no schema changes, no writes, never a write lock the server would wait for.
   */
  readonly readOnly?: boolean;
  /**
   * Writes that grow the store are refused (code `insufficient-storage`) while the data directory's
   * filesystem has less free space than this many bytes; 0 or unset turns the floor off.
   */
  readonly minFreeBytes?: number;
  /** How the WAL is opened for flushing; tests pass one whose flush fails, as a failing disk's would. */
  readonly openForSync?: OpenForSync;
  /** Who checkpoints the WAL into the database file: a thread of its own by default (see checkpointer.ts). */
  readonly walCheckpoints?: WalCheckpointOptions;
  /**
   * Told, before the store opens, when SQLite is about to ignore complete commits of the WAL (a frame
   * before them fails its checksum: see wal-scan.ts). The WAL was copied to `keptAs` first.
   */
  readonly onWalIgnored?: (report: WalIgnored) => void;
}

/** Complete commits of a WAL that SQLite ignores on open, and where a copy of that WAL was kept. */
export interface WalIgnored extends WalScan {
  readonly wal: string;
  readonly keptAs: string;
}

interface UpdateChunkRow {
  seqs: string;
  times: string;
  authors: string;
  lengths: string;
  hex: string | null;
}

function noop(): void {}

const isRising = (list: readonly number[]) => list.every((n, i) => i === 0 || n > list[i - 1]!);

/** Bytes of update payloads read per query (one row holds them twice, as hex). */
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

interface CheckpointRow {
  seq: number;
  created_at: number;
  state: Buffer;
}

export const DEFAULT_DB_FILE = 'tandem.sqlite';

export function sqliteStorePath(options: SqliteStoreOptions): string {
  return path.join(options.dataDir, options.fileName ?? DEFAULT_DB_FILE);
}

export function openSqliteStore(options: SqliteStoreOptions): DocumentStore {
  const file = sqliteStorePath(options);
  if (options.readOnly === true) return new SqliteStore(openReadOnly(file), file, undefined, new FreeSpace(options.dataDir, 0));
  let db: Database.Database;
  let checkpointer: Checkpointer | undefined;
  try {
    mkdirSync(options.dataDir, { recursive: true });
    keepIgnoredWal(file, options.onWalIgnored);
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    // Always NORMAL inside SQLite: with `full`, the store flushes the WAL itself (see wal-sync.ts).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    // Off the event loop: no commit of this connection checkpoints the WAL (see checkpointer.ts).
    checkpointer = takeOverCheckpoints(db, file, options.walCheckpoints);
  } catch (cause) {
    throw new PersistenceError('read-failed', `Cannot open SQLite store at ${file}: ${(cause as Error).message}`, undefined, { cause });
  }
  const wal = options.synchronous === 'normal' ? undefined : new WalSync(`${file}-wal`, options.openForSync);
  return new SqliteStore(db, file, wal, new FreeSpace(options.dataDir, options.minFreeBytes ?? 0), checkpointer);
}

/**
 * Before SQLite opens `file`: if its WAL holds complete commits SQLite will ignore (past a frame that
 * fails its checksum), copies the WAL beside it (`<wal>.ignored-<time>`), so that nothing of it is lost
 * when SQLite starts writing over it, and reports it.
 */
function keepIgnoredWal(file: string, report: SqliteStoreOptions['onWalIgnored']): void {
  const wal = `${file}-wal`;
  const scan = scanWal(wal);
  if (scan === undefined || scan.ignoredCommits === 0) return;
  const keptAs = `${wal}.ignored-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  copyFileSync(wal, keptAs, constants.COPYFILE_EXCL);
  // Without a listener (the CLI's commands), on stderr.
  if (report !== undefined) report({ ...scan, wal, keptAs });
  else {
    process.emitWarning(`SQLite ignores ${scan.ignoredCommits} complete commit(s) of ${wal} past a damaged frame; the log was kept as ${keptAs}`, {
      code: 'TANDEM_WAL_IGNORED',
    });
  }
}

/**
 * Why the store file cannot be read, or undefined if it can: not-found when there is none, read-failed
 * naming the reason otherwise. existsSync says false for a directory this user may not enter, which
 * read as "No store at …" to someone who ran a command as the wrong user.
 */
export function storeFileProblem(file: string): PersistenceError | undefined {
  try {
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return new PersistenceError('not-found', `No store at ${file}`, undefined, { cause });
    const why = code === 'EACCES' || code === 'EPERM' ? `permission denied (${code}): run as the user that owns the data directory` : (cause as Error).message;
    return new PersistenceError('read-failed', `Cannot read the store at ${file}: ${why}`, undefined, { cause });
  }
}

function openReadOnly(file: string): Database.Database {
  const problem = storeFileProblem(file);
  if (problem !== undefined) throw problem;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    if (checkSchemaVersion(db) !== SCHEMA_VERSION) {
      throw new Error(`its schema (version ${db.pragma('user_version', { simple: true })}) is older than this version's; start the server once to upgrade it`);
    }
    return db;
  } catch (cause) {
    throw new PersistenceError('read-failed', `Cannot open SQLite store at ${file}: ${(cause as Error).message}`, undefined, { cause });
  }
}

/** Applies the migrations the store lacks (see schema.ts); writes nothing to a store that is up to date. */
function migrate(db: Database.Database): void {
  if (checkSchemaVersion(db) === SCHEMA_VERSION) return;
  db.transaction(() => {
    // Read again under the write lock: another process may have upgraded the store meanwhile.
    const version = checkSchemaVersion(db);
    for (const m of MIGRATIONS) {
      if (m.version <= version) continue;
      for (const [table, column, type] of m.columns ?? []) {
        const has = (db.pragma(`table_info(${table})`) as Array<{ name: string }>).some((c) => c.name === column);
        if (!has) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
      }
      db.exec(m.sql);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function checkSchemaVersion(db: Database.Database): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`database schema version ${version} is newer than this server understands (${SCHEMA_VERSION})`);
  }
  return version;
}

const SQLITE_PAGES: PageDialect = {
  param: (params, value) => (params.push(value), '?'),
  name: 'd.name',
  contains: (params, search) => `instr(tandem_fold(d.name), ${SQLITE_PAGES.param(params, search.toLowerCase())}) > 0`,
  inNames: (params, names) => `d.name IN (SELECT value FROM json_each(${SQLITE_PAGES.param(params, JSON.stringify(names))}))`,
  startsWith: (params, prefix) => `instr(d.name, ${SQLITE_PAGES.param(params, prefix)}) = 1`,
};

class SqliteStore implements DocumentStore {
  private closed = false;
  /** Set once the disk lost or may have lost a write: every later write is refused until a restart. */
  private failure: unknown;
  private readonly stmt;
  private readonly appendTx;
  private readonly authors: AuthorTable;
  private readonly trashTable: TrashTable;
  private readonly redirects: RedirectTable;
  private readonly webhooks: WebhookTable;
  private readonly revocationStmt;
  private readonly shareLinkStmt;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    /** Flushes committed writes to disk; undefined with synchronous `normal`. */
    private readonly wal: WalSync | undefined,
    private readonly space: FreeSpace,
    /** Checkpoints the WAL on its own thread; undefined when read-only or SQLite checkpoints inline. */
    private readonly checkpointer?: Checkpointer,
  ) {
    // Search folds case with JavaScript's rules (SQLite's own lower() knows only ASCII); no index uses it.
    db.function('tandem_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text));
    this.stmt = {
      docByName: db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE name = ?'),
      insertDoc: db.prepare<[string, number, number], DocumentRow>(
        'INSERT INTO documents (name, created_at, last_change_at) VALUES (?, ?, ?) RETURNING *',
      ),
      insertUpdate: db.prepare<[number, number, number, string, Buffer]>(
        'INSERT INTO updates (doc_id, seq, received_at, author, data) VALUES (?, ?, ?, ?, ?)',
      ),
      bumpDoc: db.prepare<[number, number, number, number, number]>(
        `UPDATE documents SET last_seq = ?, update_count = update_count + ?, size_bytes = size_bytes + ?,
         last_change_at = ? WHERE id = ?`,
      ),
      // Its last change time left as it is (see lastChangeAfter), and with it the document list's index.
      bumpDocKeepTime: db.prepare<[number, number, number, number]>(
        'UPDATE documents SET last_seq = ?, update_count = update_count + ?, size_bytes = size_bytes + ? WHERE id = ?',
      ),
      // Reading a long log row by row costs more in per-row overhead than in SQLite; so a range is
      // first sized, then read in chunks of a few MiB, each as one row of JSON arrays and one hex string.
      // All aggregates of a query see the rows in the same order (the subquery's, in practice; the
      // reader sorts if not), which keeps the arrays and the hex string aligned.
      updateSizes: db.prepare<[number, number, number, number], { seqs: string; lengths: string }>(
        `SELECT json_group_array(seq) AS seqs, json_group_array(length(data)) AS lengths
         FROM (SELECT seq, data FROM updates WHERE doc_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?)`,
      ),
      updateChunk: db.prepare<[number, number, number], UpdateChunkRow>(
        `SELECT json_group_array(seq) AS seqs, json_group_array(received_at) AS times, json_group_array(author) AS authors,
           json_group_array(length(data)) AS lengths, group_concat(hex(data), '') AS hex
         FROM (SELECT seq, received_at, author, data FROM updates WHERE doc_id = ? AND seq > ? AND seq <= ? ORDER BY seq)`,
      ),
      insertCheckpoint: db.prepare<[number, Buffer, number, number]>(
        // Only while the update at its seq exists: a seq merged away (by another process's compaction,
        // after the state was taken) writes nothing, as on PostgreSQL.
        `INSERT OR REPLACE INTO checkpoints (doc_id, seq, created_at, state)
         SELECT doc_id, seq, ?, ? FROM updates WHERE doc_id = ? AND seq = ?`,
      ),
      latestCheckpoint: db.prepare<[number, number], CheckpointRow>(
        'SELECT seq, created_at, state FROM checkpoints WHERE doc_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1',
      ),
      listDocs: db.prepare<[], DocumentRow>('SELECT * FROM documents ORDER BY name'),
      seqAt: db.prepare<[number, number], { seq: number | null }>(
        'SELECT max(seq) AS seq FROM updates WHERE doc_id = ? AND received_at <= ?',
      ),
      seqAtOrAfter: db.prepare<[number, number], { seq: number | null }>('SELECT min(seq) AS seq FROM updates WHERE doc_id = ? AND seq >= ?'),
      versionInside: db.prepare<[number, number, number], VersionRow>('SELECT * FROM versions WHERE doc_id = ? AND seq >= ? AND seq < ? ORDER BY seq LIMIT 1'),
      insertVersion: db.prepare<[number, string, number, string, number], VersionRow>(
        'INSERT INTO versions (doc_id, label, seq, author, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *',
      ),
      listVersions: db.prepare<[number], VersionRow>('SELECT * FROM versions WHERE doc_id = ? ORDER BY seq, id'),
      renameVersion: db.prepare<[string, number, number], VersionRow>(
        'UPDATE versions SET label = ? WHERE id = ? AND doc_id = ? RETURNING *',
      ),
      deleteVersion: db.prepare<[number, number]>('DELETE FROM versions WHERE id = ? AND doc_id = ?'),
      insertRestore: db.prepare<[number, number, number, string, number, number | null]>(
        'INSERT OR REPLACE INTO restores (doc_id, seq, restored_to, author, at, undone_by) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      lastRestore: db.prepare<[number], { seq: number | null }>('SELECT max(seq) AS seq FROM restores WHERE doc_id = ?'),
      getRestore: db.prepare<[number, number], RestoreRow>(
        'SELECT seq, restored_to, author, at, undone_by FROM restores WHERE doc_id = ? AND seq = ?',
      ),
      markRestoreUndone: db.prepare<[number | null, number, number, number | null]>(
        'UPDATE restores SET undone_by = ? WHERE doc_id = ? AND seq = ? AND undone_by IS ?',
      ),
      listRestores: db.prepare<[number], RestoreRow>(
        'SELECT seq, restored_to, author, at, undone_by FROM restores WHERE doc_id = ? ORDER BY seq',
      ),
      rangeStats: db.prepare<[number, number, number], { n: number; bytes: number | null }>(
        'SELECT count(*) AS n, sum(length(data)) AS bytes FROM updates WHERE doc_id = ? AND seq BETWEEN ? AND ?',
      ),
      deleteRange: db.prepare<[number, number, number]>('DELETE FROM updates WHERE doc_id = ? AND seq BETWEEN ? AND ?'),
      deleteCheckpoints: db.prepare<[number, number, number]>('DELETE FROM checkpoints WHERE doc_id = ? AND seq >= ? AND seq < ?'),
      shrinkDoc: db.prepare<[number, number, number]>(
        'UPDATE documents SET update_count = update_count - ?, size_bytes = size_bytes - ? WHERE id = ?',
      ),
      deleteSessions: db.prepare<[number, number, number]>('DELETE FROM compacted_sessions WHERE doc_id = ? AND entry_seq BETWEEN ? AND ?'),
      insertSession: db.prepare<[number, number, number, number, string, number, number, number, number, number]>(
        `INSERT INTO compacted_sessions (doc_id, entry_seq, from_seq, to_seq, author, started_at, ended_at, updates, added, removed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      readSessions: db.prepare<[number, number, number, number, number], SessionRow>(
        `SELECT * FROM compacted_sessions WHERE doc_id = ? AND entry_seq > ? AND entry_seq <= ? AND to_seq > ?
         ORDER BY entry_seq, from_seq LIMIT ?`,
      ),
      health: db.prepare('SELECT count(*) AS n FROM documents'),
      updateAt: db.prepare<[number, number], { received_at: number; author: string; data: Buffer }>(
        'SELECT received_at, author, data FROM updates WHERE doc_id = ? AND seq = ?',
      ),
      raiseDoc: db.prepare<[number, number, number, number, number]>(
        `UPDATE documents SET last_seq = max(last_seq, ?), update_count = update_count + ?, size_bytes = size_bytes + ?,
         last_change_at = max(last_change_at, ?) WHERE id = ?`,
      ),
      sessionAt: db.prepare<[number, number, number], SessionRow>('SELECT * FROM compacted_sessions WHERE doc_id = ? AND entry_seq = ? AND from_seq = ?'),
      deleteAuthorship: db.prepare<[number, number, number]>('DELETE FROM merged_authorship WHERE doc_id = ? AND entry_seq BETWEEN ? AND ?'),
      insertAuthorship: db.prepare<[number, number, string]>('INSERT INTO merged_authorship (doc_id, entry_seq, data) VALUES (?, ?, ?)'),
      readAuthorship: db.prepare<[number, number, number], AuthorshipRow>(
        'SELECT entry_seq, data FROM merged_authorship WHERE doc_id = ? AND entry_seq > ? AND entry_seq <= ? ORDER BY entry_seq',
      ),
      authorshipAt: db.prepare<[number, number], AuthorshipRow>('SELECT entry_seq, data FROM merged_authorship WHERE doc_id = ? AND entry_seq = ?'),
    };
    this.revocationStmt = {
      revoke: db.prepare<[string, string, number | null, number, string], RevocationRow>(revokeSql(['?', '?', '?', '?', '?'], 'max')),
      revocationsInForce: db.prepare<[number], RevocationRow>(
        'SELECT * FROM revocations WHERE until IS NULL OR until > ? ORDER BY created_at, kind, value',
      ),
      forgetRevocations: db.prepare<[number]>('DELETE FROM revocations WHERE until IS NOT NULL AND until <= ?'),
      revokeLinksOf: db.prepare<{ at: number; user: string }>(revokeLinksOfUserSql('@at', '@user')),
      revokeLinksOfToken: db.prepare<{ at: number; token: string }>(revokeLinksOfTokenSql('@at', '@token')),
    };
    this.shareLinkStmt = {
      insert: db.prepare<[string, string, string, string, number, number, number | null, string | null], ShareLinkRow>(
        `INSERT INTO share_links (${SHARE_LINK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING ${SHARE_LINK_COLUMNS}`,
      ),
      get: db.prepare<[string], ShareLinkRow>(`SELECT ${SHARE_LINK_COLUMNS} FROM share_links WHERE id = ?`),
      ofDoc: db.prepare<[string, number], ShareLinkRow>(
        `SELECT ${SHARE_LINK_COLUMNS} FROM share_links WHERE doc = ? AND expires_at > ? ORDER BY created_at DESC, id`,
      ),
      revoke: db.prepare<[number, string, string], ShareLinkRow>(
        `UPDATE share_links SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND doc = ? RETURNING ${SHARE_LINK_COLUMNS}`,
      ),
      revoked: db.prepare<[number], { id: string }>('SELECT id FROM share_links WHERE revoked_at IS NOT NULL AND expires_at > ? ORDER BY id'),
      countBy: db.prepare<[string, number], { count: number; first: number | null }>(
        'SELECT count(*) AS count, min(expires_at) AS first FROM share_links WHERE created_by = ? AND expires_at > ?',
      ),
    };
    this.authors = new AuthorTable(db);
    this.trashTable = new TrashTable(db);
    this.redirects = new RedirectTable(db);
    this.webhooks = new WebhookTable(db);
    this.appendTx = db.transaction((batch: readonly DocumentAppend[]): AppendResult[] =>
      batch.map((item) => this.appendOne(item)),
    );
  }

  /**
   * A new document's row. Not at a renamed document's old name: a writer that missed the rename (a
   * restore built meanwhile) would start a document there that the redirect hides. Taking the name
   * back (PUT) removes the redirect first.
   */
  private insertDoc(doc: string, createdAt: number): DocumentRow | undefined {
    const to = this.redirects.resolve(doc);
    if (to !== undefined) throw renamedAway(doc, to);
    return this.stmt.insertDoc.get(doc, createdAt, createdAt);
  }

  private appendOne({ doc, entries }: DocumentAppend): AppendResult {
    const createdAt = entries[0]!.receivedAt;
    const expected = expectedCreation(doc, entries);
    const held = this.stmt.docByName.get(doc);
    if (expected !== undefined && held?.created_at !== expected) {
      // Renamed away: said as such (where it went), as for a writer that holds no creation time.
      const to = held === undefined ? this.redirects.resolve(doc) : undefined;
      throw to === undefined ? documentReplaced(doc) : renamedAway(doc, to);
    }
    const row = held ?? this.insertDoc(doc, createdAt);
    if (row === undefined) throw new PersistenceError('write-failed', 'Document row was not created', doc);
    let seq = row.last_seq;
    let bytes = 0;
    let latest = 0;
    for (const entry of entries) {
      seq += 1;
      bytes += entry.update.byteLength;
      latest = Math.max(latest, entry.receivedAt);
      this.stmt.insertUpdate.run(row.id, seq, entry.receivedAt, entry.author, toBuffer(entry.update));
    }
    // A row this append made holds its first update's time: it takes the latest.
    const lastAt = held === undefined ? Math.max(row.last_change_at, latest) : lastChangeAfter(row.last_change_at, latest);
    if (lastAt === row.last_change_at) this.stmt.bumpDocKeepTime.run(seq, entries.length, bytes, row.id);
    else this.stmt.bumpDoc.run(seq, entries.length, bytes, lastAt, row.id);
    return { doc, firstSeq: row.last_seq + 1, lastSeq: seq };
  }

  private ensureOpen(doc?: string): void {
    if (this.closed) throw new PersistenceError('closed', `SQLite store ${this.file} is closed`, doc);
  }

  async append(batch: readonly DocumentAppend[]): Promise<AppendResult[]> {
    const { results, flushed } = await this.commit(batch);
    await flushed;
    return results;
  }

  async commit(batch: readonly DocumentAppend[]): Promise<CommittedAppend> {
    this.ensureOpen();
    for (const item of batch) {
      assertDocName(item.doc);
      if (item.entries.length === 0) {
        throw new PersistenceError('invalid-argument', 'An append needs at least one update', item.doc);
      }
      checkEntries(item.doc, item.entries);
    }
    // Now and then a writer at full speed waits a moment (the event loop does not) for the WAL
    // checkpointer to catch up, so that the WAL can be rewound: see checkpointer.ts.
    const gate = this.checkpointer?.gate();
    if (gate !== undefined) {
      await gate;
      this.ensureOpen();
    }
    // The transaction commits its WAL frames to the file (a killed process keeps them); the flush
    // that makes them survive a power cut runs on the thread pool, shared with every commit made
    // before it starts (see wal-sync.ts).
    const results = this.write(batch[0]?.doc, 'Appending updates', () => this.appendTx(batch));
    const flushed = this.flushed(batch[0]?.doc);
    flushed.catch(noop); // the caller may not wait for it; the failure is recorded in `failure`
    return { results, flushed };
  }

  /** Resolves once committed writes are on disk (at once with synchronous `normal`). */
  private async flushed(doc: string | undefined): Promise<void> {
    if (this.wal === undefined) return;
    try {
      await this.wal.sync();
    } catch (cause) {
      // Every write that waited on this flush fails with it, and so does every later one (see
      // wal-sync.ts): what is on disk is unknown until the process restarts.
      this.failure ??= cause;
      throw new PersistenceError('write-failed', `Flushing the write-ahead log failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  async readUpdates(doc: string, range: ReadRange = {}): Promise<StoredUpdate[]> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) return [];
    try {
      // One read transaction: the sizing and every chunk see the same log.
      return this.db.transaction(() => this.readChunked(row.id, range))();
    } catch (cause) {
      throw new PersistenceError('read-failed', `Reading updates failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  async measureUpdates(doc: string, range: { readonly afterSeq: number; readonly toSeq: number }): Promise<{ count: number; bytes: number }> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) return { count: 0, bytes: 0 };
    try {
      // length() of a blob reads its size from the record header, not its bytes.
      return this.db
        .prepare<[number, number, number], { count: number; bytes: number }>(
          'SELECT count(*) AS count, coalesce(sum(length(data)), 0) AS bytes FROM updates WHERE doc_id = ? AND seq > ? AND seq <= ?',
        )
        .get(row.id, range.afterSeq, range.toSeq)!;
    } catch (cause) {
      throw new PersistenceError('read-failed', `Measuring updates failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  /** The updates of `range`, read in chunks of about READ_CHUNK_BYTES. */
  private readChunked(docId: number, range: ReadRange): StoredUpdate[] {
    const sizes = this.stmt.updateSizes.get(docId, range.afterSeq ?? 0, range.toSeq ?? Number.MAX_SAFE_INTEGER, range.limit ?? -1)!;
    const seqs = JSON.parse(sizes.seqs) as number[];
    const lengths = JSON.parse(sizes.lengths) as number[];
    if (!isRising(seqs)) {
      const order = seqs.map((_, i) => i).sort((a, b) => seqs[a]! - seqs[b]!);
      const [sortedSeqs, sortedLengths] = [order.map((i) => seqs[i]!), order.map((i) => lengths[i]!)];
      for (let i = 0; i < order.length; i++) (seqs[i] = sortedSeqs[i]!), (lengths[i] = sortedLengths[i]!);
    }
    const out: StoredUpdate[] = [];
    for (let first = 0; first < seqs.length; ) {
      let last = first;
      for (let bytes = lengths[first]!; last + 1 < seqs.length && bytes + lengths[last + 1]! <= READ_CHUNK_BYTES; ) bytes += lengths[++last]!;
      const chunk = this.stmt.updateChunk.get(docId, first === 0 ? (range.afterSeq ?? 0) : seqs[first - 1]!, seqs[last]!)!;
      const [chunkSeqs, times, authors, chunkLengths] = [chunk.seqs, chunk.times, chunk.authors, chunk.lengths].map((j) => JSON.parse(j)) as [
        number[],
        number[],
        string[],
        number[],
      ];
      const data = Buffer.from(chunk.hex ?? '', 'hex');
      const read: StoredUpdate[] = [];
      for (let i = 0, offset = 0; i < chunkSeqs.length; offset += chunkLengths[i]!, i++) {
        const update = new Uint8Array(data.buffer, data.byteOffset + offset, chunkLengths[i]!);
        read.push({ seq: chunkSeqs[i]!, receivedAt: times[i]!, author: authors[i]!, update });
      }
      if (!isRising(chunkSeqs)) read.sort((a, b) => a.seq - b.seq);
      for (const u of read) out.push(u);
      first = last + 1;
    }
    return out;
  }

  async writeCheckpoint(doc: string, checkpoint: Checkpoint): Promise<void> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined || checkpoint.seq > row.last_seq || checkpoint.seq < 1) {
      throw new PersistenceError('invalid-argument', `Checkpoint seq ${checkpoint.seq} is outside the log (1..${row?.last_seq ?? 0})`, doc);
    }
    this.write(doc, 'Writing checkpoint', () =>
      this.stmt.insertCheckpoint.run(checkpoint.createdAt, toBuffer(checkpoint.state), row.id, checkpoint.seq),
    );
    await this.flushed(doc);
  }

  async latestCheckpoint(doc: string, atOrBeforeSeq = Number.MAX_SAFE_INTEGER): Promise<Checkpoint | undefined> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) return undefined;
    try {
      const cp = this.stmt.latestCheckpoint.get(row.id, atOrBeforeSeq);
      return cp && { seq: cp.seq, createdAt: cp.created_at, state: toBytes(cp.state) };
    } catch (cause) {
      throw new PersistenceError('read-failed', `Reading checkpoint failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  async getDocument(doc: string): Promise<DocumentInfo | undefined> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    return row && toInfo(row);
  }

  async seqAt(doc: string, time: number): Promise<number> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) return 0;
    return this.stmt.seqAt.get(row.id, time)?.seq ?? 0;
  }

  async seqAtOrAfter(doc: string, seq: number): Promise<number | undefined> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) return undefined;
    return this.stmt.seqAtOrAfter.get(row.id, seq)?.seq ?? undefined;
  }

  async createVersion(doc: string, version: Omit<NamedVersion, 'id'>): Promise<NamedVersion> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined || !Number.isSafeInteger(version.seq) || version.seq < 0 || version.seq > row.last_seq) {
      throw new PersistenceError('invalid-argument', `Version seq ${version.seq} is outside the log (0..${row?.last_seq ?? 0})`, doc);
    }
    // Looked up and inserted in one write transaction, so that no merge (replaceRange checks the
    // versions in its own) can come between: the version's seq always exists in the log.
    const created = this.write(doc, 'Creating a version', () =>
      this.db.transaction(() => {
        const seq = version.seq === 0 ? 0 : (this.stmt.seqAtOrAfter.get(row.id, version.seq)?.seq ?? version.seq);
        return toVersion(this.stmt.insertVersion.get(row.id, version.label, seq, version.author, version.createdAt)!);
      }).immediate(),
    );
    await this.flushed(doc);
    return created;
  }

  async listVersions(doc: string): Promise<NamedVersion[]> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    return row === undefined ? [] : this.stmt.listVersions.all(row.id).map(toVersion);
  }

  async renameVersion(doc: string, id: number, label: string): Promise<NamedVersion | undefined> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) return undefined;
    const updated = this.write(doc, 'Renaming a version', () => this.stmt.renameVersion.get(label, id, row.id));
    await this.flushed(doc);
    return updated && toVersion(updated);
  }

  async deleteVersion(doc: string, id: number): Promise<boolean> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) return false;
    const deleted = this.write(doc, 'Deleting a version', () => this.stmt.deleteVersion.run(id, row.id).changes > 0, false);
    await this.flushed(doc);
    return deleted;
  }

  async recordRestore(doc: string, restore: RestoreRecord): Promise<void> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) throw new PersistenceError('not-found', `No document named ${JSON.stringify(doc)}`, doc);
    this.write(doc, 'Recording a restore', () => this.stmt.insertRestore.run(row.id, restore.seq, restore.restoredTo, restore.author, restore.at, restore.undoneBy ?? null));
    await this.flushed(doc);
  }

  async getRestore(doc: string, seq: number): Promise<RestoreRecord | undefined> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    const found = row === undefined ? undefined : this.stmt.getRestore.get(row.id, seq);
    return found === undefined ? undefined : toRestore(found);
  }

  async markRestoreUndone(doc: string, seq: number, to: number | undefined, from: number | undefined): Promise<boolean> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined || !Number.isSafeInteger(seq)) return false;
    const changed = this.write(doc, 'Marking a restore undone', () => this.stmt.markRestoreUndone.run(to ?? null, row.id, seq, from ?? null).changes > 0, false);
    await this.flushed(doc);
    return changed;
  }

  async lastRestoreSeq(doc: string): Promise<number> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    return row === undefined ? 0 : (this.stmt.lastRestore.get(row.id)?.seq ?? 0);
  }

  async listRestores(doc: string): Promise<RestoreRecord[]> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) return [];
    return this.stmt.listRestores.all(row.id).map(toRestore);
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
    const row = this.readDoc(doc);
    if (row === undefined || fromSeq < 1 || toSeq < fromSeq || toSeq > row.last_seq) {
      throw new PersistenceError('invalid-argument', `Range ${fromSeq}..${toSeq} is outside the log (1..${row?.last_seq ?? 0})`, doc);
    }
    // A session may start before fromSeq: the range can hold an update merged earlier.
    const outside = sessions.find((s) => s.toSeq > toSeq || s.fromSeq > s.toSeq);
    if (outside !== undefined) {
      throw new PersistenceError('invalid-argument', `Session ${outside.fromSeq}..${outside.toSeq} does not end within ..${toSeq}`, doc);
    }
    this.write(doc, 'Compacting', () =>
      // IMMEDIATE: the version check and the merge see the same versions, even with a server and the
      // CLI writing to the store from two processes.
      this.db.transaction(() => {
        const named = this.stmt.versionInside.get(row.id, fromSeq, toSeq);
        if (named !== undefined) {
          throw new PersistenceError(
            'conflict',
            `Range ${fromSeq}..${toSeq} holds named version ${named.id} (${JSON.stringify(named.label)}) at seq ${named.seq}: merging it would lose that version`,
            doc,
          );
        }
        const before = this.stmt.rangeStats.get(row.id, fromSeq, toSeq)!;
        if (expectedUpdates !== undefined && before.n !== expectedUpdates) {
          throw new PersistenceError(
            'conflict',
            `Range ${fromSeq}..${toSeq} holds ${before.n} updates, not the ${expectedUpdates} read: another compaction merged part of it`,
            doc,
          );
        }
        if (expectedFirst !== undefined) {
          const first = this.stmt.updateAt.get(row.id, fromSeq);
          if (first === undefined || !toBuffer(expectedFirst).equals(first.data)) {
            throw new PersistenceError(
              'conflict',
              `Range ${fromSeq}..${toSeq} no longer starts with the update read at seq ${fromSeq}: another compaction merged it with the updates before it`,
              doc,
            );
          }
        }
        if (before.n === 0) throw new Error(`no updates in ${fromSeq}..${toSeq}`);
        this.stmt.deleteRange.run(row.id, fromSeq, toSeq);
        this.stmt.insertUpdate.run(row.id, toSeq, merged.receivedAt, merged.author, toBuffer(merged.update));
        this.stmt.deleteCheckpoints.run(row.id, fromSeq, toSeq);
        this.stmt.shrinkDoc.run(before.n - 1, (before.bytes ?? 0) - merged.update.byteLength, row.id);
        this.stmt.deleteSessions.run(row.id, fromSeq, toSeq);
        for (const s of sessions) {
          this.stmt.insertSession.run(row.id, toSeq, s.fromSeq, s.toSeq, s.author, s.startedAt, s.endedAt, s.updates, s.added, s.removed);
        }
        this.stmt.deleteAuthorship.run(row.id, fromSeq, toSeq);
        if (merged.authorship !== undefined) this.stmt.insertAuthorship.run(row.id, toSeq, authorshipData(merged.authorship));
      }).immediate(),
      false, // compaction frees space: it runs below the floor too
    );
    await this.flushed(doc);
  }

  async readCompactedSessions(doc: string, range: ReadRange & { readonly endingAfter?: number } = {}): Promise<StoredCompactedSession[]> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) return [];
    try {
      const { afterSeq = 0, toSeq = Number.MAX_SAFE_INTEGER, endingAfter = -1, limit = -1 } = range;
      return this.stmt.readSessions.all(row.id, afterSeq, toSeq, endingAfter, limit).map(toSession);
    } catch (cause) {
      throw new PersistenceError('read-failed', `Reading compacted sessions failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  async readMergedAuthorship(doc: string, range: ReadRange = {}): Promise<StoredMergedAuthorship[]> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) return [];
    try {
      return this.stmt.readAuthorship.all(row.id, range.afterSeq ?? 0, range.toSeq ?? Number.MAX_SAFE_INTEGER).map(toMergedAuthorship);
    } catch (cause) {
      throw new PersistenceError('read-failed', `Reading merged authorship failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  async importMergedAuthorship(doc: string, rows: readonly StoredMergedAuthorship[]): Promise<number> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) throw new PersistenceError('invalid-argument', 'Merged authorship can only be imported into a document that exists', doc);
    for (const a of rows) checkMergedAuthorship(doc, a);
    if (rows.length === 0) return 0;
    const inserted = this.write(doc, 'Importing merged authorship', () =>
      this.db.transaction(() => {
        let count = 0;
        for (const a of rows) {
          const existing = this.stmt.authorshipAt.get(row.id, a.entrySeq);
          if (existing !== undefined) {
            if (!sameAuthorship(toMergedAuthorship(existing), a)) throw authorshipConflict(doc, a.entrySeq);
            continue;
          }
          this.stmt.insertAuthorship.run(row.id, a.entrySeq, authorshipData(a));
          count += 1;
        }
        return count;
      }).immediate(),
    );
    await this.flushed(doc);
    return inserted;
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
    const inserted = this.write(doc, 'Importing updates', () =>
      this.db.transaction(() => {
        const createdAt = document.createdAt ?? updates[0]!.receivedAt;
        const row = this.stmt.docByName.get(doc) ?? this.stmt.insertDoc.get(doc, createdAt, document.lastChangeAt ?? createdAt)!;
        let count = 0;
        let bytes = 0;
        let latest = 0;
        for (const u of updates) {
          const existing = this.stmt.updateAt.get(row.id, u.seq);
          if (existing !== undefined) {
            if (existing.received_at !== u.receivedAt || existing.author !== u.author || !toBuffer(u.update).equals(existing.data)) {
              throw importConflict(doc, u.seq);
            }
            continue;
          }
          this.stmt.insertUpdate.run(row.id, u.seq, u.receivedAt, u.author, toBuffer(u.update));
          count += 1;
          bytes += u.update.byteLength;
          latest = Math.max(latest, u.receivedAt);
        }
        const lastAt = document.lastChangeAt === undefined ? latest : lastChangeAfter(document.lastChangeAt, latest); // as the source had it
        this.stmt.raiseDoc.run(updates.at(-1)!.seq, count, bytes, lastAt, row.id);
        return count;
      }).immediate(),
    );
    await this.flushed(doc);
    return inserted;
  }

  async importVersions(doc: string, versions: readonly Omit<NamedVersion, 'id'>[]): Promise<number> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) throw new PersistenceError('invalid-argument', 'Versions can only be imported into a document that exists', doc);
    const outside = versions.find((v) => !Number.isSafeInteger(v.seq) || v.seq < 0 || v.seq > row.last_seq);
    if (outside !== undefined) throw new PersistenceError('invalid-argument', `Version seq ${outside.seq} is outside the log (0..${row.last_seq})`, doc);
    const inserted = this.write(doc, 'Importing versions', () =>
      this.db.transaction(() => {
        const missing = missingVersions(this.stmt.listVersions.all(row.id).map(toVersion), versions);
        for (const v of missing) this.stmt.insertVersion.get(row.id, v.label, v.seq, v.author, v.createdAt);
        return missing.length;
      }).immediate(),
    );
    await this.flushed(doc);
    return inserted;
  }

  async importCompactedSessions(doc: string, sessions: readonly StoredCompactedSession[]): Promise<number> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) throw new PersistenceError('invalid-argument', 'Sessions can only be imported into a document that exists', doc);
    if (sessions.length === 0) return 0;
    const inserted = this.write(doc, 'Importing compacted sessions', () =>
      this.db.transaction(() => {
        let count = 0;
        for (const s of sessions) {
          const existing = this.stmt.sessionAt.get(row.id, s.entrySeq, s.fromSeq);
          if (existing !== undefined) {
            if (!sameSession(toSession(existing), s)) throw sessionConflict(doc, s);
            continue;
          }
          this.stmt.insertSession.run(row.id, s.entrySeq, s.fromSeq, s.toSeq, s.author, s.startedAt, s.endedAt, s.updates, s.added, s.removed);
          count += 1;
        }
        return count;
      }).immediate(),
    );
    await this.flushed(doc);
    return inserted;
  }

  async recordAuthors(sightings: readonly AuthorSighting[]): Promise<void> {
    this.ensureOpen();
    const incoming = foldSightings(sightings);
    if (incoming.length === 0) return;
    this.write(undefined, 'Recording authors', () => this.authors.write(incoming));
    await this.flushed(undefined);
  }

  async listAuthors(ids: readonly string[]): Promise<AuthorRecord[]> {
    this.ensureOpen();
    try {
      return this.authors.list(ids);
    } catch (cause) {
      throw new PersistenceError('read-failed', `Reading authors failed: ${(cause as Error).message}`, undefined, { cause });
    }
  }

  async importAuthors(records: readonly AuthorRecord[]): Promise<number> {
    this.ensureOpen();
    const incoming = checkAuthorRecords(records);
    if (incoming.length === 0) return 0;
    const inserted = this.write(undefined, 'Importing authors', () => this.authors.write(incoming));
    await this.flushed(undefined);
    return inserted;
  }

  async enqueueWebhooks(deliveries: readonly NewWebhookDelivery[]): Promise<void> {
    this.ensureOpen();
    checkDeliveries(deliveries);
    if (deliveries.length === 0) return;
    this.write(undefined, 'Queueing webhooks', () => this.webhooks.enqueue(deliveries));
    await this.flushed(undefined);
  }

  async claimWebhooks(now: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]> {
    this.ensureOpen();
    // A claim changes rows but does not grow the store: allowed below the free-disk floor.
    const claimed = this.write(undefined, 'Claiming webhooks', () => this.webhooks.claim(now, leaseMs, limit), false);
    if (claimed.length > 0) await this.flushed(undefined);
    return claimed;
  }

  async renameWebhookTarget(from: string, to: string): Promise<void> {
    this.ensureOpen();
    this.write(undefined, 'Renaming a webhook target', () => this.webhooks.renameTarget(from, to), false);
    await this.flushed(undefined);
  }

  async deleteWebhook(id: number): Promise<void> {
    this.ensureOpen();
    this.write(undefined, 'Removing a webhook delivery', () => this.webhooks.remove(id), false);
    await this.flushed(undefined);
  }

  async rescheduleWebhook(id: number, dueAt: number, attempts: number, lastError?: string): Promise<void> {
    this.ensureOpen();
    this.write(undefined, 'Rescheduling a webhook delivery', () => this.webhooks.reschedule(id, dueAt, attempts, lastError), false);
    await this.flushed(undefined);
  }

  async countWebhooks(): Promise<number> {
    this.ensureOpen();
    try {
      return this.webhooks.count();
    } catch (cause) {
      throw new PersistenceError('read-failed', `Counting webhook deliveries failed: ${(cause as Error).message}`, undefined, { cause });
    }
  }

  /** Runs a write; `grows` writes (all but deletions) are refused below the free-disk floor. */
  private write<T>(doc: string | undefined, what: string, run: () => T, grows = true): T {
    if (this.db.readonly) throw new PersistenceError('write-failed', `${what} refused: ${this.file} is open read-only`, doc);
    if (this.failure !== undefined) {
      throw new PersistenceError('write-failed', `${what} refused: ${this.failureReason()}`, doc);
    }
    const shortfall = grows ? this.space.shortfall : undefined;
    if (shortfall !== undefined) throw new PersistenceError('insufficient-storage', `${what} refused: ${shortfall}`, doc);
    try {
      return run();
    } catch (cause) {
      if (cause instanceof PersistenceError) throw cause; // refused by a check inside the transaction
      const code = String((cause as { code?: unknown }).code);
      if (code === 'SQLITE_FULL') {
        // The disk filled up before the floor was seen: the transaction was rolled back, nothing
        // acknowledged is touched. Read free space again so /readyz and later writes know.
        void this.space.check();
        throw new PersistenceError('insufficient-storage', `${what} failed: the disk is full`, doc, { cause });
      }
      // An I/O error inside SQLite is a disk that misbehaves: treated like a failed flush.
      if (code.startsWith('SQLITE_IOERR')) this.failure ??= cause;
      throw new PersistenceError('write-failed', `${what} failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  private failureReason(): string {
    const reason = this.failure instanceof Error ? this.failure.message : String(this.failure);
    return `an earlier write to disk failed (${reason}); fix the disk, then restart the server`;
  }

  async trashDocument(doc: string, entry: { readonly at: number; readonly by: string }): Promise<boolean> {
    this.ensureOpen(doc);
    const trashed = this.write(doc, 'Moving a document to the trash', () => this.trashTable.trash(doc, entry.at, entry.by), false);
    await this.flushed(doc);
    return trashed;
  }

  async untrashDocument(doc: string): Promise<boolean> {
    this.ensureOpen(doc);
    const untrashed = this.write(doc, 'Taking a document out of the trash', () => this.trashTable.untrash(doc), false);
    await this.flushed(doc);
    return untrashed;
  }

  async inTrash(doc: string): Promise<TrashEntry | undefined> {
    this.ensureOpen(doc);
    return this.readTrash(doc, () => this.trashTable.get(doc));
  }

  async listTrash(query?: TrashQuery): Promise<TrashEntry[]> {
    this.ensureOpen();
    if (query === undefined) return this.readTrash(undefined, () => this.trashTable.list());
    const built = trashListSql(SQLITE_PAGES, query);
    if (built === undefined) return [];
    return this.readTrash(undefined, () =>
      this.db.prepare<unknown[], { name: string; trashed_at: number; trashed_by: string }>(built.sql).all(...built.params).map((r) => ({ doc: r.name, trashedAt: r.trashed_at, trashedBy: r.trashed_by })),
    );
  }

  async purgeDocument(doc: string, only?: PurgeCondition): Promise<boolean> {
    this.ensureOpen(doc);
    const purged = this.write(doc, 'Purging a document', () => this.trashTable.purge(doc, only), false);
    await this.flushed(doc);
    return purged;
  }

  async renameDocument(from: string, to: string, at: number): Promise<void> {
    this.ensureOpen(from);
    checkRename(from, to, at);
    this.write(from, 'Renaming a document', () => this.redirects.rename(from, to, at), false);
    await this.flushed(from);
  }

  async resolveRedirect(name: string): Promise<string | undefined> {
    this.ensureOpen(name);
    return this.readRedirects(name, () => this.redirects.resolve(name));
  }

  async getRedirect(name: string): Promise<Redirect | undefined> {
    this.ensureOpen(name);
    return this.readRedirects(name, () => this.redirects.get(name));
  }

  async removeRedirect(name: string): Promise<boolean> {
    this.ensureOpen(name);
    const removed = this.write(name, 'Removing a redirect', () => this.redirects.remove(name), false);
    if (removed) await this.flushed(name);
    return removed;
  }

  async listRedirects(): Promise<Redirect[]> {
    this.ensureOpen();
    return this.readRedirects(undefined, () => this.redirects.list());
  }

  async importRedirects(redirects: readonly Redirect[]): Promise<number> {
    this.ensureOpen();
    checkRedirects(redirects);
    if (redirects.length === 0) return 0;
    const inserted = this.write(undefined, 'Importing redirects', () => this.redirects.import(redirects));
    await this.flushed(undefined);
    return inserted;
  }

  private readRedirects<T>(doc: string | undefined, read: () => T): T {
    try {
      return read();
    } catch (cause) {
      throw new PersistenceError('read-failed', `Reading redirects failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  private readTrash<T>(doc: string | undefined, read: () => T): T {
    try {
      return read();
    } catch (cause) {
      throw new PersistenceError('read-failed', `Reading the trash failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  async revoke(revocation: Revocation): Promise<Revocation> {
    this.ensureOpen();
    const r = checkRevocation(revocation);
    const row = this.write(undefined, 'Revoking', () =>
      this.db.transaction(() => {
        const stored = this.revocationStmt.revoke.get(r.kind, r.value, r.until, r.createdAt, r.reason)!;
        if (stored.kind === 'user') this.revocationStmt.revokeLinksOf.run({ at: stored.created_at, user: stored.value });
        if (stored.kind === 'token') this.revocationStmt.revokeLinksOfToken.run({ at: stored.created_at, token: stored.value });
        return stored;
      })(),
    );
    await this.flushed(undefined);
    return toRevocation(row);
  }

  async listRevocations(now: number): Promise<Revocation[]> {
    this.ensureOpen();
    try {
      return this.revocationStmt.revocationsInForce.all(now).map(toRevocation);
    } catch (cause) {
      throw new PersistenceError('read-failed', `Reading revocations failed: ${(cause as Error).message}`, undefined, { cause });
    }
  }

  async forgetRevocations(now: number): Promise<number> {
    this.ensureOpen();
    const { changes } = this.write(undefined, 'Forgetting revocations', () => this.revocationStmt.forgetRevocations.run(now), false);
    if (changes > 0) await this.flushed(undefined);
    return changes;
  }

  async createShareLink(link: ShareLink): Promise<ShareLink> {
    this.ensureOpen();
    const l = checkShareLink(link);
    const row = this.write(undefined, 'Creating a share link', () =>
      this.shareLinkStmt.insert.get(l.id, l.doc, l.role, l.createdBy, l.createdAt, l.expiresAt, l.revokedAt, l.createdByToken ?? null),
    );
    if (row === undefined) throw new PersistenceError('conflict', `A share link ${JSON.stringify(l.id)} exists`, l.doc);
    await this.flushed(undefined);
    return toShareLink(row);
  }

  async getShareLink(id: string): Promise<ShareLink | undefined> {
    this.ensureOpen();
    const row = this.readShareLinks(() => this.shareLinkStmt.get.get(id));
    return row === undefined ? undefined : toShareLink(row);
  }

  async listShareLinks(doc: string, now: number): Promise<ShareLink[]> {
    this.ensureOpen();
    return this.readShareLinks(() => this.shareLinkStmt.ofDoc.all(doc, now)).map(toShareLink);
  }

  async revokeShareLink(doc: string, id: string, at: number): Promise<ShareLink | undefined> {
    this.ensureOpen();
    const row = this.write(doc, 'Revoking a share link', () => this.shareLinkStmt.revoke.get(at, id, doc), false);
    if (row !== undefined) await this.flushed(doc);
    return row === undefined ? undefined : toShareLink(row);
  }

  async listRevokedShareLinks(now: number): Promise<string[]> {
    this.ensureOpen();
    return this.readShareLinks(() => this.shareLinkStmt.revoked.all(now)).map((r) => r.id);
  }

  async countShareLinksBy(createdBy: string, now: number): Promise<ShareLinkCount> {
    this.ensureOpen();
    const row = this.readShareLinks(() => this.shareLinkStmt.countBy.get(createdBy, now));
    return { count: row?.count ?? 0, firstExpiresAt: row?.first ?? null };
  }

  private readShareLinks<T>(read: () => T): T {
    try {
      return read();
    } catch (cause) {
      throw new PersistenceError('read-failed', `Reading share links failed: ${(cause as Error).message}`, undefined, { cause });
    }
  }

  async listDocuments(): Promise<DocumentInfo[]> {
    this.ensureOpen();
    try {
      return this.stmt.listDocs.all().map(toInfo);
    } catch (cause) {
      throw new PersistenceError('read-failed', `Listing documents failed: ${(cause as Error).message}`, undefined, { cause });
    }
  }

  async listDocumentPage(query: DocumentPageQuery): Promise<DocumentPage> {
    this.ensureOpen();
    const built = documentPageSql(SQLITE_PAGES, query);
    if (built === undefined) return { documents: [], next: null };
    try {
      return toDocumentPage(this.db.prepare<unknown[], DocumentPageRow>(built.sql).all(...built.params), query.limit);
    } catch (cause) {
      throw new PersistenceError('read-failed', `Listing documents failed: ${(cause as Error).message}`, undefined, { cause });
    }
  }

  async checkHealth(): Promise<void> {
    this.ensureOpen();
    const unusable = (code: 'write-failed' | 'insufficient-storage', why: string) =>
      new PersistenceError(code, `SQLite store ${this.file} is not usable: ${why}`);
    if (this.failure !== undefined) throw unusable('write-failed', this.failureReason());
    const shortfall = this.space.shortfall;
    if (shortfall !== undefined) throw unusable('insufficient-storage', `writes are refused: ${shortfall}`);
    try {
      this.stmt.health.get();
      if (this.db.readonly) throw new Error('database is read-only');
    } catch (cause) {
      throw new PersistenceError('read-failed', `SQLite store ${this.file} is not usable: ${(cause as Error).message}`, undefined, { cause });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.space.stop();
    // First, so that this connection is the last one and its close checkpoints and removes the WAL.
    await this.checkpointer?.stop();
    await this.wal?.close();
    this.db.close();
  }

  private readDoc(doc: string): DocumentRow | undefined {
    try {
      return this.stmt.docByName.get(doc);
    } catch (cause) {
      throw new PersistenceError('read-failed', `Reading document failed: ${(cause as Error).message}`, doc, { cause });
    }
  }
}
