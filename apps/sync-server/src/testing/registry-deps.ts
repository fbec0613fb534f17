// The room registry's dependencies for tests that build one directly (no HTTP server): small limits,
// a silent logger, the store's own group commit unless a test gives another.

import { createGroupCommit, type DocumentStore } from '@tandem/persistence';
import pino from 'pino';
import { createMetrics } from '../metrics/metrics.js';
import type { RoomRegistryDeps } from '../sync/rooms.js';
import { StoreRate } from '../sync/store-rate.js';

export function registryDeps(store: DocumentStore, overrides: Partial<RoomRegistryDeps> = {}): RoomRegistryDeps {
  return {
    store,
    log: overrides.log ?? createGroupCommit({ store }),
    logger: pino({ level: 'silent' }),
    events: createMetrics().events,
    checkpointEvery: 100,
    durability: 'flush-before-broadcast',
    maxBroadcastDelayMs: 16,
    unloadDelayMs: 50,
    maxDocBytes: 1 << 20,
    storeRate: new StoreRate(0, 1024),
    maxConnectionsPerDoc: 100,
    maxConnectionsPerIp: 100,
    maxConnectionsPerUser: 100,
    presence: { maxStatesPerConnection: 4, maxStateBytes: 8192, maxStatesPerDoc: 100 },
    heartbeat: { intervalMs: 2000, dropAfterMs: 15_000 },
    limits: { maxMessageBytes: 1 << 20, messagesPerSecond: 1000, bytesPerSecond: 1 << 24, maxBufferedBytes: 1 << 24 },
    ...overrides,
  };
}
