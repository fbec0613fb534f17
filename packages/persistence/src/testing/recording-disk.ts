// Test stand-in for a disk whose flushes can be held back, and which remembers what a power cut
// would leave: the store's files as they were when the last completed WAL flush began (what was
// written before an fdatasync started is on disk once it returns; what was written later may not
// be). Everything else is the real disk; only the WAL's fdatasync is watched.

import { readFileSync } from 'node:fs';
import { type FileHandle, mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenForSync } from '../adapters/sqlite/wal-sync.js';

export interface RecordingDisk {
  readonly openForSync: OpenForSync;
  /** Flushes of the WAL that have completed. */
  readonly flushes: number;
  /** Flushes that started and wait for release(). */
  readonly held: number;
  /** Every WAL flush that starts from now on waits until release(). */
  hold(): void;
  release(): void;
  /** Writes the database and its WAL as a power cut now would leave them into `dir`. */
  writePowerCutImage(dir: string): Promise<void>;
}

interface Image {
  readonly db: Buffer;
  readonly wal: Buffer;
}

export function recordingDisk(): RecordingDisk {
  let flushes = 0;
  let durable: Image | undefined;
  let walFile: string | undefined;
  let gate: Promise<void> | undefined;
  let openGate: (() => void) | undefined;
  let held = 0;
  const read = (file: string): Buffer => readFileSync(file, { flag: 'r' });
  return {
    get flushes() {
      return flushes;
    },
    get held() {
      return held;
    },
    hold() {
      if (gate !== undefined) return;
      gate = new Promise((resolve) => (openGate = resolve));
    },
    release() {
      openGate?.();
      gate = undefined;
      openGate = undefined;
    },
    openForSync: async (file: string, flags: string): Promise<FileHandle> => {
      const handle = await open(file, flags);
      if (!file.endsWith('-wal')) return handle;
      walFile = file;
      const datasync = handle.datasync.bind(handle);
      handle.datasync = async () => {
        // Read synchronously at the moment the flush begins: the store writes on this thread, so
        // nothing can land between this read and the start of the flush.
        const image = { db: read(file.slice(0, -'-wal'.length)), wal: read(file) };
        const waitFor = gate;
        if (waitFor !== undefined) {
          held += 1;
          await waitFor;
          held -= 1;
        }
        await datasync();
        flushes += 1;
        durable = image;
      };
      return handle;
    },
    async writePowerCutImage(dir: string) {
      if (walFile === undefined || durable === undefined) throw new Error('nothing was flushed yet');
      await mkdir(dir, { recursive: true });
      const base = path.basename(walFile, '-wal');
      await writeFile(path.join(dir, base), durable.db);
      await writeFile(path.join(dir, `${base}-wal`), durable.wal);
    },
  };
}
