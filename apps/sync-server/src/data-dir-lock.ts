// Who owns a data directory: a server takes it at start and gives it back when it stops; `tandem restore`
// takes it while it swaps the store (and `tandem copy` while it writes into it). The lock itself is the
// operating system's (SQLite's file lock on tandem.lock.sqlite, see tryProcessLock): the kernel drops it
// when its process ends however it ends, so it is never stale and never held twice. tandem.lock (JSON:
// pid, holder, since), written by the holder once it holds the lock and removed when it lets go, only
// says who holds it, for the message a second process prints and for people.

import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
    // takes only the pid file) still running through an upgrade, or starting at this moment.
    const refuseEarlier = (earlier: LockOwner | undefined) => {
      if (earlier !== undefined && isEarlierReleaseRunning(earlier)) {
        throw new DataDirBusyError(dataDir, earlier, `${busyMessage(dataDir, earlier, holder)} (If pid ${earlier.pid} is not Tandem, delete ${file}.)`);
      }
    };
    const earlier = readOwner(file);
    refuseEarlier(earlier);
    const owner: LockOwner = { pid: process.pid, holder, since: new Date().toISOString(), lock: 'os' };
    // Written aside and put into place whole: a reader never sees half of it. Linked where there was none
    // (an earlier release's server links its own the same way: whichever is first, the other sees it).
    const draft = `${file}.${process.pid}.${randomUUID()}.draft`;
    writeFileSync(draft, `${JSON.stringify(owner)}\n`, { mode: 0o644 });
    try {
      if (earlier === undefined) {
        try {
          linkSync(draft, file);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          refuseEarlier(readOwner(file));
          renameSync(draft, file);
        }
      } else renameSync(draft, file);
    } finally {
      rmSync(draft, { force: true });
    }
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

/**
 * Whether `owner`, a pid file without the OS lock behind it, names a server of an earlier release that is
 * still running: alive, not this process (a container restarted, its server pid 1 again), and not a process
 * started after the file was written (its pid reused since; known from /proc on Linux).
 */
function isEarlierReleaseRunning(owner: LockOwner): boolean {
  if (owner.lock === 'os' || owner.pid === process.pid || !isAlive(owner.pid)) return false;
  const started = startedAt(owner.pid);
  const written = Date.parse(owner.since);
  return started === undefined || !Number.isFinite(written) || started <= written + 2_000;
}

/** When process `pid` started (ms since the epoch), from /proc on Linux; undefined where that cannot be read. */
function startedAt(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis start at field 3 (state); starttime is field 22, in
    // clock ticks since boot (USER_HZ, 100 on Linux).
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(bootSeconds) ? bootSeconds * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}
