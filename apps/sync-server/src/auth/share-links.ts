// Share links: an editor of a document makes a link with a role and an expiry; whoever opens it trades
// its secret (share-link-secret.ts) for a token of their own: a user id of their own (`share:<random>`),
// the link's document only, the link's role and never past its expiry, with the claim `lid`.
// Revoking a link is stored first (the durability point), then learned here and its live connections
// closed at once (4401 token-revoked), and the other instances told on Redis (they re-read the store at
// once); the store is re-read every REVOCATION_CHECK_MS, so every instance refuses its tokens, and
// closes their connections, within that interval even if the message is lost. Revoking a user revokes
// the links they made, in the store (see DocumentStore.revoke): the same path then ends them everywhere.

import { randomBytes, randomUUID } from 'node:crypto';
import type { DocumentStore, ShareLink } from '@tandem/persistence';
import type { Logger } from 'pino';
import { TandemError } from '../errors.js';
import { type RevokedLinkList, revokedLinkError } from './revoked-link-list.js';
import { linkIdOf, linkSecret } from './share-link-secret.js';
import { mintToken, type Principal, type Role } from './token.js';

/**
 * The roles a link may grant, lowest first; a link never grants more than its creator holds. Every
 * Role must be ranked here (the compiler says so): a new role is one line.
 */
export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 0, commenter: 1, editor: 2 };
export const SHARE_ROLES = Object.keys(ROLE_RANK).sort((a, b) => ROLE_RANK[a as Role] - ROLE_RANK[b as Role]) as [Role, ...Role[]];

/** No link lasts longer than this. */
export const MAX_LINK_MS = 30 * 24 * 3_600_000;
/** Nor less (a link that expires before it can be sent is a mistake). */
export const MIN_LINK_MS = 60_000;
/**
 * Links one user may hold not yet expired, revoked ones included: every revoked link is read again by
 * every instance every REVOCATION_CHECK_MS until it expires (see reread), on the thread that serves
 * everyone. Without a cap, a script making and revoking links (about a hundred a second) left 300 000
 * of them, and a 0.7 s stall every 5 s for 30 days (found by a review). A person makes a few a day.
 */
export const MAX_LINKS_PER_USER = 1_000;

export interface ShareLinksDeps {
  readonly store: DocumentStore;
  readonly secret: string;
  readonly list: RevokedLinkList;
  readonly logger: Logger;
  /** Closes every live connection for which `covers` gives an error, with it; returns how many. */
  readonly closeCovered: (covers: (principal: Principal) => TandemError | undefined) => number;
  readonly checkMs: number;
  /** Tells the other instances a link was revoked (Redis; they re-read the store at once). */
  readonly channel?: { publishLink(linkId: string): void };
  readonly now?: () => number;
  /** Told when a user is refused a link for holding MAX_LINKS_PER_USER (tandem_limits_hit_total). */
  readonly limitHit?: (kind: 'share-links-per-user') => void;
}

export interface CreatedLink {
  readonly link: ShareLink;
  readonly secret: string;
}

export interface Redeemed {
  readonly token: string;
  readonly expiresAt: number;
  readonly link: ShareLink;
  readonly userId: string;
}

