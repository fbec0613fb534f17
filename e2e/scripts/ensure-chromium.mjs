// Makes sure Debian's Chromium is installed for the browser tests (Playwright's own download does not
// work offline). Installs it with apt-get when missing; prints where it is.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  console.log(`[e2e] ${path} not found: installing Debian's chromium (about a minute)...`);
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`, {
    stdio: 'inherit',
  });
  if (!existsSync(path)) {
    console.error(`[e2e] chromium is still missing at ${path}`);
    process.exit(1);
  }
}
console.log(`[e2e] using ${path}`);
