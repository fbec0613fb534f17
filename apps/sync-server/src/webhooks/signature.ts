// The Tandem-Signature header, as Stripe's: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
// Signing the time with the body lets a receiver refuse a replayed call (an old t) without storing ids.

import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Tandem-Signature';
/** How far a receiver should let `t` be from its own clock (the README's example uses this). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, t: number, body: string): string => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

/** The header value for `body` sent at `nowMs`. */
export function signWebhook(secret: string, body: string, nowMs: number = Date.now()): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

export type SignatureCheck = { readonly ok: true; readonly t: number } | { readonly ok: false; readonly reason: 'malformed' | 'mismatch' | 'too-old' | 'too-new' };

/**
 * Checks a Tandem-Signature header against the raw body, as a receiver should: any v1 matching (several
 * appear while secrets are rotated), compared in constant time, and `t` within the tolerance of now.
 */
export function verifyWebhook(secret: string, body: string, header: string | undefined, nowMs: number = Date.now(), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): SignatureCheck {
  const parts = (header ?? '').split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const signatures = parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => Buffer.from(v!, 'hex'));
  if (!Number.isSafeInteger(t) || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  if (!signatures.some((s) => timingSafeEqual(s, expected))) return { ok: false, reason: 'mismatch' };
  const age = Math.floor(nowMs / 1000) - t;
  if (age > toleranceSeconds) return { ok: false, reason: 'too-old' };
  if (age < -toleranceSeconds) return { ok: false, reason: 'too-new' };
  return { ok: true, t };
}
