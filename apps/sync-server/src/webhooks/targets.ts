// Where webhook deliveries go, and how a queued delivery names its target in the store. A URL may hold
// secrets (user:pass@, a ?token= query); the store keeps only the URL without them and a fingerprint keyed
// with WEBHOOK_SECRET, and the dispatcher finds the configured URL again by that key.

import { createHmac } from 'node:crypto';

export interface WebhookTarget {
  /** The URL as configured, credentials included: used only to send. */
  readonly url: string;
  /** The name queued deliveries carry in the store: the URL itself when it holds nothing secret. */
  readonly key: string;
  /** The URL as logs show it (see redactUrl). */
  readonly shown: string;
  /** The target as /metrics, which answers anyone, names it (see metricLabel). */
  readonly label: string;
}

/** A URL as logs and metrics show it: no credentials, query or fragment (they may hold secrets). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * A target as /metrics names it: its origin and 16 hex digits of HMAC-SHA256(secret, url), never its path.
 * /metrics answers anyone, and capability URLs (Zapier's, Slack's, Discord's incoming webhooks) keep
 * their secret in the path: whoever read it could post to the receiver (found by a review). The log,
 * which only the operator reads, shows the path (redactUrl).
 */
export function metricLabel(url: string, secret: string): string {
  let origin: string;
  try {
    const u = new URL(url);
    origin = `${u.protocol}//${u.host}`;
  } catch {
    origin = '(invalid URL)';
  }
  return `${origin}/…#${createHmac('sha256', secret).update(url).digest('hex').slice(0, 16)}`;
}

/**
 * The targets of WEBHOOK_URL. A URL with credentials, a query or a fragment is keyed by its redacted form
 * and 16 hex digits of HMAC-SHA256(secret, url): configured URLs that differ only in what is hidden stay
 * apart, and the store holds nothing that gives the hidden part away. (A new WEBHOOK_SECRET gives such a
 * URL a new key; what was queued under the old one is then dropped, as for a URL taken out of WEBHOOK_URL.)
 */
export function webhookTargets(urls: readonly string[], secret: string): WebhookTarget[] {
  // A URL named twice is one target: else every event would be queued, and sent, twice to it.
  return [...new Set(urls)].map((url) => {
    const shown = redactUrl(url);
    const u = new URL(url);
    const hidesSomething = u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '';
    const key = hidesSomething ? `${shown}#${createHmac('sha256', secret).update(url).digest('hex').slice(0, 16)}` : url;
    return { url, key, shown, label: metricLabel(url, secret) };
  });
}

/**
 * Where a delivery goes and how: fetch refuses a URL with credentials (`https://user:pass@host/`), so
 * they travel as Basic authorization instead, as a browser or curl would send them.
 */
export function webhookRequest(target: string): { url: string; headers: Record<string, string> } {
  const u = new URL(target);
  if (u.username === '' && u.password === '') return { url: target, headers: {} };
  const credentials = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  u.username = '';
  u.password = '';
  return { url: u.toString(), headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } };
}
