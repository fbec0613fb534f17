// deploy/tandem.service, tandem-backup.service and tandem-backup.timer as systemd reads them
// (systemd-analyze verify, with the paths pointed at this checkout), and the README's backup schedule and
// restore drill performed for real: backups taken by deploy/tandem-backup.sh while the server runs,
// rotated to the newest BACKUP_KEEP, and the newest restored into the stopped server's data directory.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../apps/sync-server/src/testing/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'apps/sync-server/dist/main.js');
const UNITS = ['tandem.service', 'tandem-backup.service', 'tandem-backup.timer'];
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

/** The unit with /opt/tandem and /usr/bin/node pointed at this checkout and this Node.js. */
const adapt = (unit: string) =>
  unit
    .replaceAll('/opt/tandem/apps/sync-server/dist/main.js', MAIN)
    .replaceAll('/opt/tandem/deploy/', `${ROOT}/deploy/`)
    .replaceAll('/usr/bin/node', process.execPath);

/** What the server holds for `doc`, read by a stock client that closes again. */
async function contentOf(url: string, doc: string): Promise<string> {
  const client = connectClient(url, doc);
  try {
    await client.synced();
    return client.text.toString();
  } finally {
    client.destroy();
  }
}

describe('systemd units', () => {
  it('are accepted by systemd-analyze verify without a complaint', () => {
    expect(existsSync(SYSTEMD_ANALYZE), `${SYSTEMD_ANALYZE} is missing (Debian's systemd package)`).toBe(true);
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-units-'));
    try {
      for (const unit of UNITS) writeFileSync(path.join(dir, unit), adapt(readFileSync(path.join(ROOT, 'deploy', unit), 'utf8')));
      const result = spawnSync(SYSTEMD_ANALYZE, ['verify', ...UNITS], { cwd: dir, encoding: 'utf8' });
      // verify exits 0 on unknown keys and bad values, but names each one on stderr.
      const complaints = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.trim() !== '');
      expect(complaints, complaints.join('\n')).toEqual([]);
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stop the server gracefully, restart it on failure (not on a refused configuration), and harden it', () => {
    const unit = readFileSync(path.join(ROOT, 'deploy/tandem.service'), 'utf8');
    for (const line of ['KillSignal=SIGTERM', 'Restart=on-failure', 'RestartPreventExitStatus=2', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/tandem', 'CapabilityBoundingSet=']) {
      expect(unit.split('\n'), line).toContain(line);
    }
    // TimeoutStopSec outlasts the server's own shutdown deadline (SHUTDOWN_TIMEOUT_MS, 10 s by default).
    expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1])).toBeGreaterThan(10);
  });
});

describe('the backup schedule and the restore drill', () => {
  const dirs: string[] = [];
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server !== undefined && server.child.exitCode === null) await server.stop('SIGTERM');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('backs up a running server, keeps the newest BACKUP_KEEP, and restores the newest into the stopped server', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-drill-data-'));
    const backupDir = mkdtempSync(path.join(tmpdir(), 'tandem-drill-backups-'));
    dirs.push(dataDir, backupDir);
    server = await startServerProcess(dataDir);
    const writer = connectClient(server.url, 'drill/notes');
    await writer.synced();
    const backup = () =>
      execFileSync(path.join(ROOT, 'deploy/tandem-backup.sh'), [], {
        env: { ...process.env, DATA_DIR: dataDir, BACKUP_DIR: backupDir, BACKUP_KEEP: '2', TANDEM: MAIN, NODE: process.execPath },
        encoding: 'utf8',
      });
    for (const word of ['one ', 'two ', 'three ']) {
      writer.text.insert(writer.text.length, word);
      // Stored before the backup starts (the server's API counts what the log holds).
      await expect.poll(async () => (await contentOf(server!.url, 'drill/notes')).endsWith(word)).toBe(true);
      expect(backup()).toMatch(/tandem-backup: wrote .*tandem-\d{8}T\d{6}Z\.sqlite/);
      await new Promise((r) => setTimeout(r, 1_100)); // backups are named by the second
    }
    const kept = readdirSync(backupDir).sort();
    expect(kept).toHaveLength(2);
    expect(kept.every((f) => /^tandem-\d{8}T\d{6}Z\.sqlite$/.test(f))).toBe(true);
    // Written after the last backup: a restore goes back to before it.
    writer.text.insert(writer.text.length, 'after the backup');
    await expect.poll(async () => (await contentOf(server!.url, 'drill/notes')).endsWith('after the backup')).toBe(true);
    writer.destroy(); // no client left to refill the server after the restore

    // The drill, as in the README: stop, restore the newest backup, verify, start.
    expect(await server.stop('SIGTERM')).toBe(0);
    const newest = path.join(backupDir, kept.at(-1)!);
    const restored = spawnSync(process.execPath, [MAIN, 'restore', '--data-dir', dataDir, newest, '--force'], { encoding: 'utf8' });
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/restored 1 document\(s\)/);
    const verified = spawnSync(process.execPath, [MAIN, 'verify', '--data-dir', dataDir, 'drill/notes'], { encoding: 'utf8' });
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^ok: /);
    server = await startServerProcess(dataDir);
    expect(await contentOf(server.url, 'drill/notes')).toBe('one two three ');
  }, 90_000);

  it('refuses a BACKUP_KEEP that is not a whole number, writing nothing', () => {
    const backupDir = mkdtempSync(path.join(tmpdir(), 'tandem-drill-bad-'));
    dirs.push(backupDir);
    const result = spawnSync(path.join(ROOT, 'deploy/tandem-backup.sh'), [], {
      env: { ...process.env, DATA_DIR: '/nonexistent', BACKUP_DIR: backupDir, BACKUP_KEEP: 'ten', TANDEM: MAIN, NODE: process.execPath },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/BACKUP_KEEP must be a whole number/);
    expect(readdirSync(backupDir)).toEqual([]);
  });
});
