// The admin API: withdrawing access. Only an admin token (`admin: true`, minted by `tandem token
// --admin` with the server's AUTH_SECRET) may call it; with authentication off there are no tokens to
// withdraw, and it answers 403.
//   POST /api/admin/revocations  { user | tokenId, reason?, until? }  → 201 { revocation, closed }
//   GET  /api/admin/revocations                                        → { revocations }

import type { Revocation } from '@tandem/persistence';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Authenticate } from '../auth/authenticate.js';
import { parseUntil } from '../auth/revocation-list.js';
import type { Revocations } from '../auth/revocations.js';
import { isAnonymous } from '../auth/token.js';
import { TandemError } from '../errors.js';
import { listRevocations, revoke } from './admin.schemas.js';
import { apiApp } from './api-app.js';

export interface AdminRouteDeps {
  readonly authenticate: Authenticate;
  readonly revocations: Revocations;
}

const json = (r: Revocation) => ({ kind: r.kind, value: r.value, until: r.until, createdAt: r.createdAt, reason: r.reason });

export function adminRoutes({ authenticate, revocations }: AdminRouteDeps): OpenAPIHono {
  const app = apiApp();
  const requireAdmin = async (c: Context) => {
    const principal = await authenticate(c);
    if (isAnonymous(principal)) throw new TandemError('forbidden', 'The admin API needs authentication on (AUTH_SECRET) and an admin token');
    if (principal.admin !== true) throw new TandemError('forbidden', 'The admin API needs an admin token (tandem token --admin)', { user: principal.userId });
    return principal;
  };

  app.openapi(revoke, async (c) => {
    const admin = await requireAdmin(c);
    const body = c.req.valid('json');
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

  app.openapi(listRevocations, async (c) => {
    await requireAdmin(c);
    return c.json({ revocations: revocations.list().map(json) });
  });
  return app;
}
