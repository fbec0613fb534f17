// Durable commits without blocking the event loop. With synchronous=FULL, SQLite fsyncs the WAL
// inside every commit, on the calling thread: the whole server stops for the length of a disk
// flush, many times a second. Instead the store runs SQLite with synchronous=NORMAL (a commit
// writes its WAL frames but does not flush them) and then calls `sync()`, which fdatasyncs the
// WAL file on libuv's thread pool. A commit followed by a completed sync() is as durable as a
// synchronous=FULL commit; SQLite itself still syncs the WAL header and around checkpoints.
//
// A failed flush is final. After fdatasync reports an error, Linux may have dropped the dirty
// pages it could not write, and a descriptor opened afterwards reports success for a file whose
// contents are lost: no later flush can vouch for what was committed before it. So the first
// failure fails every sync waiting behind it and every later one, until the process restarts
// (SQLite then reads the WAL as it is on disk).

import { fstatSync } from 'node:fs';
import { type FileHandle, open as openFile } from 'node:fs/promises';
import path from 'node:path';

/** Opens a file for flushing; a parameter so a test can stand in for a failing disk. */
export type OpenForSync = (file: string, flags: string) => Promise<FileHandle>;

export class WalSync {
  private handle: Promise<FileHandle> | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private closed = false;
  private failure: Error | undefined;

  constructor(
    private readonly walFile: string,
    private readonly open: OpenForSync = openFile,
  ) {}

  /** The error of the flush that failed, once one has. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /**
   * Resolves once everything committed before the call is on disk. Calls made while a flush runs
   * share the next flush (the running one may have started before their commit).
   */
  sync(): Promise<void> {
    if (this.running === undefined) return this.start();
    this.queued ??= this.running
      .then(noop, noop)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  /** Waits for flushes in progress, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.running, this.queued]);
    const handle = this.handle;
    this.handle = undefined;
    // A handle that never opened (its flush failed) has nothing to close.
    await handle?.then((h) => h.close(), noop);
  }

  private start(): Promise<void> {
    const flush = this.flush();
    this.running = flush;
    const clear = (): void => {
      if (this.running === flush) this.running = undefined;
    };
    flush.then(clear, clear);
    return flush;
  }

  private async flush(): Promise<void> {
    if (this.failure !== undefined) throw new Error(`an earlier flush of ${this.walFile} failed: ${this.failure.message}`, { cause: this.failure });
    if (this.closed) throw new Error(`WAL of ${this.walFile} is closed`);
    try {
      // SQLite keeps the same WAL file while a connection is open (it rewinds or truncates it, never
      // replaces it), so one handle serves for the store's lifetime; opening it is the moment the
      // store first relies on the file, so its directory entry is made durable then too.
      this.handle ??= this.openDurably();
      const handle = await this.handle;
      await handle.datasync();
      // The file flushed must still be the WAL: one unlinked underneath the store flushes nothing
      // SQLite reads back. fstat reads the inode from memory (no disk access): a few microseconds
      // here, where one more job on the thread pool would cost the commit that starts this flush
      // tens of microseconds to hand over (measured: `npm run bench:log-write`).
      if (fstatSync(handle.fd).nlink === 0) throw new Error(`${this.walFile} was removed while the store was open`);
    } catch (cause) {
      this.failure ??= cause instanceof Error ? cause : new Error(String(cause));
      throw cause;
    }
  }

  private async openDurably(): Promise<FileHandle> {
    const handle = await this.open(this.walFile, 'r+');
    try {
      await syncDirectory(path.dirname(this.walFile), this.open);
    } catch (error) {
      await handle.close().catch(noop);
      throw error;
    }
    return handle;
  }
}

/** fsyncs a directory, so that files created in it (a new WAL, a restored store) survive power loss. */
export async function syncDirectory(dir: string, open: OpenForSync = openFile): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function noop(): void {}
