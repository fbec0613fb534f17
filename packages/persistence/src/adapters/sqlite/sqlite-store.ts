// The embedded default store: one SQLite database file (WAL, flushed to disk before a write resolves)
// in the data directory.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assertDocName } from '../../doc-name.js';
import { PersistenceError } from '../../errors.js';
import type {
  AppendEntry,
  AppendResult,
  Checkpoint,
  CompactedSession,
  DocumentAppend,
  DocumentInfo,
  DocumentStore,
  NamedVersion,
  ReadRange,
  StoredCompactedSession,
  StoredUpdate,
} from '../../types.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import { WalSync } from './wal-sync.js';

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
}

interface DocumentRow {
  id: number;
  name: string;
  created_at: number;
  last_seq: number;
  update_count: number;
  size_bytes: number;
  last_change_at: number;
}

interface UpdateRow {
  seq: number;
  received_at: number;
  author: string;
  data: Buffer;
}

interface VersionRow {
  id: number;
  label: string;
  seq: number;
  author: string;
  created_at: number;
}

const toVersion = (r: VersionRow): NamedVersion => ({ id: r.id, label: r.label, seq: r.seq, author: r.author, createdAt: r.created_at });

interface SessionRow {
  entry_seq: number;
  from_seq: number;
  to_seq: number;
  author: string;
  started_at: number;
  ended_at: number;
  updates: number;
  added: number;
  removed: number;
}

