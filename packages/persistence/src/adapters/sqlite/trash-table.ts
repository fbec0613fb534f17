// The SQLite store's trash: which documents are in it, and purging one (every table that holds a part
// of it, in one transaction).

import type Database from 'better-sqlite3';
import type { PurgeCondition, TrashEntry } from '../../types.js';
import { CHANGES_EVENT } from '../webhook-rules.js';

interface TrashRow {
  name: string;
  trashed_at: number;
  trashed_by: string;
}

const toEntry = (r: TrashRow): TrashEntry => ({ doc: r.name, trashedAt: r.trashed_at, trashedBy: r.trashed_by });

export class TrashTable {
  private readonly insert;
  private readonly remove;
  private readonly one;
  private readonly all;
  private readonly purgeTx;

  constructor(db: Database.Database) {
    this.insert = db.prepare<[number, string, string]>(
      'INSERT INTO trash (doc_id, trashed_at, trashed_by) SELECT id, ?, ? FROM documents WHERE name = ? ON CONFLICT (doc_id) DO NOTHING',
    );
    this.remove = db.prepare<[string]>('DELETE FROM trash WHERE doc_id = (SELECT id FROM documents WHERE name = ?)');
    this.one = db.prepare<[string], TrashRow>('SELECT d.name, t.trashed_at, t.trashed_by FROM trash t JOIN documents d ON d.id = t.doc_id WHERE d.name = ?');
    this.all = db.prepare<[], TrashRow>('SELECT d.name, t.trashed_at, t.trashed_by FROM trash t JOIN documents d ON d.id = t.doc_id ORDER BY t.trashed_at, d.name');
    const id = db.prepare<[string], { id: number }>('SELECT id FROM documents WHERE name = ?');
    const parts = ['trash', 'redirects', 'restores', 'compacted_sessions', 'merged_authorship', 'versions', 'checkpoints', 'updates'].map((table) =>
      db.prepare<[number]>(`DELETE FROM ${table} WHERE doc_id = ?`),
    );
    const document = db.prepare<[number]>('DELETE FROM documents WHERE id = ?');
    // Share links name their document: revoked (not deleted, so tokens minted from them are refused too),
    // or they would open whichever document is next given that name.
    const revokeLinks = db.prepare<[number, string]>('UPDATE share_links SET revoked_at = coalesce(revoked_at, ?) WHERE doc = ?');
    // Its queued document.changed events go (tried or not: they name seqs of a log that is gone, and the
    // name may soon be another document's), and so do its debounce marks (a new document of that name
    // starts its ranges at seq 1). Its other events stay: they happened, and are delivered.
    const webhooks = [
      db.prepare<[string]>(`DELETE FROM webhook_deliveries WHERE doc = ? AND type = '${CHANGES_EVENT}'`),
      db.prepare<[string]>('UPDATE webhook_deliveries SET merge_key = NULL WHERE merge_key = ?'),
      db.prepare<[string]>('DELETE FROM webhook_marks WHERE merge_key = ?'),
    ];
    const trashedAt = db.prepare<[number], { trashed_at: number }>('SELECT trashed_at FROM trash WHERE doc_id = ?');
    this.purgeTx = db.transaction((doc: string, only?: PurgeCondition): boolean => {
      const row = id.get(doc);
      if (row === undefined) return false;
      if (only !== undefined) {
        const entry = trashedAt.get(row.id);
        if (entry === undefined || (only.trashedAt !== undefined && entry.trashed_at !== only.trashedAt)) return false;
      }
      for (const part of parts) part.run(row.id);
      document.run(row.id);
      revokeLinks.run(Date.now(), doc);
      for (const w of webhooks) w.run(doc);
      return true;
    });
  }

  trash(doc: string, at: number, by: string): boolean {
    return this.insert.run(at, by, doc).changes > 0;
  }

  untrash(doc: string): boolean {
    return this.remove.run(doc).changes > 0;
  }

  get(doc: string): TrashEntry | undefined {
    const row = this.one.get(doc);
    return row && toEntry(row);
  }

  list(): TrashEntry[] {
    return this.all.all().map(toEntry);
  }

  purge(doc: string, only?: PurgeCondition): boolean {
    return this.purgeTx.immediate(doc, only);
  }
}
