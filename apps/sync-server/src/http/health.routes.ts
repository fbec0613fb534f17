// Liveness, readiness and Prometheus metrics.

import type { DocumentStore } from '@tandem/persistence';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export interface HealthDeps {
  readonly store: DocumentStore;
  readonly registry: Registry;
  readonly isShuttingDown: () => boolean;
}

export function healthRoutes({ store, registry, isShuttingDown }: HealthDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (isShuttingDown()) return c.json({ status: 'shutting-down' }, 503);
    try {
      await store.checkHealth();
      return c.json({ status: 'ready' });
    } catch (error) {
      return c.json({ status: 'unavailable', error: (error as Error).message }, 503);
    }
  });
  app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  return app;
}
