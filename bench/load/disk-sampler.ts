// The disk's own flush latency, sampled beside the benchmark: a child process appends ~300 bytes to a
// file in the temporary directory (the filesystem the servers' data directories are on) and
// fdatasyncs it every ~20 ms. A window reports the flushes that started in it, so every measured step
// shows what the disk itself did meanwhile: a server's stall next to a disk stall is the disk's.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LatencySampler } from './latency-sampler.js';

export { type FlushStats, formatFlush } from './latency-sampler.js';

export type DiskSampler = LatencySampler;

const child = fileURLToPath(new URL('./disk-sampler-child.mjs', import.meta.url));

export const DiskSampler = {
  /** Starts sampling every `intervalMs`; resolves once the sampler runs. */
  async start(intervalMs = 20): Promise<DiskSampler> {
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-disk-sampler-'));
    return LatencySampler.spawn('disk sampler', child, { FILE: path.join(dir, 'flush.log'), INTERVAL_MS: String(intervalMs) }, () => rm(dir, { recursive: true, force: true }));
  },
};
