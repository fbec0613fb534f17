// Share links (see ../auth/share-links.ts):
//   POST   /api/docs/<doc>/share-links {role, expiresIn | expiresAt} → 201 link (editors of <doc>)
//   GET    /api/docs/<doc>/share-links                               → {doc, links} (editors)
//   DELETE /api/docs/<doc>/share-links/<id>                          → {link, closed} (editors)
//   POST   /api/share-links/redeem {secret, name?}                   → {token, expiresAt, doc, role, userId}
//                                     (at most SHARE_LINK_REDEEMS_PER_MINUTE per client address, else 429)
// With sign-in off there is nothing to share but the address: every route answers 409.

import type { OpenAPIHono } from '@hono/zod-openapi';
import type { DocumentStore, ShareLink } from '@tandem/persistence';
import type { Context } from 'hono';
import { type Authenticate, authorizeDoc, type Redirects } from '../auth/authenticate.js';
import type { ShareLinks } from '../auth/share-links.js';
import { cleanName } from '../authors/guest-identity.js';
import type { Principal, Role } from '../auth/token.js';
import type { Config } from '../config.js';
import { TandemError } from '../errors.js';
import { trashedError } from '../sync/room.js';
import { addressKey } from '../ip-address.js';
import type { SyncEvents } from '../sync/events.js';
import { StoreRate } from '../sync/store-rate.js';
import { requestAddress } from './request-address.js';
import { apiApp } from './api-app.js';
import { requireEditor, requireNoShareLink } from './history.routes.js';
import { createShareLink, listShareLinks, redeemShareLink, revokeShareLink } from './share-links.schemas.js';

export interface ShareLinkRouteDeps {
  readonly authenticate: Authenticate;
  /** A token naming a renamed document by its old name still opens it; a document in the trash gets no new link. */
  readonly store: Redirects & Pick<DocumentStore, 'inTrash'>;
  readonly shareLinks?: ShareLinks;
  readonly config: Pick<Config, 'basePath' | 'shareLinkRedeemsPerMinute'>;
  readonly events: Pick<SyncEvents, 'limitHit'>;
}

const iso = (t: number) => new Date(t).toISOString();

export function shareLinkRoutes({ authenticate, store, shareLinks, config, events }: ShareLinkRouteDeps): { docs: OpenAPIHono; redeem: OpenAPIHono } {
  // Redeeming mints a token and reads the store: per client address (an IPv6 client's /64), a bucket of
  // one a redeem, refilled at the configured rate a minute, with a burst of as many.
  const perMinute = config.shareLinkRedeemsPerMinute;
  const redeemRate = new StoreRate(perMinute * 60, perMinute);
  const admitRedeem = (c: Context): void => {
    const key = addressKey(requestAddress(c));
    if (redeemRate.take(key, 1)) return;
    events.limitHit('share-link-redeems');
    const retryAfterSeconds = Math.max(1, Math.ceil(redeemRate.waitMs(key, 1) / 1000));
    throw new TandemError('rate-limited', `Too many share links redeemed from this address (at most ${perMinute} a minute); try again in ${retryAfterSeconds} s`, {
      ip: key,
      retryAfterSeconds,
    });
  };
  const enabled = (): ShareLinks => {
    if (shareLinks === undefined) throw new TandemError('conflict', 'Share links need sign-in (AUTH_SECRET): without it, share the address');
    return shareLinks;
  };
  /**
   * An editor of `doc` who did not come in through a share link. Access from a link neither makes,
   * lists nor revokes links: a list holds every link's secret, and revoking the guest's own link must
   * end everything that came from it (not leave it another link's secret to redeem).
   */
  const editorOf = async (c: Context, doc: string, what: string): Promise<Principal> => {
    const principal = await authenticate(c);
    await authorizeDoc(principal, doc, store);
    requireEditor(principal, what);
    requireNoShareLink(principal, what, doc);
    return principal;
  };
  /** The address to open: this server as the browser reached it, the secret after `#` (never sent to a server or kept in its logs). */
  const urlOf = (c: Context, doc: string, secret: string) => {
    const origin = c.req.header('origin') ?? new URL(c.req.url).origin;
    return `${origin}${config.basePath}/d/${encodeURIComponent(doc)}#share=${secret}`;
  };
  const body = async (c: Context, links: ShareLinks, l: ShareLink) => ({
    id: l.id,
    doc: l.doc,
    role: l.role as Role,
    url: urlOf(c, l.doc, await links.secretOf(l)),
    createdBy: l.createdBy,
    createdAt: iso(l.createdAt),
    expiresAt: iso(l.expiresAt),
    revokedAt: l.revokedAt === null ? null : iso(l.revokedAt),
  });

  const docs = apiApp();
  docs.openapi(createShareLink, async (c) => {
    const { doc } = c.req.valid('param');
    const links = enabled();
    const creator = await editorOf(c, doc, 'make share links');
    // Closed to everyone while in the trash (410, as every route of it): no new way in. Its links stay
    // listed and revocable, so that restoring it does not bring back one its people meant to end.
    if ((await store.inTrash(doc)) !== undefined) throw trashedError(doc);
    const input = c.req.valid('json');
    const expiresAt = input.expiresAt ?? Date.now() + input.expiresIn! * 1000;
    const { link } = await links.create(creator, doc, input.role, expiresAt);
    return c.json(await body(c, links, link), 201);
  });
  docs.openapi(listShareLinks, async (c) => {
    const { doc } = c.req.valid('param');
    const links = enabled();
    await editorOf(c, doc, 'see the share links');
    const all = await links.list(doc);
    return c.json({ doc, links: await Promise.all(all.map((l) => body(c, links, l))) });
  });
  docs.openapi(revokeShareLink, async (c) => {
    const { doc, id } = c.req.valid('param');
    const links = enabled();
    await editorOf(c, doc, 'revoke share links');
    const revoked = await links.revoke(doc, id);
    if (revoked === undefined) throw new TandemError('not-found', `${JSON.stringify(doc)} has no share link ${JSON.stringify(id)}`, { doc });
    return c.json({ link: await body(c, links, revoked.link), closed: revoked.closed });
  });

  const redeem = apiApp();
  redeem.openapi(redeemShareLink, async (c) => {
    const links = enabled();
    // Before anything else: a wrong secret counts too (guessing is what the limit is for).
    admitRedeem(c);
    const { secret, name: given } = c.req.valid('json');
    // Cleaned as a guest's name is: what would let it pose as another goes.
    const name = given === undefined ? undefined : cleanName(given);
    if (given !== undefined && name === undefined) throw new TandemError('bad-request', 'The name has no visible characters');
    // A token this browser holds already (sent as Bearer): from the same link, the same person.
    const holder = c.req.header('authorization') === undefined ? undefined : await authenticate(c).catch(() => undefined);
    const r = await links.redeem(secret, name, holder);
    return c.json({ token: r.token, expiresAt: iso(r.expiresAt), doc: r.link.doc, role: r.link.role as Role, userId: r.userId });
  });
  return { docs, redeem };
}
