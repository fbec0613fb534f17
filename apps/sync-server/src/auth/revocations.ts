// Withdrawing access on a running server: a revocation is stored first (the durability point: once
// stored, every instance learns it, at the latest by its next re-read), then learned here, the live
// connections it covers closed, and told to the other instances at once (Redis, see
// ../fanout/revocation-channel.ts). The store is re-read every REVOCATION_CHECK_MS for revocations made
// by `tandem revoke` or by an instance whose message was missed. Authentication checks the list in
// memory (no store query per request); live connections are looked at whenever the list learns a
// revocation, one lookup each.

import type { DocumentStore, Revocation, RevocationKind } from '@tandem/persistence';
import type { Logger } from 'pino';
import { type TandemError } from '../errors.js';
import type { RevocationChannel } from '../fanout/revocation-channel.js';
import { type RevocationList, revokedError } from './revocation-list.js';
import type { ShareLinks } from './share-links.js';
import type { Principal } from './token.js';

/** Revocations past their `until` are deleted from the store this often (and at start). */
const FORGET_EVERY_MS = 3_600_000;

export interface RevocationEvents {
  /** How many revocations this instance holds in force. */
  revocationsInForce(count: number): void;
  /** Live connections closed because a revocation covers them. */
  revokedConnectionsClosed(count: number): void;
}

export interface RevocationsDeps {
  readonly events?: RevocationEvents;
  readonly store: DocumentStore;
  readonly list: RevocationList;
  readonly logger: Logger;
  /** Closes every live connection for which `covers` gives an error, with it; returns how many. */
  readonly closeCovered: (covers: (principal: Principal) => TandemError | undefined) => number;
  /** How often the store is re-read. */
  readonly checkMs: number;
  /**
   * The share links (sign-in on): a user revocation revokes, in the store, the links the user made;
   * they are read again here at once (the connections from them closed), and when another instance
   * says it revoked a user.
   */
  readonly links?: Pick<ShareLinks, 'refresh' | 'heard'>;
}

export interface RevocationRequest {
  readonly kind: RevocationKind;
  readonly value: string;
  readonly until: number | null;
  readonly reason: string;
}

export interface Revocations {
  /** Stores, applies here (closing the connections it covers) and tells the other instances. */
  revoke(request: RevocationRequest): Promise<{ revocation: Revocation; closed: number }>;
  /** Those in force, as this instance knows them. */
  list(): Revocation[];
  /** Another instance says it made a revocation (heard on Redis): the store is read at once, and what it holds applies. */
  heard(revocation: Revocation): void;
  /** Re-reads the store now (also after Redis reconnects: messages may have been missed). */
  reread(): Promise<void>;
  /** Reads the store once (so that a restarted server refuses revoked tokens from its first request), then every checkMs. */
  start(channel?: RevocationChannel): Promise<void>;
  /** Stops re-reading; resolves once a re-read in progress is done (the store may then close). */
  stop(): Promise<void>;
}

export function createRevocations({ store, list, logger, closeCovered, checkMs, events, links }: RevocationsDeps): Revocations {
  let channel: RevocationChannel | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastForget = 0;
  let rereading: Promise<void> | undefined;

  const closeNow = (why: string): number => {
    events?.revocationsInForce(list.size);
    if (list.size === 0) return 0;
    const closed = closeCovered((principal) => {
      const r = list.covering(principal);
      return r === undefined ? undefined : revokedError(r, principal);
    });
    if (closed > 0) events?.revokedConnectionsClosed(closed);
    if (closed > 0) logger.info({ event: 'revoked-connections-closed', closed, why }, `closed ${closed} connection(s) whose access was revoked`);
    return closed;
  };

  const reread = (): Promise<void> =>
    (rereading ??= (async () => {
      try {
        const now = Date.now();
        if (now - lastForget >= FORGET_EVERY_MS) {
          lastForget = now;
          const forgotten = await store.forgetRevocations(now);
          if (forgotten > 0) logger.info({ event: 'revocations-forgotten', forgotten }, `forgot ${forgotten} revocation(s) past their until`);
        }
        list.beginReread();
        // Connections are looked at only when the store brought something new: one authenticated
        // before a revocation was learned here was closed when it was learned (add, heard).
        if (list.replace(await store.listRevocations(Date.now()))) closeNow('re-read');
        else events?.revocationsInForce(list.size);
      } catch (err) {
        // The list held stays in force; the next re-read tries again.
        logger.warn({ event: 'revocations-reread-failed', err }, 'could not re-read revocations from the store; the ones known stay in force');
      } finally {
        rereading = undefined;
      }
    })());

  return {
    async revoke({ kind, value, until, reason }) {
      const revocation = await store.revoke({ kind, value, until, reason, createdAt: Date.now() });
      list.add([revocation]);
      let closed = closeNow('revoked');
      // A user's revocation ends the links they made, a token's the links made with it (in the store, in
      // the same transaction): what was redeemed from them closes too.
      if (links !== undefined) closed += await links.refresh();
      channel?.publish(revocation);
      logger.info({ event: 'revoked', kind, value, until, reason, closed }, `revoked ${kind} ${value}`);
      return { revocation, closed };
    },
    list: () => list.list(),
    heard(revocation) {
      // What Redis brings is a hint: the store decides (a message anyone on Redis could publish closes
      // nobody by itself). Read after any read in progress, which may have started before it was stored.
      void (rereading ?? Promise.resolve()).then(reread);
      links?.heard();
    },
    reread,
    async start(ch) {
      channel = ch;
      await reread();
      timer = setInterval(() => void reread(), checkMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await rereading;
    },
  };
}