const toSession = (r: SessionRow): StoredCompactedSession => ({
  entrySeq: r.entry_seq,
  fromSeq: r.from_seq,
  toSeq: r.to_seq,
  author: r.author,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  updates: r.updates,
  added: r.added,
  removed: r.removed,
});

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
  let db: Database.Database;
  try {
    mkdirSync(options.dataDir, { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    // Always NORMAL inside SQLite: with `full`, the store flushes the WAL itself (see wal-sync.ts).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`database schema version ${version} is newer than this server understands (${SCHEMA_VERSION})`);
    }
    db.exec(SCHEMA_SQL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  } catch (cause) {
    throw new PersistenceError('read-failed', `Cannot open SQLite store at ${file}: ${(cause as Error).message}`, undefined, { cause });
  }
  return new SqliteStore(db, file, options.synchronous === 'normal' ? undefined : new WalSync(`${file}-wal`));
}

function toInfo(row: DocumentRow): DocumentInfo {
  return {
    name: row.name,
    updateCount: row.update_count,
    lastSeq: row.last_seq,
    sizeBytes: row.size_bytes,
    createdAt: row.created_at,
    lastChangeAt: row.last_change_at,
  };
}

function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

class SqliteStore implements DocumentStore {
  private closed = false;
  private flushFailure: unknown;
  private readonly stmt;
  private readonly appendTx;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    /** Flushes committed writes to disk; undefined with synchronous `normal`. */
    private readonly wal: WalSync | undefined,
  ) {
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
      readUpdates: db.prepare<[number, number, number, number], UpdateRow>(
        `SELECT seq, received_at, author, data FROM updates
         WHERE doc_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
      ),
      insertCheckpoint: db.prepare<[number, number, number, Buffer]>(
        'INSERT OR REPLACE INTO checkpoints (doc_id, seq, created_at, state) VALUES (?, ?, ?, ?)',
      ),
      latestCheckpoint: db.prepare<[number, number], CheckpointRow>(
        'SELECT seq, created_at, state FROM checkpoints WHERE doc_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1',
      ),
      listDocs: db.prepare<[], DocumentRow>('SELECT * FROM documents ORDER BY name'),
      seqAt: db.prepare<[number, number], { seq: number | null }>(
        'SELECT max(seq) AS seq FROM updates WHERE doc_id = ? AND received_at <= ?',
      ),
      insertVersion: db.prepare<[number, string, number, string, number], VersionRow>(
        'INSERT INTO versions (doc_id, label, seq, author, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *',
      ),
      listVersions: db.prepare<[number], VersionRow>('SELECT * FROM versions WHERE doc_id = ? ORDER BY seq, id'),
      renameVersion: db.prepare<[string, number, number], VersionRow>(
        'UPDATE versions SET label = ? WHERE id = ? AND doc_id = ? RETURNING *',
      ),
      deleteVersion: db.prepare<[number, number]>('DELETE FROM versions WHERE id = ? AND doc_id = ?'),
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
    };
    this.appendTx = db.transaction((batch: readonly DocumentAppend[]): AppendResult[] =>
      batch.map((item) => this.appendOne(item)),
    );
  }

  private appendOne({ doc, entries }: DocumentAppend): AppendResult {
    const createdAt = entries[0]!.receivedAt;
    const row = this.stmt.docByName.get(doc) ?? this.stmt.insertDoc.get(doc, createdAt, createdAt);
    if (row === undefined) throw new PersistenceError('write-failed', 'Document row was not created', doc);
    let seq = row.last_seq;
    let bytes = 0;
    let lastAt = row.last_change_at;
    for (const entry of entries) {
      seq += 1;
      bytes += entry.update.byteLength;
      lastAt = Math.max(lastAt, entry.receivedAt);
      this.stmt.insertUpdate.run(row.id, seq, entry.receivedAt, entry.author, toBuffer(entry.update));
    }
    this.stmt.bumpDoc.run(seq, entries.length, bytes, lastAt, row.id);
    return { doc, firstSeq: row.last_seq + 1, lastSeq: seq };
  }

  private ensureOpen(doc?: string): void {
    if (this.closed) throw new PersistenceError('closed', `SQLite store ${this.file} is closed`, doc);
  }

  async append(batch: readonly DocumentAppend[]): Promise<AppendResult[]> {
    this.ensureOpen();
    for (const item of batch) {
      assertDocName(item.doc);
      if (item.entries.length === 0) {
        throw new PersistenceError('invalid-argument', 'An append needs at least one update', item.doc);
      }
    }
    // The durability point of the embedded store: this transaction commits and (with `full`) its
    // WAL frames are flushed to disk before the promise resolves.
    const results = this.write(batch[0]?.doc, 'Appending updates', () => this.appendTx(batch));
    await this.flushed(batch[0]?.doc);
    return results;
  }

  /** Resolves once committed writes are on disk (at once with synchronous `normal`). */
  private async flushed(doc: string | undefined): Promise<void> {
    if (this.wal === undefined) return;
    try {
      await this.wal.sync();
    } catch (cause) {
      // After a failed flush the kernel may have dropped the dirty pages: what is on disk is unknown.
      // Refuse every later write rather than acknowledge more on top of it (restart to recover).
      this.flushFailure ??= cause;
      throw new PersistenceError('write-failed', `Flushing the write-ahead log failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  async readUpdates(doc: string, range: ReadRange = {}): Promise<StoredUpdate[]> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined) return [];
    try {
      const rows = this.stmt.readUpdates.all(
        row.id,
        range.afterSeq ?? 0,
        range.toSeq ?? Number.MAX_SAFE_INTEGER,
        range.limit ?? -1,
      );
      return rows.map((r) => ({ seq: r.seq, receivedAt: r.received_at, author: r.author, update: toBytes(r.data) }));
    } catch (cause) {
      throw new PersistenceError('read-failed', `Reading updates failed: ${(cause as Error).message}`, doc, { cause });
    }
  }

  async writeCheckpoint(doc: string, checkpoint: Checkpoint): Promise<void> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined || checkpoint.seq > row.last_seq || checkpoint.seq < 1) {
      throw new PersistenceError('invalid-argument', `Checkpoint seq ${checkpoint.seq} is outside the log (1..${row?.last_seq ?? 0})`, doc);
    }
    this.write(doc, 'Writing checkpoint', () =>
      this.stmt.insertCheckpoint.run(row.id, checkpoint.seq, checkpoint.createdAt, toBuffer(checkpoint.state)),
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

  async createVersion(doc: string, version: Omit<NamedVersion, 'id'>): Promise<NamedVersion> {
    this.ensureOpen(doc);
    const row = this.readDoc(doc);
    if (row === undefined || version.seq < 0 || version.seq > row.last_seq) {
      throw new PersistenceError('invalid-argument', `Version seq ${version.seq} is outside the log (0..${row?.last_seq ?? 0})`, doc);
    }
    const created = this.write(doc, 'Creating a version', () =>
      toVersion(this.stmt.insertVersion.get(row.id, version.label, version.seq, version.author, version.createdAt)!),
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
    const deleted = this.write(doc, 'Deleting a version', () => this.stmt.deleteVersion.run(id, row.id).changes > 0);
    await this.flushed(doc);
    return deleted;
  }

  async replaceRange(
    doc: string,
    fromSeq: number,
    toSeq: number,
    merged: AppendEntry,
    sessions: readonly CompactedSession[] = [],
  ): Promise<void> {
    this.ensureOpen(doc);
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
      this.db.transaction(() => {
        const before = this.stmt.rangeStats.get(row.id, fromSeq, toSeq)!;
        if (before.n === 0) throw new Error(`no updates in ${fromSeq}..${toSeq}`);
        this.stmt.deleteRange.run(row.id, fromSeq, toSeq);
        this.stmt.insertUpdate.run(row.id, toSeq, merged.receivedAt, merged.author, toBuffer(merged.update));
        this.stmt.deleteCheckpoints.run(row.id, fromSeq, toSeq);
        this.stmt.shrinkDoc.run(before.n - 1, (before.bytes ?? 0) - merged.update.byteLength, row.id);
        this.stmt.deleteSessions.run(row.id, fromSeq, toSeq);
        for (const s of sessions) {
          this.stmt.insertSession.run(row.id, toSeq, s.fromSeq, s.toSeq, s.author, s.startedAt, s.endedAt, s.updates, s.added, s.removed);
        }
      })(),
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

  private write<T>(doc: string | undefined, what: string, run: () => T): T {
    if (this.flushFailure !== undefined) {
      const reason = this.flushFailure instanceof Error ? this.flushFailure.message : String(this.flushFailure);
      throw new PersistenceError('write-failed', `${what} refused: an earlier flush to disk failed (${reason})`, doc);
    }
    try {
      return run();
    } catch (cause) {
      throw new PersistenceError('write-failed', `${what} failed: ${(cause as Error).message}`, doc, { cause });
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

  async checkHealth(): Promise<void> {
    this.ensureOpen();
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
