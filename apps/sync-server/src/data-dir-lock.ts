// Who owns a data directory: a server takes it at start and gives it back when it stops; `tandem restore`
// takes it while it swaps the store (and `tandem copy` while it writes into it). The lock itself is the
// operating system's (SQLite's file lock on tandem.lock.sqlite, see tryProcessLock): the kernel drops it
// when its process ends however it ends, so it is never stale and never held twice. tandem.lock (JSON:
// pid, holder, since), written by the holder once it holds the lock and removed when it lets go, only
// says who holds it, for the message a second process prints and for people.

import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tryProcessLock } from '@tandem/persistence';

/** Who holds the directory (JSON), for people and for the message a second process prints. */
export const LOCK_FILE = 'tandem.lock';
/** The file the operating system's lock is taken on: created once, never removed, never written. */
export const HELD_FILE = 'tandem.lock.sqlite';

export type LockHolder = 'server' | 'restore' | 'copy';

interface LockOwner {
  readonly pid: number;
  readonly holder: LockHolder;
  readonly since: string;
  /** 'os': written by a holder of the operating system's lock; absent in an earlier release's pid file. */
  readonly lock?: 'os';
}

export interface DataDirLock {
  readonly file: string;
  /** Gives the directory back (and removes tandem.lock). Idempotent. */
  release(): void;
}

export class DataDirBusyError extends Error {
  override readonly name = 'DataDirBusyError';

  constructor(
    readonly dataDir: string,
    /** Undefined when the holder had not written tandem.lock yet (or it was removed by hand). */
    readonly owner: LockOwner | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Takes the data directory for this process, or throws DataDirBusyError naming the process that holds it
 * (another process, or an earlier caller in this one that has not released it). A lock left by a process
 * that was killed is gone with it: its tandem.lock, left behind, is overwritten.
 */
export function lockDataDir(dataDir: string, holder: LockHolder): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const held = tryProcessLock(path.join(dataDir, HELD_FILE));
  if (held === undefined) {
    const written = readOwner(file);
    // Left by an earlier holder that was killed, and not yet overwritten by the one starting now.
    const owner = written !== undefined && isAlive(written.pid) ? written : undefined;
    throw new DataDirBusyError(dataDir, owner, busyMessage(dataDir, owner, holder));
  }
  try {
    // A live process named by a pid file that is not an OS lock's: a server of an earlier release (which
    // takes only the pid file) still running through an upgrade. (One naming this very pid was left by an
    // earlier run of this container, its server pid 1 again.)
    const earlier = readOwner(file);
    if (earlier !== undefined && earlier.lock !== 'os' && earlier.pid !== process.pid && isAlive(earlier.pid)) {
      throw new DataDirBusyError(dataDir, earlier, `${busyMessage(dataDir, earlier, holder)} (If pid ${earlier.pid} is not Tandem, delete ${file}.)`);
    }
    const owner: LockOwner = { pid: process.pid, holder, since: new Date().toISOString(), lock: 'os' };
    // Written aside and renamed into place: a reader never sees half of it.
    const draft = `${file}.${process.pid}.${randomUUID()}.draft`;
    writeFileSync(draft, `${JSON.stringify(owner)}\n`, { mode: 0o644 });
    renameSync(draft, file);
  } catch (error) {
    held.release();
    throw error;
  }
  let holding = true;
  return {
    file,
    release: () => {
      if (!holding) return;
      holding = false;
      // Removed while still held: once let go, tandem.lock is the next holder's.
      rmSync(file, { force: true });
      held.release();
    },
  };
}

function busyMessage(dataDir: string, owner: LockOwner | undefined, wanted: LockHolder): string {
  const instead = wanted === 'server' ? ', or give this server another DATA_DIR' : '';
  if (owner === undefined) return `${dataDir} is in use by another Tandem process (a server or a tandem command) that is starting: stop it first${instead}.`;
  const who = owner.holder === 'server' ? `a Tandem server (pid ${owner.pid}, since ${owner.since})` : `tandem ${owner.holder} (pid ${owner.pid})`;
  const todo = owner.holder === 'server' ? `stop the server (pid ${owner.pid}) first` : `wait for it to finish`;
  return `${dataDir} is in use by ${who}: ${todo}${instead}.`;
}

function readOwner(file: string): LockOwner | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && Number.isInteger(owner.pid) && owner.pid > 0 ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
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
