// The routes of share links (share-links.routes.ts), declared: what they check and what they answer.

import { SHARE_ROLES } from '../auth/share-links.js';
import { apiRoute, DocParams, IsoTime, IsoTimeInput, json, wholeField, z } from './api-schemas.js';

const ShareLink = z
  .object({
    id: z.string(),
    doc: z.string(),
    role: z.enum(SHARE_ROLES),
    url: z.string().openapi({ description: 'Opening it gives the person a token of their own (the secret is after #share=)' }),
    createdBy: z.string(),
    createdAt: IsoTime,
    expiresAt: IsoTime,
    revokedAt: IsoTime.nullable(),
  })
  .openapi('ShareLink');

const CreateBody = z
  .object({
    role: z.enum(SHARE_ROLES, { error: `must be one of ${SHARE_ROLES.join(', ')}` }),
    expiresIn: wholeField({ min: 60, max: 30 * 24 * 3600 }).optional().openapi({ description: 'Seconds from now' }),
    expiresAt: IsoTimeInput.optional(),
  })
  .refine((b) => (b.expiresIn === undefined) !== (b.expiresAt === undefined), { error: 'give one of expiresIn (seconds) or expiresAt (ISO time)' });

const LinkParams = DocParams.extend({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

export const createShareLink = apiRoute({
  method: 'post',
  path: '/{doc}/share-links',
  tags: ['share links'],
  summary: "Makes a link that gives whoever opens it a token of their own for this document: the role asked (never above the caller's) until the expiry (never past the caller's token; at most 30 days) (editors, sign-in on); 429 once the caller holds 1 000 links not yet expired, revoked ones included",
  request: { params: DocParams, body: { required: true, ...json(CreateBody) } },
  errors: [403, 409, 415, 429],
  responses: { 201: { description: 'Made; expiresAt may be earlier than asked (capped)', ...json(ShareLink) } },
});

export const listShareLinks = apiRoute({
  method: 'get',
  path: '/{doc}/share-links',
  tags: ['share links'],
  summary: "A document's share links not yet expired, newest first, revoked ones included (editors, sign-in on)",
  request: { params: DocParams },
  errors: [403, 409],
  responses: { 200: { description: 'The links', ...json(z.object({ doc: z.string(), links: z.array(ShareLink) })) } },
});

export const revokeShareLink = apiRoute({
  method: 'delete',
  path: '/{doc}/share-links/{id}',
  tags: ['share links'],
  summary: 'Revokes a share link: it opens nothing more, and the tokens redeemed from it are refused and their connections closed (4401) (editors, sign-in on)',
  request: { params: LinkParams },
  errors: [403, 404, 409],
  responses: { 200: { description: 'Revoked; closed: connections closed here', ...json(z.object({ link: ShareLink, closed: z.number().int() })) } },
});

export const redeemShareLink = apiRoute({
  method: 'post',
  path: '/redeem',
  tags: ['share links'],
  summary: "Trades a share link's secret for a token of one's own (a new user id share:…, or the one of a token from the same link sent as Bearer)",
  open: true,
  request: {
    body: {
      required: true,
      ...json(z.object({ secret: z.string().min(1).max(2048), name: z.string().trim().min(1).max(40).optional().openapi({ description: 'The name the others see' }) })),
    },
  },
  errors: [401, 409, 415, 429],
  responses: {
    200: {
      description: 'The token, its expiry, and what it opens',
      ...json(z.object({ token: z.string(), expiresAt: IsoTime, doc: z.string(), role: z.enum(SHARE_ROLES), userId: z.string() })),
    },
  },
});
