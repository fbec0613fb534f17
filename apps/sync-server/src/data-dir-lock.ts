// Who owns a data directory: a lock file (tandem.lock, holding its owner's pid) that a server takes
// at start and removes when it stops gracefully, and that `tandem restore` takes while it swaps the
// store (and `tandem copy` while it writes into it). Node has no flock; a pid file written with
// O_EXCL, stale once its process is gone, is checked by every process that could compete for the store.

import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'tandem.lock';

export type LockHolder = 'server' | 'restore' | 'copy';

interface LockOwner {
  readonly pid: number;
  readonly holder: LockHolder;
  readonly since: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file if this process still owns it. */
  release(): void;
}

export class DataDirBusyError extends Error {
  override readonly name = 'DataDirBusyError';

  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Takes the data directory for this process, or throws DataDirBusyError naming the live process
 * that holds it. A lock whose process is gone (killed, crashed) is stale and taken over; so is one
 * naming this very pid (a container restarted after a kill, where the server is pid 1 again).
 */
export function lockDataDir(dataDir: string, holder: LockHolder): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, holder, since: new Date().toISOString() };
  for (let attempt = 0; ; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, `${JSON.stringify(owner)}\n`);
      } finally {
        closeSync(fd);
      }
      return { file, release: () => (readOwner(file)?.pid === process.pid ? rmSync(file, { force: true }) : undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const current = readOwner(file);
    if (current !== undefined && current.pid !== process.pid && isAlive(current.pid)) {
      throw new DataDirBusyError(dataDir, current, busyMessage(dataDir, file, current, holder));
    }
    rmSync(file, { force: true });
  }
}

function busyMessage(dataDir: string, file: string, owner: LockOwner, wanted: LockHolder): string {
  const who = owner.holder === 'server' ? `a Tandem server (pid ${owner.pid}, since ${owner.since})` : `tandem ${owner.holder} (pid ${owner.pid})`;
  const todo =
    owner.holder === 'server'
      ? `stop the server (pid ${owner.pid}) first`
      : `wait for it to finish`;
  const instead = wanted === 'server' ? ', or give this server another DATA_DIR' : '';
  return `${dataDir} is in use by ${who}: ${todo}${instead}. (If pid ${owner.pid} is not Tandem, delete ${file}.)`;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && Number.isInteger(owner.pid) && owner.pid > 0 ? (owner as LockOwner) : undefined;
  } catch {
    return undefined; // missing, or cut short by a crash while it was written: stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}
