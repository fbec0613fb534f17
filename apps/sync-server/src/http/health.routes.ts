// Liveness, readiness and Prometheus metrics.

import { PersistenceError, type DocumentStore } from '@tandem/persistence';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { StoreAvailability } from '../store-availability.js';
import { apiApp } from './api-app.js';
import { apiRoute, json, z } from './api-schemas.js';

/** Longest /readyz waits for the store: a database that hangs must not hang the probe that asks about it. */
export const READY_DEADLINE_MS = 2_000;

/**
 * Why the store is not ready, as /readyz tells anyone who asks (probes, balancers): a kind of failure and a
 * fixed sentence. The error itself names files, hosts and database users; it goes to the log only.
 */
const NOT_READY = {
  'store-failed': 'a disk flush failed: the store refuses writes until you restart the server (see the log)',
  'insufficient-storage': 'free disk space is below MIN_FREE_DISK_BYTES: writes are refused (see the log)',
  'store-timeout': `the store did not answer within ${READY_DEADLINE_MS} ms`,
  'store-unavailable': 'the store cannot be read or written (see the log)',
} as const;
type NotReady = keyof typeof NOT_READY;

class StoreTimeout extends Error {}

const notReadyReason = (error: unknown): NotReady => {
  if (error instanceof StoreTimeout) return 'store-timeout';
  if (error instanceof PersistenceError && error.code === 'write-failed') return 'store-failed';
  if (error instanceof PersistenceError && error.code === 'insufficient-storage') return 'insufficient-storage';
  return 'store-unavailable';
};

const Status = <T extends string>(...values: [T, ...T[]]) => z.object({ status: z.enum(values) });

const healthz = apiRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness: the process is up',
  open: true,
  responses: { 200: { description: 'Up', ...json(Status('ok')) } },
});

const readyz = apiRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Readiness: storage can be read and written',
  open: true,
  responses: {
    200: { description: 'Ready', ...json(Status('ready')) },
    503: {
      description: 'Storage cannot answer (or failed a disk flush, or is below MIN_FREE_DISK_BYTES), or the server is shutting down',
      ...json(
        z.object({
          status: z.enum(['unavailable', 'shutting-down']),
          reason: z.enum(Object.keys(NOT_READY) as [NotReady, ...NotReady[]]).optional(),
          error: z.string().optional(),
        }),
      ),
    },
  },
});

const metrics = apiRoute({
  method: 'get',
  path: '/metrics',
  tags: ['health'],
  summary: 'Prometheus metrics',
  open: true,
  responses: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
});

export interface HealthDeps {
  readonly store: DocumentStore;
  readonly registry: Registry;
  readonly isShuttingDown: () => boolean;
  readonly logger: Logger;
  /** Told what each readiness check found (PostgreSQL only). */
  readonly availability?: Pick<StoreAvailability, 'failed' | 'succeeded'>;
}

export function healthRoutes({ store, registry, isShuttingDown, logger, availability }: HealthDeps): OpenAPIHono {
  const app = apiApp();
  // The operator hears each change of answer once, with the error, rather than once per probe.
  let lastReason: NotReady | undefined;
  // One check at a time: probes that arrive while a database hangs share it rather than pile up in the pool.
  let checking: Promise<void> | undefined;
  const check = () => (checking ??= store.checkHealth().finally(() => (checking = undefined)));
  app.openapi(healthz, (c) => c.json({ status: 'ok' }));
  app.openapi(readyz, async (c) => {
    if (isShuttingDown()) return c.json({ status: 'shutting-down' }, 503);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeout(NOT_READY['store-timeout'])), READY_DEADLINE_MS);
    });
    try {
      await Promise.race([check(), late]);
      availability?.succeeded();
      if (lastReason !== undefined) logger.info({ event: 'ready' }, '/readyz answers ready again');
      lastReason = undefined;
      return c.json({ status: 'ready' });
    } catch (error) {
      availability?.failed(error);
      const reason = notReadyReason(error);
      if (reason !== lastReason) logger.warn({ event: 'not-ready', reason, err: error }, `/readyz answers 503: ${NOT_READY[reason]}`);
      lastReason = reason;
      return c.json({ status: 'unavailable', reason, error: NOT_READY[reason] }, 503);
    } finally {
      clearTimeout(timer);
    }
  });
  app.openapi(metrics, async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  return app;
}
