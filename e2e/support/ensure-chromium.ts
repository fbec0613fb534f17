// For vitest files that drive Chromium themselves, before the Playwright step (which runs the same script) has.

import { spawnSync } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.resolve(import.meta.dirname, '../scripts/ensure-chromium.mjs');

/** Installs Debian's Chromium and its headless shell when missing (scripts/ensure-chromium.mjs). */
export function ensureChromium(): void {
  const installed = spawnSync(process.execPath, [SCRIPT], { stdio: 'inherit' });
  if (installed.status !== 0) throw new Error('Chromium could not be installed');
}
