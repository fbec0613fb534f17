// The SQLite store's authors table: read by ids, and written in one IMMEDIATE transaction that reads
// what is held, folds the new in (author-rules.ts) and writes back, so that two processes recording
// new authors at once give each its own colour.

import type Database from 'better-sqlite3';
import type { AuthorRecord } from '../../types.js';
import { type AuthorFold, type AuthorRow, planAuthors, toAuthor } from '../author-rules.js';

export class AuthorTable {
  private readonly byIds;
  private readonly count;
  private readonly upsert;
  private readonly writeTx;

  constructor(db: Database.Database) {
    this.byIds = db.prepare<[string], AuthorRow>('SELECT * FROM authors WHERE id IN (SELECT value FROM json_each(?))');
    this.count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM authors');
    this.upsert = db.prepare<[string, string, string, number, number, number]>(
      `INSERT INTO authors (id, name, color, verified, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, verified = excluded.verified,
         first_seen = excluded.first_seen, last_seen = excluded.last_seen`,
    );
    const tx = db.transaction((incoming: readonly AuthorFold[]): number => {
      const { rows, inserted } = planAuthors(this.list(incoming.map((a) => a.id)), incoming, this.count.get()!.n);
      for (const r of rows) this.upsert.run(r.id, r.name, r.color, r.verified ? 1 : 0, r.firstSeen, r.lastSeen);
      return inserted;
    });
    this.writeTx = (incoming: readonly AuthorFold[]) => tx.immediate(incoming);
  }

  list(ids: readonly string[]): AuthorRecord[] {
    return ids.length === 0 ? [] : this.byIds.all(JSON.stringify(ids)).map(toAuthor);
  }

  /** Folds `incoming` into the table; returns how many ids were new. */
  write(incoming: readonly AuthorFold[]): number {
    return incoming.length === 0 ? 0 : this.writeTx(incoming);
  }
}
