// What both stores share about queued webhooks: the row shape, its conversion, and how two pending
// "changed" summaries of one document merge into one (the debounce).

import { PersistenceError } from '../errors.js';
import type { ChangeSummary, NewWebhookDelivery, WebhookDelivery } from '../types.js';

export interface WebhookRow {
  id: number | string;
  event_id: string;
  target: string;
  type: string;
  doc: string;
  occurred_at: number | string;
  due_at: number | string;
  data: string;
  attempts: number;
  created_at: number | string;
  last_error: string | null;
}

export const toWebhook = (r: WebhookRow): WebhookDelivery => ({
  id: Number(r.id),
  eventId: r.event_id,
  target: r.target,
  type: r.type,
  doc: r.doc,
  occurredAt: Number(r.occurred_at),
  dueAt: Number(r.due_at),
  data: withoutFloor(JSON.parse(r.data) as Record<string, unknown>),
  attempts: r.attempts,
  createdAt: Number(r.created_at),
  ...(r.last_error === null ? {} : { lastError: r.last_error }),
});

/** The event type whose data is a ChangeSummary: what a purge takes out of the queue (see DocumentStore.purgeDocument). */
export const CHANGES_EVENT = 'document.changed';

/** The data as claimed: without the floor the store keeps for merging (see planChange). */
function withoutFloor({ floor: _floor, ...data }: Record<string, unknown>): Record<string, unknown> {
  return data;
}

/** The union of two summaries of one document's changes: the widest seq range and time span, every author once. */
export function mergeChanges(a: ChangeSummary, b: ChangeSummary): ChangeSummary {
  return {
    fromSeq: Math.min(a.fromSeq, b.fromSeq),
    toSeq: Math.max(a.toSeq, b.toSeq),
    firstAt: Math.min(a.firstAt, b.firstAt),
    lastAt: Math.max(a.lastAt, b.lastAt),
    authors: [...new Set([...a.authors, ...b.authors])],
  };
}

/** Refuses a delivery the store cannot keep (before anything of the call is written). */
export function checkDeliveries(deliveries: readonly NewWebhookDelivery[]): void {
  for (const d of deliveries) {
    const bad =
      d.eventId === '' ? 'an empty event id'
      : d.target === '' ? 'an empty target'
      : d.type === '' ? 'an empty type'
      : !Number.isFinite(d.dueAt) || !Number.isFinite(d.occurredAt) ? 'a time that is not a number'
      : typeof d.data !== 'object' || d.data === null || Array.isArray(d.data) ? 'data that is not an object'
      : undefined;
    if (bad !== undefined) throw new PersistenceError('invalid-argument', `Webhook delivery ${JSON.stringify(d.eventId)} has ${bad}`, d.doc);
  }
}

export type ChangePlan =
  | { readonly kind: 'merge'; readonly data: string; readonly mark: number }
  | { readonly kind: 'insert'; readonly data: string; readonly mark: number }
  | { readonly kind: 'skip' };

/**
 * What to write for a debounced change: merged into the pending delivery (`held`, its data) if there is
 * one; else a new delivery starting right after `mark`, the highest toSeq queued before for its target
 * and key (none: where the incoming starts); nothing if every seq of it was covered already.
 */
export function planChange(held: string | undefined, mark: number | undefined, incoming: NewWebhookDelivery): ChangePlan {
  const summary = incoming.data as unknown as ChangeSummary;
  if (held !== undefined) {
    // `floor`: the mark when the pending delivery was queued; what is at or below it was covered before.
    const { floor, ...pending } = JSON.parse(held) as ChangeSummary & { floor?: number };
    const merged = mergeChanges(pending, summary);
    const fromSeq = floor === undefined ? merged.fromSeq : Math.max(merged.fromSeq, floor + 1);
    return { kind: 'merge', data: JSON.stringify({ ...merged, fromSeq, ...(floor === undefined ? {} : { floor }) }), mark: Math.max(mark ?? 0, merged.toSeq) };
  }
  if (mark === undefined) return { kind: 'insert', data: JSON.stringify(summary), mark: summary.toSeq };
  if (summary.toSeq <= mark) return { kind: 'skip' };
  return { kind: 'insert', data: JSON.stringify({ ...summary, fromSeq: mark + 1, floor: mark }), mark: summary.toSeq };
}
