// Makes sure a Docker Compose client is there for e2e/vitest/compose-files.test.ts (no engine is needed:
// the test only runs `config`). Uses `docker compose` (the v2 plugin) when the docker CLI has it; otherwise
// installs Debian's docker-compose (v1.29, which reads the same compose files) with apt-get, without the
// recommended docker.io engine. Exits 0 when one works, 1 when none could be installed.
import { execSync, spawnSync } from 'node:child_process';

const works = (cmd, args) => spawnSync(cmd, [...args, 'version'], { stdio: 'ignore' }).status === 0;

if (!works('docker', ['compose']) && !works('docker-compose', [])) {
  console.log('[e2e] no docker compose: installing Debian\'s docker-compose (about a minute)...');
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  try {
    execSync(
      `${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose`,
      { stdio: 'inherit' },
    );
  } catch (error) {
    console.error(`[e2e] could not install docker-compose: ${error.message}`);
  }
  if (!works('docker-compose', [])) process.exit(1);
}
