// Test stand-in for a disk that loses a write: the store's files open for real, but the WAL's next
// fdatasync can be made to fail once with EIO. Linux reports such an error on the descriptor that
// was open when the write was lost, and a descriptor opened afterwards flushes without error. A real
// EIO needs a failing block device (device-mapper), which a test cannot count on; only this one
// system call is stood in for.

import { type FileHandle, open } from 'node:fs/promises';
import type { OpenForSync } from '../adapters/sqlite/wal-sync.js';

export interface FailingDisk {
  /** While true, the WAL's next fdatasync fails (and this turns false). */
  failNext: boolean;
  /** Every file opened for flushing, with its flags, in order. */
  readonly opened: Array<[string, string]>;
  readonly openForSync: OpenForSync;
}

export function failingDisk(): FailingDisk {
  const disk: FailingDisk = {
    failNext: false,
    opened: [],
    openForSync: async (file: string, flags: string): Promise<FileHandle> => {
      disk.opened.push([file, flags]);
      const handle = await open(file, flags);
      if (!file.endsWith('-wal')) return handle;
      const datasync = handle.datasync.bind(handle);
      handle.datasync = async () => {
        if (!disk.failNext) return datasync();
        disk.failNext = false;
        throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', errno: -5, syscall: 'fdatasync' });
      };
      return handle;
    },
  };
  return disk;
}
