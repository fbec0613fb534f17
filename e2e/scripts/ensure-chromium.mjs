// Makes sure Debian's Chromium and its headless shell are installed for the browser tests and benchmarks
// (Playwright's own browser download does not work offline). Installs them with apt-get when missing;
// prints where they are. CHROMIUM_PATH, when set, is the one browser used for both.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const wanted = process.env.CHROMIUM_PATH !== undefined ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-headless-shell'];
if (wanted.some((path) => !existsSync(path))) {
  console.log(`[e2e] ${wanted.filter((path) => !existsSync(path)).join(' and ')} not found: installing Debian's chromium and chromium-headless-shell (about a minute)...`);
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-headless-shell`, {
    stdio: 'inherit',
  });
  const missing = wanted.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    console.error(`[e2e] still missing: ${missing.join(', ')}`);
    process.exit(1);
  }
}
console.log(`[e2e] using ${wanted.join(' and ')}`);
