#!/usr/bin/env node
// The production layout, in one place: which built files and manifests make up a running Tandem.
// The Dockerfile runs this in its build stage and copies the result into the runtime image;
// e2e/vitest/production-layout.test.ts runs it into a clean folder and starts the server from there.
//
//   node scripts/production-layout.mjs <target-dir> [--install]
//
// Copies, from a built checkout (npm ci && npm run build): the root package.json and package-lock.json,
// every workspace's package.json (the lockfile names them all, so `npm ci` needs them; e2e and bench have
// only dev dependencies, so nothing of theirs is installed), and the built output the server needs:
// apps/sync-server/dist, packages/*/dist and apps/editor/dist (served at /), and deploy/tandem-backup.sh
// (the systemd backup timer runs it). Tests, source maps of tests
// and tsbuildinfo files are left out. With --install it then runs `npm ci --omit=dev` in the target.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Built directories the server loads at run time. */
export const BUILT_DIRS = ['packages/schema/dist', 'packages/persistence/dist', 'apps/sync-server/dist', 'apps/editor/dist'];

/** Operator scripts a deployment runs beside the server (the systemd backup timer's). */
export const DEPLOY_FILES = ['deploy/tandem-backup.sh'];

/** Files copied as they are: the manifests npm ci reads. */
export function manifestFiles(root = ROOT) {
  const workspaces = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces ?? [];
  return ['package.json', 'package-lock.json', ...workspaces.map((w) => `${w}/package.json`)];
}

/** Leaves out what only tests or the compiler need. */
const keep = (file) => !/\.test\.(js|d\.ts|js\.map|d\.ts\.map)$/.test(file) && !file.endsWith('.tsbuildinfo');

export function copyProductionLayout(target, root = ROOT) {
  for (const dir of BUILT_DIRS) {
    if (!existsSync(path.join(root, dir))) throw new Error(`${dir} is missing in ${root}: run "npm run build" first`);
  }
  mkdirSync(target, { recursive: true });
  for (const file of manifestFiles(root)) {
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    cpSync(path.join(root, file), path.join(target, file));
  }
  for (const dir of BUILT_DIRS) cpSync(path.join(root, dir), path.join(target, dir), { recursive: true, filter: keep });
  for (const file of DEPLOY_FILES) {
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    cpSync(path.join(root, file), path.join(target, file));
  }
}

/** `npm ci --omit=dev` in `target`: production dependencies only, exactly as the lockfile pins them. */
export function installProductionDependencies(target, extraArgs = []) {
  const result = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', ...extraArgs], {
    cwd: target,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`npm ci --omit=dev in ${target} failed (exit ${result.status ?? result.signal})`);
}

/** Packages with a native part built by their install script: the only ones `--reuse-native` copies. */
const NATIVE = ['better-sqlite3'];

/**
 * `npm ci --omit=dev --ignore-scripts`, then each native package's compiled build copied from this
 * checkout's node_modules (same Node, same machine). The test's shortcut: compiling better-sqlite3
 * from source takes minutes here; the Dockerfile installs with its scripts.
 */
export function installReusingNative(target, root = ROOT) {
  installProductionDependencies(target, ['--ignore-scripts']);
  for (const name of NATIVE) {
    const from = path.join(root, 'node_modules', name, 'build');
    if (!existsSync(from)) throw new Error(`${from} is missing: run npm ci in the checkout first`);
    cpSync(from, path.join(target, 'node_modules', name, 'build'), { recursive: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [target, ...flags] = process.argv.slice(2);
  if (target === undefined || target.startsWith('-')) {
    process.stderr.write('Usage: node scripts/production-layout.mjs <target-dir> [--install | --install --reuse-native]\n');
    process.exit(2);
  }
  copyProductionLayout(path.resolve(target));
  if (flags.includes('--install')) {
    if (flags.includes('--reuse-native')) installReusingNative(path.resolve(target));
    else installProductionDependencies(path.resolve(target));
  }
}
