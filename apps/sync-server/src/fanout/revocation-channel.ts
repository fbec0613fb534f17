// Revocations between instances: one Redis pub/sub channel, `<prefix>:revocations`, on which the
// instance that stored a revocation says so, so that every instance closes the connections it covers at
// once. Best-effort like the rest of the fan-out: a message lost is healed by each instance's periodic
// re-read of the store (REVOCATION_CHECK_MS), and a reconnect re-reads at once.

import { randomUUID } from 'node:crypto';
import type { Revocation } from '@tandem/persistence';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { newRedis } from './ioredis.js';

export interface RevocationChannel {
  /** Resolves true once subscribed, or false after `timeoutMs` (the store's re-read covers meanwhile). */
  ready(timeoutMs: number): Promise<boolean>;
  publish(revocation: Revocation): void;
  /** A share link revoked here (by id): the others re-read the revoked links from the store. */
  publishLink(linkId: string): void;
  close(): Promise<void>;
}

export interface RevocationChannelOptions {
  readonly url: string;
  /** The fan-out's prefix (tandem:<schema>): deployments sharing one Redis do not hear each other. */
  readonly prefix: string;
  readonly logger: Logger;
  /** A revocation made on another instance. */
  readonly onRevocation: (revocation: Revocation) => void;
  /** A share link revoked on another instance (a hint: the store decides, see auth/share-links.ts). */
  readonly onLinkRevoked?: (linkId: string) => void;
  /** Connected again after a break: what was published meanwhile is read from the store. */
  readonly onReconnect: () => void;
}

const isRevocation = (r: unknown): r is Revocation => {
  const v = r as Partial<Revocation> | null;
  return (
    typeof v === 'object' && v !== null && (v.kind === 'user' || v.kind === 'token') && typeof v.value === 'string' && v.value !== '' &&
    typeof v.createdAt === 'number' && typeof v.reason === 'string' && (v.until === null || typeof v.until === 'number')
  );
};

export function createRevocationChannel(options: RevocationChannelOptions): RevocationChannel {
  const instance = randomUUID();
  const channel = `${options.prefix}:revocations`;
  const connection = { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 2_000) };
  const pub = newRedis(options.url, connection);
  const sub = newRedis(options.url, { ...connection, enableOfflineQueue: true, maxRetriesPerRequest: null });
  pub.on('error', () => {}); // the fan-out reports Redis' state; the store's re-read covers a lost message
  sub.on('error', () => {});
  let readyOnce = false;
  let subscribed!: () => void;
  const firstSubscribed = new Promise<void>((resolve) => (subscribed = resolve));
  sub.on('ready', () => {
    sub.subscribe(channel).then(subscribed, () => {});
    if (readyOnce) options.onReconnect();
    readyOnce = true;
  });
  sub.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    // Anyone who can publish on Redis may send anything: `null`, a number, an array are dropped here
    // (reading a field of `null` threw in the subscriber's callback, and took the process down).
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
    const message = parsed as { from?: unknown; revocation?: unknown; link?: unknown };
    if (message.from === instance) return;
    if (typeof message.link === 'string' && message.link !== '') {
      options.logger.info({ event: 'share-link-revocation-heard', linkId: message.link }, 'share link revocation heard from another instance');
      options.onLinkRevoked?.(message.link);
      return;
    }
    if (!isRevocation(message.revocation)) return;
    options.logger.info({ event: 'revocation-heard', kind: message.revocation.kind, value: message.revocation.value }, 'revocation heard from another instance');
    options.onRevocation(message.revocation);
  });
  return {
    async ready(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const up = await Promise.race([
        firstSubscribed.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      return up;
    },
    publish(revocation) {
      pub.publish(channel, JSON.stringify({ from: instance, revocation })).catch((err: unknown) => {
        options.logger.warn({ event: 'revocation-publish-failed', err }, 'could not tell the other instances of a revocation; they learn it by re-reading the store');
      });
    },
    publishLink(linkId) {
      pub.publish(channel, JSON.stringify({ from: instance, link: linkId })).catch((err: unknown) => {
        options.logger.warn({ event: 'revocation-publish-failed', err }, 'could not tell the other instances of a share link revoked; they learn it by re-reading the store');
      });
    },
    async close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/**
 * One revocation told to the running instances from outside a server (`tandem revoke` with REDIS_URL):
 * resolves whether Redis took it within `timeoutMs` (if not, the instances' re-read of the store covers).
 */
export async function publishRevocation(url: string, prefix: string, revocation: Revocation, timeoutMs = 2_000): Promise<boolean> {
  const client = newRedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      client
        .connect()
        .then(() => client.publish(`${prefix}:revocations`, JSON.stringify({ from: 'cli', revocation })))
        .then(
          () => true,
          () => false,
        ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
