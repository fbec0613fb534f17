// The data directory's lock as a CLI command takes it: a directory this user may not write is a
// ConfigError naming it (exit 2), not an EACCES stack trace from deep in the lock file's creation.

import { type DataDirLock, type LockHolder, lockDataDir } from '../data-dir-lock.js';
import { ConfigError } from '../config.js';

export function lockDirForCommand(dataDir: string, holder: Exclude<LockHolder, 'server'>): DataDirLock {
  try {
    return lockDataDir(dataDir, holder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw error;
    throw new ConfigError(`cannot take ${dataDir} for tandem ${holder}: permission denied (${code}): run as the user that owns the data directory`, { cause: error });
  }
}
