// The SQLite store's queue of webhook deliveries. One process writes a SQLite store, so a claim is
// one IMMEDIATE transaction; the lease still guards a delivery against a second dispatcher.

import type Database from 'better-sqlite3';
import type { NewWebhookDelivery, WebhookDelivery } from '../../types.js';
import { planChange, toWebhook, type WebhookRow } from '../webhook-rules.js';

export class WebhookTable {
  private readonly stmt;
  private readonly enqueueTx;
  private readonly claimTx;
  private readonly renameTx;

  constructor(db: Database.Database) {
    this.stmt = {
      insert: db.prepare<[string, string, string, string, number, number, string, string | null, number]>(
        `INSERT INTO webhook_deliveries (event_id, target, type, doc, occurred_at, due_at, data, merge_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      mergeable: db.prepare<[string, string], { id: number; data: string; occurred_at: number }>(
        'SELECT id, data, occurred_at FROM webhook_deliveries WHERE target = ? AND merge_key = ?',
      ),
      merge: db.prepare<[string, number, number]>('UPDATE webhook_deliveries SET data = ?, occurred_at = ? WHERE id = ?'),
      mark: db.prepare<[string, string], { seq: number }>('SELECT seq FROM webhook_marks WHERE target = ? AND merge_key = ?'),
      setMark: db.prepare<[string, string, number]>(
        'INSERT INTO webhook_marks (target, merge_key, seq) VALUES (?, ?, ?) ON CONFLICT (target, merge_key) DO UPDATE SET seq = max(seq, excluded.seq)',
      ),
      due: db.prepare<[number, number, number], WebhookRow>(
        `SELECT * FROM webhook_deliveries WHERE due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
         ORDER BY due_at, id LIMIT ?`,
      ),
      lease: db.prepare<[number, number]>('UPDATE webhook_deliveries SET lease_until = ?, merge_key = NULL WHERE id = ?'),
      remove: db.prepare<[number]>('DELETE FROM webhook_deliveries WHERE id = ?'),
      reschedule: db.prepare<[number, number, string | null, number]>(
        'UPDATE webhook_deliveries SET due_at = ?, attempts = ?, last_error = ?, lease_until = NULL WHERE id = ?',
      ),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM webhook_deliveries'),
    };
    const enqueue = db.transaction((deliveries: readonly NewWebhookDelivery[], now: number) => {
      for (const d of deliveries) {
        if (d.mergeKey === undefined) {
          this.stmt.insert.run(d.eventId, d.target, d.type, d.doc, d.occurredAt, d.dueAt, JSON.stringify(d.data), null, now);
          continue;
        }
        const held = this.stmt.mergeable.get(d.target, d.mergeKey);
        const plan = planChange(held?.data, this.stmt.mark.get(d.target, d.mergeKey)?.seq, d);
        if (plan.kind === 'skip') continue;
        if (plan.kind === 'merge') this.stmt.merge.run(plan.data, Math.max(held!.occurred_at, d.occurredAt), held!.id);
        else this.stmt.insert.run(d.eventId, d.target, d.type, d.doc, d.occurredAt, d.dueAt, plan.data, d.mergeKey, now);
        this.stmt.setMark.run(d.target, d.mergeKey, plan.mark);
      }
    });
    this.enqueueTx = (deliveries: readonly NewWebhookDelivery[]) => enqueue.immediate(deliveries, Date.now());
    const claim = db.transaction((now: number, leaseMs: number, limit: number): WebhookDelivery[] => {
      const rows = this.stmt.due.all(now, now, limit);
      for (const r of rows) this.stmt.lease.run(now + leaseMs, Number(r.id));
      return rows.map(toWebhook);
    });
    this.claimTx = (now: number, leaseMs: number, limit: number) => claim.immediate(now, leaseMs, limit);
    const unmerge = db.prepare<[string, string]>(
      `UPDATE webhook_deliveries SET merge_key = NULL WHERE target = ? AND merge_key IN
         (SELECT merge_key FROM webhook_deliveries WHERE target = ? AND merge_key IS NOT NULL)`,
    );
    const retarget = db.prepare<[string, string]>('UPDATE webhook_deliveries SET target = ? WHERE target = ?');
    const moveMarks = db.prepare<[string, string]>(
      `INSERT INTO webhook_marks (target, merge_key, seq) SELECT ?, merge_key, seq FROM webhook_marks WHERE target = ?
       ON CONFLICT (target, merge_key) DO UPDATE SET seq = max(seq, excluded.seq)`,
    );
    const dropMarks = db.prepare<[string]>('DELETE FROM webhook_marks WHERE target = ?');
    const rename = db.transaction((from: string, to: string) => {
      // Two pending debounced deliveries of one document cannot share a name and key: the moved one is no
      // longer merged into (it is sent as it is).
      unmerge.run(from, to);
      retarget.run(to, from);
      moveMarks.run(to, from);
      dropMarks.run(from);
    });
    this.renameTx = (from: string, to: string) => rename.immediate(from, to);
  }

  enqueue(deliveries: readonly NewWebhookDelivery[]): void {
    if (deliveries.length > 0) this.enqueueTx(deliveries);
  }

  claim(now: number, leaseMs: number, limit: number): WebhookDelivery[] {
    // Looked at first without the write lock: a dispatcher with nothing due never holds up a commit.
    if (this.stmt.due.all(now, now, 1).length === 0) return [];
    return this.claimTx(now, leaseMs, limit);
  }

  renameTarget(from: string, to: string): void {
    if (from !== to) this.renameTx(from, to);
  }

  remove(id: number): void {
    this.stmt.remove.run(id);
  }

  reschedule(id: number, dueAt: number, attempts: number, lastError: string | undefined): void {
    this.stmt.reschedule.run(dueAt, attempts, lastError ?? null, id);
  }

  count(): number {
    return this.stmt.count.get()!.n;
  }
}
