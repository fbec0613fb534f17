// `tandem copy --from X --to Y [--doc NAME]...`: moves the stored history of every document (or of the
// named ones) from one store to another, SQLite and PostgreSQL either way, then verifies each copy.
// Exit codes: 0 copied and verified; 1 a copy did not verify, or the target holds a different history
// for a document; 2 bad arguments, or a store that cannot be opened (the message says which side).
// The arguments are checked against the source before the target is opened for writing; a SQLite target
// the command made and copied nothing into is taken back when it fails (as `tandem restore` does).

import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type CopyProgress, copyStore, type DocumentStore, PersistenceError } from '@tandem/persistence';
import { ConfigError } from '../config.js';
import { type DataDirLock, HELD_FILE } from '../data-dir-lock.js';
import { wholeNumberFlag } from './flag-values.js';
import { lockDirForCommand } from './lock-for-command.js';
import { firstMissing, removeEmptyDirs } from './made-dirs.js';
import type { Io } from './data-commands.js';
import { describeStore, openStoreArg, parseStoreArg, sameStore } from './store-arg.js';

export const COPY_USAGE = `       tandem copy --from SRC --to DEST [--doc NAME]... [--from-schema S] [--to-schema S] [--batch 5000]
                                                        copy every document's full history between stores
                                                        (a postgres:// URL, a data directory or a .sqlite file),
                                                        then verify it; run it again to finish an interrupted copy`;

/** Progress on stderr: at most one line a second, and one at the end of each phase of each document. */
function progressPrinter(io: Io): (p: CopyProgress) => void {
  let lastAt = 0;
  return (p) => {
    const now = Date.now();
    const done = p.docUpdatesRead >= p.docUpdates;
    if (!done && now - lastAt < 1_000) return;
    lastAt = now;
    const pct = p.docUpdates === 0 ? 100 : Math.floor((p.docUpdatesRead / p.docUpdates) * 100);
    io.err(`${p.phase} ${p.doc} (document ${p.documentsDone + 1} of ${p.documentsTotal}): ${p.docUpdatesRead} of ${p.docUpdates} updates (${pct}%), ${p.updatesCopied} copied in all`);
  };
}

export async function runCopyCommand(argv: string[], io: Io, signal?: AbortSignal): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'from-schema': { type: 'string' },
        'to-schema': { type: 'string' },
        doc: { type: 'string', multiple: true },
        batch: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\nUsage:${COPY_USAGE.slice(6)}`);
  }
  if (values.from === undefined || values.to === undefined) throw new ConfigError(`tandem copy needs --from and --to\n\nUsage:${COPY_USAGE.slice(6)}`);
  const from = parseStoreArg('--from', values.from, values['from-schema']);
  const to = parseStoreArg('--to', values.to, values['to-schema']);
  if (sameStore(from, to)) throw new ConfigError(`--from and --to are the same store (${describeStore(from)})`);
  const batchSize = wholeNumberFlag('--batch', values.batch, { min: 1, what: 'updates per batch' });

  let lock: DataDirLock | undefined;
  let source: DocumentStore | undefined;
  let target: DocumentStore | undefined;
  // A SQLite target this run creates (the file, and the directories on its way): taken back if it fails with nothing copied.
  let made: { readonly file: string; readonly dirs: string | undefined } | undefined;
  let thrown = true;
  try {
    // The source, and the documents asked for, before anything of the target is made or opened for writing.
    source = await openStoreArg(from, 'source (--from)', { readOnly: true });
    const names = values.doc;
    if (names !== undefined) {
      for (const name of names) if ((await source.getDocument(name)) === undefined) throw new ConfigError(`The source (${describeStore(from)}) holds no document named ${JSON.stringify(name)}`);
    }
    if (to.engine === 'sqlite') {
      const file = path.join(to.dataDir, to.fileName);
      if (!existsSync(file)) made = { file, dirs: firstMissing(to.dataDir) };
      // Writing into a data directory: never under a running server's feet (it would not see the rows).
      lock = lockDirForCommand(to.dataDir, 'copy');
    }
    target = await openStoreArg(to, 'target (--to)', { readOnly: false });
    const started = performance.now();
    let report;
    try {
      report = await copyStore(source, target, { docs: names, batchSize, signal, onProgress: progressPrinter(io) });
    } catch (error) {
      if (error instanceof PersistenceError && error.code === 'conflict') {
        thrown = false; // the target held that history before: nothing of it is this run's to take back
        io.err(`tandem copy: ${error.message}. Copy it into another target, or remove it from this one first.`);
        return 1;
      }
      throw error;
    }
    thrown = false;
    for (const d of report.documents) {
      const problems = d.verification.problems;
      io.out(
        `${problems.length === 0 ? 'ok' : 'FAILED'} ${d.doc}: ${d.updates} updates (${d.updatesInserted} copied now), ` +
          `${d.versionsInserted} versions, ${d.checkpointsWritten} checkpoints, ${d.sessionsInserted} compacted sessions, ${d.authorsInserted} authors, ${d.shareLinksCopied} share links written` +
          (problems.length === 0 ? '; verified' : `; ${problems.join('; ')}`),
      );
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const failed = report.documents.filter((d) => d.verification.problems.length > 0).length;
    io.out(
      `${failed === 0 ? 'copied' : 'FAILED:'} ${report.documents.length} document(s), ${report.updatesCopied} update(s) copied from ${describeStore(from)} to ${describeStore(to)} in ${seconds} s` +
        (report.revocations > 0 ? `, ${report.revocations} revocation(s) in force` : '') +
        (report.redirects > 0 ? `, ${report.redirects} old name(s) of renamed documents` : '') +
        (failed === 0 ? ', all verified' : `; ${failed} did not verify`),
    );
    return failed === 0 ? 0 : 1;
  } finally {
    await source?.close();
    // What an interrupted copy wrote stays, for a rerun to finish; an empty store this run made does not.
    const takeBack = thrown && made !== undefined && (to.engine !== 'sqlite' || lock !== undefined) && (target === undefined || (await target.listDocuments().catch(() => [undefined])).length === 0);
    await target?.close();
    if (takeBack) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${made!.file}${suffix}`, { force: true });
    lock?.release();
    if (takeBack && made!.dirs !== undefined) {
      // The directory is this run's: so is the file the lock leaves behind (kept for the next holder otherwise).
      rmSync(path.join(path.dirname(made!.file), HELD_FILE), { force: true });
      removeEmptyDirs(path.dirname(made!.file), made!.dirs);
    }
  }
}
