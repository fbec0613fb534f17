import { PersistenceError } from '@tandem/persistence';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('metrics', () => {
  it("turns the store's WAL checkpoint reports into checkpoint time, pages, holds, WAL size and failures", async () => {
    const metrics = createMetrics();
    const checkpointed = { ok: true, walFrames: 1200, copiedPages: 1200, remainingFrames: 3, walBytes: 4_950_000, pageSize: 4096 } as const;
    metrics.store.walCheckpointed({ ...checkpointed, durationMs: 12, held: false });
    metrics.store.walCheckpointed({ ...checkpointed, durationMs: 2, copiedPages: 40, held: true });
    metrics.store.walCheckpointed({ ok: false, durationMs: 1, error: new PersistenceError('write-failed', 'Checkpointing the WAL failed: disk I/O error') });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^tandem_wal_checkpoint_duration_seconds_count 2$/m);
    expect(text).toMatch(/^tandem_wal_checkpoint_pages_total 1240$/m);
    expect(text).toMatch(/^tandem_wal_checkpoint_holds_total 1$/m);
    expect(text).toMatch(/^tandem_wal_bytes 4950000$/m);
    expect(text).toMatch(/^tandem_wal_pending_frames 3$/m);
    expect(text).toMatch(/^tandem_errors_total\{kind="wal-checkpoint"\} 1$/m);
  });
});
