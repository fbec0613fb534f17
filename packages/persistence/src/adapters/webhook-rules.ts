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
  data: JSON.parse(r.data) as Record<string, unknown>,
  attempts: r.attempts,
  createdAt: Number(r.created_at),
  ...(r.last_error === null ? {} : { lastError: r.last_error }),
});

/** The union of two summaries of one document's changes: the widest seq range and time span, every author once. */
export function mergeChanges(a: ChangeSummary, b: ChangeSummary): ChangeSummary {
  return {
    fromSeq: Math.min(a.fromSeq, b.fromSeq),
    toSeq: Math.max(a.toSeq, b.toSeq),
    updates: a.updates + b.updates,
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

/** The data a merge writes: the held summary merged with the incoming one. */
export const mergedData = (held: string, incoming: NewWebhookDelivery): string =>
  JSON.stringify(mergeChanges(JSON.parse(held) as ChangeSummary, incoming.data as unknown as ChangeSummary));
