// The admin API: withdrawing access. Only an admin token (`admin: true`, minted by `tandem token
// --admin` with the server's AUTH_SECRET) may call it; with authentication off there are no tokens to
// withdraw, and it answers 403.
//   POST /api/admin/revocations  { user | tokenId, reason?, until? }  → 201 { revocation, closed }
//   GET  /api/admin/revocations                                        → { revocations }

import type { Revocation } from '@tandem/persistence';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { Authenticate } from '../auth/authenticate.js';
import { parseUntil } from '../auth/revocation-list.js';
import type { Revocations } from '../auth/revocations.js';
import { LOCAL_PRINCIPAL } from '../auth/token.js';
import { TandemError } from '../errors.js';

export interface AdminRouteDeps {
  readonly authenticate: Authenticate;
  readonly revocations: Revocations;
}

const id = z.string().trim().min(1).max(256);
const RevokeBody = z
  .object({
    user: id.optional(),
    tokenId: id.optional(),
    reason: z.string().trim().max(500).default(''),
    /** 'never' / null (default), a duration from now (30d), an ISO time or ms since epoch. */
    until: z.union([z.string(), z.number(), z.null()]).optional(),
  })
  .strict()
  .refine((b) => (b.user === undefined) !== (b.tokenId === undefined), { message: 'give exactly one of user and tokenId' });

const json = (r: Revocation) => ({ kind: r.kind, value: r.value, until: r.until, createdAt: r.createdAt, reason: r.reason });

export function adminRoutes({ authenticate, revocations }: AdminRouteDeps): Hono {
  const app = new Hono();
  const requireAdmin = async (c: Context) => {
    const principal = await authenticate(c);
    if (principal === LOCAL_PRINCIPAL) throw new TandemError('forbidden', 'The admin API needs authentication on (AUTH_SECRET) and an admin token');
    if (principal.admin !== true) throw new TandemError('forbidden', 'The admin API needs an admin token (tandem token --admin)', { user: principal.userId });
    return principal;
  };

  app.post('/revocations', async (c) => {
    const admin = await requireAdmin(c);
    const parsed = RevokeBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) throw new TandemError('bad-request', `Invalid revocation: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
    const body = parsed.data;
    let until: number | null;
    try {
      until = parseUntil(body.until, Date.now());
    } catch (error) {
      throw new TandemError('bad-request', (error as Error).message);
    }
    const kind = body.user === undefined ? 'token' : 'user';
    const { revocation, closed } = await revocations.revoke({ kind, value: (body.user ?? body.tokenId)!, until, reason: body.reason });
    return c.json({ revocation: json(revocation), closed, by: admin.userId }, 201);
  });

  app.get('/revocations', async (c) => {
    await requireAdmin(c);
    return c.json({ revocations: revocations.list().map(json) });
  });
  return app;
}
