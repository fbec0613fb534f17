// The directories a command makes on its way to a path, so that a command that fails can take back
// what it made (an empty data directory a mistyped path would leave behind), and nothing else.

import { existsSync, rmdirSync } from 'node:fs';
import path from 'node:path';

/** The outermost directory of `dir`'s path that does not exist yet (`dir` itself, or an ancestor), if any. */
export function firstMissing(dir: string): string | undefined {
  let missing: string | undefined;
  for (let at = dir; !existsSync(at); at = path.dirname(at)) {
    missing = at;
    if (path.dirname(at) === at) break;
  }
  return missing;
}

/** Removes `dir` and its ancestors up to `top`, each only if empty (rmdir): nothing anyone wrote there is touched. */
export function removeEmptyDirs(dir: string, top: string): void {
  for (let at = dir; ; at = path.dirname(at)) {
    try {
      rmdirSync(at);
    } catch {
      return;
    }
    if (at === top) return;
  }
}
