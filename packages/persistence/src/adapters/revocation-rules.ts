// The revocations table as both adapters keep it: its row, the check of what is stored, and the one
// rule for revoking again (written as SQL both engines run, so that SQLite and PostgreSQL agree).

import { PersistenceError } from '../errors.js';
import type { Revocation } from '../types.js';

export interface RevocationRow {
  kind: 'user' | 'token';
  value: string;
  until: number | null;
  created_at: number;
  reason: string;
}

export const toRevocation = (r: RevocationRow): Revocation => ({
  kind: r.kind,
  value: r.value,
  until: r.until,
  createdAt: r.created_at,
  reason: r.reason,
});

const MAX_VALUE_LENGTH = 256;
const MAX_REASON_LENGTH = 500;
const isTime = (t: unknown): t is number => Number.isSafeInteger(t) && (t as number) >= 0;

export function checkRevocation(r: Revocation): Revocation {
  if (r.kind !== 'user' && r.kind !== 'token') throw new PersistenceError('invalid-argument', `Revocation kind ${JSON.stringify(r.kind)} must be "user" or "token"`);
  if (typeof r.value !== 'string' || r.value.length === 0 || r.value.length > MAX_VALUE_LENGTH) {
    throw new PersistenceError('invalid-argument', `Revocation of ${r.kind} ${JSON.stringify(r.value)}: the value must be 1..${MAX_VALUE_LENGTH} characters`);
  }
  if (typeof r.reason !== 'string' || r.reason.length > MAX_REASON_LENGTH) {
    throw new PersistenceError('invalid-argument', `Revocation of ${r.kind} ${JSON.stringify(r.value)}: the reason must be at most ${MAX_REASON_LENGTH} characters`);
  }
  if (!isTime(r.createdAt) || (r.until !== null && !isTime(r.until))) {
    throw new PersistenceError('invalid-argument', `Revocation of ${r.kind} ${JSON.stringify(r.value)}: times must be non-negative integers (ms since epoch) or null`);
  }
  return r;
}

/**
 * Revoking again (`$tbl` is the stored row, `excluded` the new one): the later createdAt and its
 * reason, the later until (null, kept, wins). The same text runs on SQLite (max) and PostgreSQL (GREATEST).
 */
export const revokeSql = (placeholders: readonly string[], greatest: 'max' | 'GREATEST', table = 'revocations'): string => `
INSERT INTO revocations (kind, value, until, created_at, reason) VALUES (${placeholders.join(', ')})
ON CONFLICT (kind, value) DO UPDATE SET
  until = CASE WHEN ${table}.until IS NULL OR excluded.until IS NULL THEN NULL ELSE ${greatest}(${table}.until, excluded.until) END,
  reason = CASE WHEN excluded.created_at >= ${table}.created_at THEN excluded.reason ELSE ${table}.reason END,
  created_at = ${greatest}(${table}.created_at, excluded.created_at)
RETURNING kind, value, until, created_at, reason`;
