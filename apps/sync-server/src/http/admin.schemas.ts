// The routes of the admin API (admin.routes.ts), declared: what they check and what they answer.

import { apiRoute, json, z } from './api-schemas.js';

const id = z.string().trim().min(1).max(256);

export const RevokeBody = z
  .object({
    user: id.optional(),
    tokenId: id.optional(),
    reason: z.string().trim().max(500).default(''),
    /** 'never' / null (default), a duration from now (30d), an ISO time or ms since epoch. */
    until: z
      .union([z.string(), z.number(), z.null()])
      .optional()
      .openapi({ description: 'never or null (the default), a duration from now (30d), an ISO time or ms since the epoch' }),
  })
  .strict()
  .refine((b) => (b.user === undefined) !== (b.tokenId === undefined), { message: 'give exactly one of user and tokenId' });

const Revocation = z
  .object({ kind: z.enum(['user', 'token']), value: z.string(), until: z.number().nullable(), createdAt: z.number(), reason: z.string() })
  .openapi('Revocation', { description: 'until and createdAt: ms since the epoch' });

export const revoke = apiRoute({
  method: 'post',
  path: '/revocations',
  tags: ['admin'],
  summary: 'Withdraws access from a user or one token; live connections it covers close at once (admin tokens)',
  request: { body: { required: true, ...json(RevokeBody) } },
  errors: [403, 415],
  responses: {
    201: { description: 'Revoked; closed: connections closed', ...json(z.object({ revocation: Revocation, closed: z.number().int(), by: z.string() })) },
  },
});

export const listRevocations = apiRoute({
  method: 'get',
  path: '/revocations',
  tags: ['admin'],
  summary: 'The revocations in force (admin tokens)',
  errors: [403],
  responses: { 200: { description: 'The revocations', ...json(z.object({ revocations: z.array(Revocation) })) } },
});
