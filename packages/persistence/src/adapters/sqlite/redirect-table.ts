// The SQLite store's renames: moving a document to a new name in one transaction, and the redirects
// its old names become.

import type Database from 'better-sqlite3';
import { PersistenceError } from '../../errors.js';
import type { Redirect } from '../../types.js';
import { type RedirectRow, toRedirect } from '../redirect-rules.js';

export class RedirectTable {
  private readonly resolveStmt;
  private readonly removeStmt;
  private readonly getStmt;
  private readonly allStmt;
  private readonly renameTx;
  private readonly importTx;

  constructor(db: Database.Database) {
    const id = db.prepare<[string], { id: number }>('SELECT id FROM documents WHERE name = ?');
    this.resolveStmt = db.prepare<[string], { name: string }>('SELECT d.name FROM redirects r JOIN documents d ON d.id = r.doc_id WHERE r.name = ?');
    this.removeStmt = db.prepare<[string]>('DELETE FROM redirects WHERE name = ?');
    this.getStmt = db.prepare<[string], RedirectRow>(
      'SELECT r.name AS from_name, d.name AS to_name, r.renamed_at FROM redirects r JOIN documents d ON d.id = r.doc_id WHERE r.name = ?',
    );
    this.allStmt = db.prepare<[], RedirectRow>(
      'SELECT r.name AS from_name, d.name AS to_name, r.renamed_at FROM redirects r JOIN documents d ON d.id = r.doc_id ORDER BY r.name',
    );
    const insert = db.prepare<[string, number, number]>('INSERT INTO redirects (name, doc_id, renamed_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING');
    const setName = db.prepare<[string, number]>('UPDATE documents SET name = ? WHERE id = ?');
    // Pending webhook deliveries go with the document; the outbox keys a document's debounce by its name.
    const webhooks = [
      // A purged document's events still queued under the new name stop taking merges (its own keep their name).
      db.prepare<[string]>('UPDATE webhook_deliveries SET merge_key = NULL WHERE merge_key = ?'),
      db.prepare<[string]>('DELETE FROM webhook_marks WHERE merge_key = ?'),
    ];
    const moveWebhooks = [
      db.prepare<[string, string]>('UPDATE webhook_deliveries SET doc = ? WHERE doc = ?'),
      db.prepare<[string, string]>('UPDATE webhook_deliveries SET merge_key = ? WHERE merge_key = ?'),
      db.prepare<[string, string]>('UPDATE webhook_marks SET merge_key = ? WHERE merge_key = ?'),
      // Share links name their document: they go with it (tokens minted from them follow the redirect).
      db.prepare<[string, string]>('UPDATE share_links SET doc = ? WHERE doc = ?'),
    ];
    this.renameTx = db.transaction((from: string, to: string, at: number): void => {
      const row = id.get(from);
      if (row === undefined) throw new PersistenceError('not-found', `No document named ${JSON.stringify(from)} to rename`, from);
      if (from === to) throw new PersistenceError('conflict', `${JSON.stringify(from)} has that name already`, from);
      if (id.get(to) !== undefined) throw new PersistenceError('conflict', `A document named ${JSON.stringify(to)} exists (perhaps in the trash)`, from);
      // Every other table keys the document by its row id: they follow the row.
      this.removeStmt.run(to);
      setName.run(to, row.id);
      insert.run(from, row.id, at);
      for (const w of webhooks) w.run(to);
      for (const w of moveWebhooks) w.run(to, from);
    });
    this.importTx = db.transaction((redirects: readonly Redirect[]): number => {
      let count = 0;
      for (const r of redirects) {
        const target = id.get(r.to);
        if (target === undefined || id.get(r.from) !== undefined) continue;
        count += insert.run(r.from, target.id, r.renamedAt).changes;
      }
      return count;
    });
  }

  rename(from: string, to: string, at: number): void {
    this.renameTx.immediate(from, to, at);
  }

  resolve(name: string): string | undefined {
    return this.resolveStmt.get(name)?.name;
  }

  get(name: string): Redirect | undefined {
    const row = this.getStmt.get(name);
    return row === undefined ? undefined : toRedirect(row);
  }

  remove(name: string): boolean {
    return this.removeStmt.run(name).changes > 0;
  }

  list(): Redirect[] {
    return this.allStmt.all().map(toRedirect);
  }

  import(redirects: readonly Redirect[]): number {
    return this.importTx.immediate(redirects);
  }
}
