// A server started on a data directory whose write-ahead log SQLite would partly ignore (a damaged frame
// before complete commits) says so in its log, naming the copy of the log it kept, and starts.

import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '@tandem/persistence';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from './testing/in-process.js';

describe('a damaged write-ahead log at start', () => {
  let server: TestServer | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await server?.destroy();
    server = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('is logged as wal-commits-ignored with the copy it kept, and the server starts', async () => {
    const live = mkdtempSync(path.join(tmpdir(), 'tandem-wal-live-'));
    const left = mkdtempSync(path.join(tmpdir(), 'tandem-wal-left-'));
    dirs.push(live, left);
    const store = openSqliteStore({ dataDir: live, walCheckpoints: { pages: 1_000_000 } });
    const doc = new Y.Doc();
    for (let i = 0; i < 6; i++) {
      const before = Y.encodeStateVector(doc);
      doc.getText('t').insert(0, 'x'.repeat(3000));
      await store.append([{ doc: 'notes', entries: [{ update: Y.encodeStateAsUpdate(doc, before), author: 'a', receivedAt: i + 1 }] }]);
    }
    // What a killed server leaves behind, then one byte of a frame a few commits before the end damaged.
    for (const name of ['tandem.sqlite', 'tandem.sqlite-wal']) copyFileSync(path.join(live, name), path.join(left, name));
    await store.close();
    const wal = path.join(left, 'tandem.sqlite-wal');
    const bytes = readFileSync(wal);
    const frame = 24 + bytes.readUInt32BE(8);
    const at = 32 + (Math.floor((bytes.length - 32) / frame) - 4) * frame + 24 + 50;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(wal, bytes);

    server = await startTestServer({}, left);
    const said = server.logs.find((l) => l.event === 'wal-commits-ignored');
    expect(said).toMatchObject({ level: 50, wal, ignoredCommits: expect.any(Number) });
    expect(said!.ignoredCommits as number).toBeGreaterThanOrEqual(1);
    expect(readFileSync(said!.keptAs as string).equals(bytes)).toBe(true);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(existsSync(said!.keptAs as string)).toBe(true);
  });
});
