// Who owns a data directory: a lock file (tandem.lock, holding its owner's pid) that a server takes
// at start and removes when it stops gracefully, and that `tandem restore` takes while it swaps the
// store (and `tandem copy` while it writes into it). Node has no flock; a pid file hard-linked into
// place (which fails if it exists), stale once its process is gone, is checked by every process that
// could compete for the store.

import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
 *
 * Several processes may try at the same moment (two servers started at once): the lock file appears
 * with its owner already in it (written aside, then hard-linked into place, which fails if it exists),
 * and a stale one is moved aside and checked to be the one judged stale before it is removed. Created
 * empty and written after, a lock was judged stale by a process that read it in between, and a stale
 * one removed by name could be another's fresh lock: two servers held one directory.
 */
export function lockDataDir(dataDir: string, holder: LockHolder): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, holder, since: new Date().toISOString() };
  const draft = `${file}.${process.pid}.${randomUUID()}.draft`;
  writeFileSync(draft, `${JSON.stringify(owner)}\n`, { mode: 0o644 });
  try {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      try {
        linkSync(draft, file);
        return { file, release: () => (readOwner(file)?.pid === process.pid ? rmSync(file, { force: true }) : undefined) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const seen = readText(file);
      if (seen === undefined) continue; // released meanwhile
      const current = parseOwner(seen);
      if (current !== undefined && current.pid !== process.pid && isAlive(current.pid)) {
        throw new DataDirBusyError(dataDir, current, busyMessage(dataDir, file, current, holder));
      }
      removeStale(file, seen);
    }
    throw new Error(`${file} kept changing while this process tried to take it: another process is taking it at the same time`);
  } finally {
    rmSync(draft, { force: true });
  }
}

/** Removes the lock file if it still holds `stale`; a lock another process took meanwhile is put back. */
function removeStale(file: string, stale: string): void {
  const aside = `${file}.${process.pid}.${randomUUID()}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // taken away by another process
    throw error;
  }
  try {
    if (readText(aside) !== stale) linkSync(aside, file);
  } catch (error) {
    // EEXIST: yet another process took the place meanwhile; it holds the lock now, as it believes.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(aside, { force: true });
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

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && Number.isInteger(owner.pid) && owner.pid > 0 ? (owner as LockOwner) : undefined;
  } catch {
    return undefined; // cut short by a crash while an older release wrote it: stale
  }
}

function readOwner(file: string): LockOwner | undefined {
  const text = readText(file);
  return text === undefined ? undefined : parseOwner(text);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}
