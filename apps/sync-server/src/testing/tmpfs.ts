// A small disk to fill: a tmpfs mounted for a test (a full disk, where the tests may mount one).

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Mounts a tmpfs of `size` at a new directory, or returns undefined where that is not allowed (not root). */
export function mountTmpfs(size: string): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    execFileSync('rmdir', [dir]);
    return undefined;
  }
}
