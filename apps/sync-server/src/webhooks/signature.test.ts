import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { retryDelay } from './dispatcher.js';
import { signWebhook, verifyWebhook } from './signature.js';

const SECRET = 'webhook-secret-that-is-long-enough-0123456789';
const BODY = '{"id":"e1","type":"document.created","doc":"a","occurredAt":"2026-12-02T04:00:00.000Z","data":{}}';
const NOW = 1_796_000_000_000;

describe('webhook signatures', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 of the secret, as t=<seconds>,v1=<hex>', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    const t = Math.floor(NOW / 1000);
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${BODY}`).digest('hex')}`);
    expect(verifyWebhook(SECRET, BODY, header, NOW)).toEqual({ ok: true, t });
  });

  it('refuses a changed body, another secret, a malformed header, and a replay older than the tolerance', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    expect(verifyWebhook(SECRET, BODY.replace('"a"', '"b"'), header, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhook(`${SECRET}x`, BODY, header, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhook(SECRET, BODY, undefined, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyWebhook(SECRET, BODY, 't=1,v1=zz', NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyWebhook(SECRET, BODY, header, NOW + 301_000)).toEqual({ ok: false, reason: 'too-old' });
    expect(verifyWebhook(SECRET, BODY, header, NOW - 301_000)).toEqual({ ok: false, reason: 'too-new' });
    expect(verifyWebhook(SECRET, BODY, header, NOW + 299_000).ok).toBe(true);
  });

  it('accepts any matching v1 of several (a secret being rotated)', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    const other = signWebhook('another-secret-that-is-long-enough-000000', BODY, NOW).split(',')[1];
    expect(verifyWebhook(SECRET, BODY, `${header.split(',')[0]},${other},${header.split(',')[1]}`, NOW).ok).toBe(true);
  });
});

describe('webhook retry delays', () => {
  it('doubles from the base per attempt up to an hour, jittered into half to all of it', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelay(1, 1000, () => 0)).toBe(500);
    expect(retryDelay(40, 1000, () => 1)).toBe(3_600_000);
  });
});