export interface ShareLinks {
  /** `creator` is an editor of `doc` (the route checks). The expiry is capped at the creator's token's. */
  create(creator: Principal, doc: string, role: Role, expiresAt: number): Promise<CreatedLink>;
  list(doc: string): Promise<ShareLink[]>;
  secretOf(link: ShareLink): Promise<string>;
  /** Resolves undefined when `doc` has no such link. */
  revoke(doc: string, id: string): Promise<{ link: ShareLink; closed: number } | undefined>;
  /** `holder`: a token the browser holds already; from the same link, its user id is kept (a reload is the same person). */
  redeem(secret: string, name: string | undefined, holder: Principal | undefined): Promise<Redeemed>;
  reread(): Promise<void>;
  /**
   * Reads the store after any read in progress (which may have begun before a change it must see) and
   * closes the connections of links newly revoked; resolves with how many. After a user revocation here.
   */
  refresh(): Promise<number>;
  /**
   * The store revoked links itself (purging a document revokes its links): they apply here at once,
   * their connections are closed, and the other instances are told. Resolves with the connections closed.
   */
  storeRevoked(why: string): Promise<number>;
  /** Another instance says it revoked a link (or a user, whose links the store revoked): the store is read (after any read in progress), and what it holds applies. */
  heard(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const shareUserId = () => `share:${randomBytes(12).toString('base64url')}`;

export function createShareLinks({ store, secret, list, logger, closeCovered, checkMs, channel, now = Date.now, limitHit }: ShareLinksDeps): ShareLinks {
  let timer: NodeJS.Timeout | undefined;
  /** Revoked here while a re-read runs (it may have read before they were stored). */
  let learned: string[] | undefined;

  const closeLinks = (why: string): number => {
    if (list.size === 0) return 0;
    const closed = closeCovered((principal) => (list.covers(principal) ? revokedLinkError(principal) : undefined));
    if (closed > 0) logger.info({ event: 'share-link-connections-closed', closed, why }, `closed ${closed} connection(s) of revoked share links`);
    return closed;
  };

  let rereading: Promise<number> | undefined;
  /** Resolves with the connections it closed. */
  const reread = (): Promise<number> =>
    (rereading ??= (async () => {
      try {
        learned = [];
        const ids = await store.listRevokedShareLinks(now());
        return list.replace(ids, learned) ? closeLinks('re-read') : 0;
      } catch (err) {
        logger.warn({ event: 'share-links-reread-failed', err }, 'could not re-read revoked share links; the ones known stay revoked');
        return 0;
      } finally {
        learned = undefined;
        rereading = undefined;
      }
    })());
  const rereadAfter = (): Promise<number> => (rereading ?? Promise.resolve()).then(reread);

  return {
    async create(creator, doc, role, expiresAt) {
      if (ROLE_RANK[role] > ROLE_RANK[creator.role]) {
        throw new TandemError('forbidden', `A ${creator.role} may not share as ${role}`, { doc, user: creator.userId });
      }
      const at = now();
      const capped = Math.min(expiresAt, at + MAX_LINK_MS, creator.expiresAt ?? Number.POSITIVE_INFINITY);
      if (capped - at < MIN_LINK_MS) {
        throw new TandemError('bad-request', `A share link must last at least ${MIN_LINK_MS / 1000} s (and not past your own access)`, { doc });
      }
      // Counted before the write: links made at once may pass the cap by as many (each costs a request).
      const held = await store.countShareLinksBy(creator.userId, at);
      if (held.count >= MAX_LINKS_PER_USER) {
        limitHit?.('share-links-per-user');
        const retryAfterSeconds = Math.max(1, Math.ceil(((held.firstExpiresAt ?? at) - at) / 1000));
        throw new TandemError(
          'rate-limited',
          `You have ${held.count} share links not yet expired (revoked ones count until they expire); the next one can be made in ${retryAfterSeconds} s`,
          { doc, user: creator.userId, retryAfterSeconds },
        );
      }
      // With the maker's token id: revoking that token (a leaked one) ends the link too.
      const link = await store.createShareLink({
        id: randomUUID(),
        doc,
        role,
        createdBy: creator.userId,
        ...(creator.tokenId === undefined ? {} : { createdByToken: creator.tokenId }),
        createdAt: at,
        expiresAt: capped,
        revokedAt: null,
      });
      logger.info({ event: 'share-link-created', doc, id: link.id, role, expiresAt: link.expiresAt, by: creator.userId }, `share link made for ${doc}`);
      return { link, secret: await linkSecret(secret, link) };
    },
    list: (doc) => store.listShareLinks(doc, now()),
    secretOf: (link) => linkSecret(secret, link),
    async revoke(doc, id) {
      const link = await store.revokeShareLink(doc, id, now());
      if (link === undefined) return undefined;
      list.add(id);
      learned?.push(id);
      const closed = closeLinks('revoked');
      channel?.publishLink(id);
      logger.info({ event: 'share-link-revoked', doc, id, closed }, `share link revoked for ${doc}`);
      return { link, closed };
    },
    async redeem(linkSecretValue, name, holder) {
      const id = await linkIdOf(secret, linkSecretValue);
      const link = await store.getShareLink(id);
      const at = now();
      if (link === undefined || link.revokedAt !== null) throw new TandemError('token-revoked', 'This share link was revoked', { linkId: id });
      if (link.expiresAt <= at) throw new TandemError('token-expired', 'This share link has expired', { linkId: id });
      const userId = holder?.linkId === id && holder.userId.startsWith('share:') ? holder.userId : shareUserId();
      const ttl = Math.floor((link.expiresAt - at) / 1000);
      const role = link.role as Role;
      const token = await mintToken(secret, { userId, name: name ?? 'Guest', docs: [link.doc], role, ttl, linkId: id });
      logger.info({ event: 'share-link-redeemed', doc: link.doc, id, user: userId }, `share link redeemed for ${link.doc}`);
      return { token, expiresAt: at + ttl * 1000, link, userId };
    },
    reread: async () => void (await reread()),
    refresh: rereadAfter,
    async storeRevoked(why) {
      const closed = await rereadAfter();
      channel?.publishLink(why);
      return closed;
    },
    heard() {
      void rereadAfter();
    },
    async start() {
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
