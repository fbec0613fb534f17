// Liveness, readiness and Prometheus metrics.

import type { DocumentStore } from '@tandem/persistence';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { StoreAvailability } from '../store-availability.js';

/** Longest /readyz waits for the store: a database that hangs must not hang the probe that asks about it. */
export const READY_DEADLINE_MS = 2_000;

export interface HealthDeps {
  readonly store: DocumentStore;
  readonly registry: Registry;
  readonly isShuttingDown: () => boolean;
  /** Told what each readiness check found (PostgreSQL only). */
  readonly availability?: Pick<StoreAvailability, 'failed' | 'succeeded'>;
}

export function healthRoutes({ store, registry, isShuttingDown, availability }: HealthDeps): Hono {
  const app = new Hono();
  // One check at a time: probes that arrive while a database hangs share it rather than pile up in the pool.
  let checking: Promise<void> | undefined;
  const check = () => (checking ??= store.checkHealth().finally(() => (checking = undefined)));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (isShuttingDown()) return c.json({ status: 'shutting-down' }, 503);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the store did not answer within ${READY_DEADLINE_MS} ms`)), READY_DEADLINE_MS);
    });
    try {
      await Promise.race([check(), late]);
      availability?.succeeded();
      return c.json({ status: 'ready' });
    } catch (error) {
      availability?.failed(error);
      return c.json({ status: 'unavailable', error: (error as Error).message }, 503);
    } finally {
      clearTimeout(timer);
    }
  });
  app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  return app;
}
