// Durable commits without blocking the event loop. With synchronous=FULL, SQLite fsyncs the WAL
// inside every commit, on the calling thread: the whole server stops for the length of a disk
// flush, many times a second. Instead the store runs SQLite with synchronous=NORMAL (a commit
// writes its WAL frames but does not flush them) and then calls `sync()`, which fdatasyncs the
// WAL file on libuv's thread pool. A commit followed by a completed sync() is as durable as a
// synchronous=FULL commit; SQLite itself still syncs the WAL header and around checkpoints.

import { type FileHandle, open } from 'node:fs/promises';

export class WalSync {
  private handle: Promise<FileHandle> | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly walFile: string) {}

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
    if (handle !== undefined) await (await handle).close();
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
    if (this.closed) throw new Error(`WAL of ${this.walFile} is closed`);
    // The WAL exists once the first commit ran; SQLite keeps the same file (it rewinds it, never
    // replaces it) while a connection is open, so one handle serves for the store's lifetime.
    this.handle ??= open(this.walFile, 'r+');
    try {
      await (await this.handle).datasync();
    } catch (error) {
      this.handle = undefined; // reopened on the next flush
      throw error;
    }
  }
}

function noop(): void {}
