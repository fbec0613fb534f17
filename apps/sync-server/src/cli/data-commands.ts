// `tandem docs | history | export | verify | compact | backup | restore | copy`: working on the store
// directly, a data directory or (with --database-url) PostgreSQL. Beside a running server, the reading
// commands open the store read-only (WAL readers never block its commits, a read-only PostgreSQL
// session writes nothing, and nothing here can change a schema); restore refuses to run while a server
// holds the directory. backup / restore are SQLite's; PostgreSQL has pg_dump / pg_restore.

import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  backupSqliteStore,
  checkSqliteBackup,
  compactDocument,
  isSqliteStoreFile,
  materialize,
  openPostgresStore,
  PersistenceError,
  openSqliteStore,
  POSTGRES_SCHEMA_NAME,
  readTimeline,
  resolveSeq,
  restoreSqliteStore,
  sqliteStorePath,
  storeFileProblem,
  verifyDocument,
  type DocumentStore,
} from '@tandem/persistence';
import { ConfigError, parseDuration } from '../config.js';
import { lockDirForCommand } from './lock-for-command.js';
import { firstMissing, removeEmptyDirs } from './made-dirs.js';
import { purgeExpired } from '../trash/purge.js';
import { downloadName, type Format, parseFormat } from '../history/formats.js';
import { render } from '../history/render.js';
import { COPY_USAGE, runCopyCommand } from './copy-command.js';
import { daysFlag, isoTimeFlag, wholeNumberFlag, writeOutFile } from './flag-values.js';

export const DATA_USAGE = `Usage: tandem docs                                   list documents
       tandem history <doc> [--limit 50] [--after SEQ]  edit sessions
       tandem export <doc> [--seq N | --at TIME] [--format md|html|json|text|yjs] [--out FILE]
       tandem verify <doc>                              replay the log, check every checkpoint
       tandem compact <doc> | --all [--keep-all-for 30d] [--bucket 1h] [--dry-run]
                                                        keep every update for 30d, then one version per hour
                                                        (--keep-days N and --every hour|day also work)
       tandem purge <doc> | --expired [--trash-days 30]  remove a document in the trash for good (or every one
                                                        there longer than --trash-days, default TRASH_DAYS or 30)
       tandem backup <file> [--force]                   copy the whole store (full history); --force replaces
                                                        an existing file (written aside, renamed when complete)
       tandem restore <file> [--force]                  replace the store with a backup (server stopped;
                                                        the old store is kept as tandem.sqlite.before-restore)
${COPY_USAGE}
All but copy take --data-dir DIR (default: DATA_DIR or ./data); docs, history, export, verify and compact
take --database-url postgres://… (default: DATABASE_URL) and --database-schema S (DATABASE_SCHEMA, public)
to work on PostgreSQL instead. For PostgreSQL, back up with pg_dump and restore with pg_restore.`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}


function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' }, 'database-schema': { type: 'string' }, ...options },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${DATA_USAGE}`);
  }
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The retention policy of `tandem compact`: --keep-all-for / --bucket durations, or the older --keep-days / --every. */
function retentionPolicy(v: Record<string, string | boolean | undefined>): { keepAllForMs: number; bucketMs: number } {
  const durationFlag = (name: string, fallback: string): number => {
    const text = (v[name] as string | undefined) ?? fallback;
    const ms = parseDuration(text);
    if (ms === undefined) throw new ConfigError(`Invalid --${name}=${JSON.stringify(text)}: a duration like 90m, 12h, 30d`);
    return ms;
  };
  let keepAllForMs = durationFlag('keep-all-for', '30d');
  // Not Number(): --keep-days '' (a variable left empty in a script) read as 0 compacted the whole history.
  const keepDays = daysFlag('--keep-days', v['keep-days'] as string | undefined);
  if (keepDays !== undefined) keepAllForMs = keepDays * 86_400_000;
  let bucketMs = durationFlag('bucket', '1h');
  if (v.every !== undefined) {
    const every = { hour: 3_600_000, day: 86_400_000 }[v.every as string];
    if (every === undefined) throw new ConfigError(`Invalid --every=${JSON.stringify(v.every)}: hour or day`);
    bucketMs = every;
  }
  if (bucketMs <= 0) throw new ConfigError('--bucket must be longer than 0');
  return { keepAllForMs, bucketMs };
}

/** --format, --seq and --at of `tandem export`, each refused with its name and the form it takes. */
function parseExportFlags(v: Record<string, string | boolean | undefined>): { format: Format; seq?: number; at?: number } {
  let format: Format;
  try {
    format = parseFormat(v.format as string | undefined);
  } catch {
    throw new ConfigError(`Invalid --format=${JSON.stringify(v.format)}: json, html, markdown (md), text (txt) or yjs`);
  }
  if (v.seq !== undefined && v.at !== undefined) throw new ConfigError('Give --seq or --at, not both');
  return {
    format,
    seq: wholeNumberFlag('--seq', v.seq as string | undefined, { what: 'a version (seq)' }),
    at: isoTimeFlag('--at', v.at as string | undefined),
  };
}

/**
 * PostgreSQL from --database-url (or DATABASE_URL, unless --data-dir names a directory), with
 * --database-schema (or DATABASE_SCHEMA); undefined for the data directory.
 */
export function postgresArgs(v: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): { url: string; schema: string } | undefined {
  const url = (v['database-url'] as string | undefined) ?? (v['data-dir'] === undefined ? env.DATABASE_URL : undefined);
  if (url === undefined || url === '') return undefined;
  if (!/^postgres(ql)?:\/\/./.test(url)) throw new ConfigError('--database-url (or DATABASE_URL) must be a postgres:// or postgresql:// URL');
  const schema = (v['database-schema'] as string | undefined) ?? env.DATABASE_SCHEMA ?? 'public';
  if (!POSTGRES_SCHEMA_NAME.test(schema)) throw new ConfigError(`Invalid --database-schema=${JSON.stringify(schema)}: a plain lower-case identifier`);
  return { url, schema };
}

/** The environment as the server reads it (see loadConfig): a variable set to '' is unset. */
export function setVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
}

/** Runs one data command; resolves with the process exit code. */
export async function runDataCommand(command: string, argv: string[], processEnv: NodeJS.ProcessEnv, io: Io, signal?: AbortSignal): Promise<number> {
  const env = setVariables(processEnv);
  if (command === 'copy') return runCopyCommand(argv, io, signal);
  const parsed = parse(argv, {
    limit: { type: 'string' },
    after: { type: 'string' },
    seq: { type: 'string' },
    at: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    'keep-days': { type: 'string' },
    expired: { type: 'boolean' },
    'trash-days': { type: 'string' },
    'keep-all-for': { type: 'string' },
    bucket: { type: 'string' },
    all: { type: 'boolean' },
    every: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const dataDir = path.resolve((v['data-dir'] as string | undefined) ?? env.DATA_DIR ?? './data');
  const database = postgresArgs(v, env);
  const [arg, ...extra] = parsed.positionals;
  // A second name was ignored: `tandem purge a b` purged a alone, `tandem export team notes` exported "team".
  const positionals = parsed.positionals.map((p) => JSON.stringify(p)).join(' ');
  if (command === 'docs' && arg !== undefined) throw new ConfigError(`tandem docs takes no argument (got ${positionals})`);
  if (extra.length > 0) {
    const what = command === 'backup' || command === 'restore' ? 'file' : 'document name';
    throw new ConfigError(`tandem ${command} takes one ${what} (got ${positionals}): quote a name that has spaces`);
  }
  const needArg = (what: string) => {
    // '' would resolve to the working directory: a backup aimed at it, a restore read from it.
    if (arg === undefined || arg === '') throw new ConfigError(`tandem ${command} needs ${what}\n\n${DATA_USAGE}`);
    return arg;
  };

  if ((command === 'backup' || command === 'restore') && database !== undefined) {
    throw new ConfigError(
      `tandem ${command} works on a SQLite data directory; for PostgreSQL use ${command === 'backup' ? 'pg_dump' : 'pg_restore'}` +
        (v['database-url'] === undefined ? ' (DATABASE_URL is set: pass --data-dir to back up or restore a data directory)' : ''),
    );
  }
  if (command === 'backup') {
    const file = path.resolve(needArg('a file to write'));
    // One line each time the copy passes a tenth: steps of 256 pages jump over most multiples of 10.
    let lastTenth = -1;
    await backupSqliteStore({ dataDir }, file, (done, total) => {
      const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (Math.floor(pct / 10) !== lastTenth) io.err(`backup ${pct}%`);
      lastTenth = Math.floor(pct / 10);
    }, { force: v.force === true, signal });
    if (lastTenth !== 10) io.err('backup 100%');
    io.out(`backed up ${dataDir} to ${file}`);
    return 0;
  }
  if (command === 'restore') {
    const file = path.resolve(needArg('a backup file'));
    // Taking the lock makes the data directory (and its lock file, which stays): a backup that is not one (a
    // mistyped name) is refused first, into a directory that does not exist, with nothing made. A restore
    // refused later takes back the directories it made if they are empty.
    const made = firstMissing(path.resolve(dataDir));
    if (made !== undefined) checkSqliteBackup(file);
    const lock = lockDirForCommand(dataDir, 'restore');
    let restored = false;
    try {
      const { documents, keptAs } = restoreSqliteStore({ dataDir }, file, { force: v.force === true });
      restored = true;
      io.out(`restored ${documents} document(s) into ${dataDir}${keptAs === undefined ? '' : `; the old store is kept as ${keptAs}`}`);
    } finally {
      lock.release();
      if (!restored && made !== undefined) removeEmptyDirs(path.resolve(dataDir), made);
    }
    return 0;
  }

  // Checked before the store is opened: a bad value is refused with nothing opened or written.
  const exportFlags = command === 'export' ? parseExportFlags(v) : { format: 'json' as const };

  // Only compact writes; every other command reads, and opens the store read-only.
  const readOnly = command !== 'compact' && command !== 'purge';
  // Opened for writing, a data directory with no store (a mistyped --data-dir) was made one, empty.
  const problem = database === undefined && !readOnly ? storeFileProblem(sqliteStorePath({ dataDir })) : undefined;
  if (problem?.code === 'not-found') throw new ConfigError(`${problem.message}: is --data-dir (or DATA_DIR) the server's data directory?`);
  if (problem !== undefined) throw problem;
  const store: DocumentStore =
    database === undefined ? openSqliteStore({ dataDir, readOnly }) : await openPostgresStore({ ...database, readOnly, poolSize: 2, queryTimeoutMs: 60_000 });
  try {
    switch (command) {
      case 'docs': {
        const docs = await store.listDocuments();
        const trashed = new Map((await store.listTrash()).map((e) => [e.doc, e]));
        io.out(`${pad('NAME', 32)} ${pad('UPDATES', 8)} ${pad('BYTES', 10)} LAST CHANGE`);
        for (const d of docs) {
          const inTrash = trashed.get(d.name);
          io.out(`${pad(d.name, 32)} ${pad(String(d.updateCount), 8)} ${pad(String(d.sizeBytes), 10)} ${iso(d.lastChangeAt)}${inTrash === undefined ? '' : `  (in the trash since ${iso(inTrash.trashedAt)})`}`);
        }
        return 0;
      }
      case 'purge': {
        if (v.expired === true) {
          if (arg !== undefined) throw new ConfigError('Give a document name or --expired, not both');
          const days = { min: 1, what: 'days in the trash' };
          const trashDays = wholeNumberFlag('--trash-days', v['trash-days'] as string | undefined, days) ?? wholeNumberFlag('TRASH_DAYS', env.TRASH_DAYS, days) ?? 30;
          const purged = await purgeExpired(store, trashDays);
          for (const doc of purged) io.out(`purged ${doc}`);
          io.out(`${purged.length} document(s) purged (in the trash longer than ${trashDays} days)`);
          return 0;
        }
        const doc = needArg('a document name (or --expired)');
        if ((await store.inTrash(doc)) === undefined) {
          throw new ConfigError(`${JSON.stringify(doc)} is not in the trash: only a document in the trash is purged (delete it first)`);
        }
        if (!(await store.purgeDocument(doc, {}))) {
          throw new ConfigError(`${JSON.stringify(doc)} is not in the trash (taken out of it meanwhile): only a document in the trash is purged`);
        }
        io.out(`purged ${doc}`);
        return 0;
      }
      case 'history': {
        const doc = needArg('a document name');
        if ((await store.getDocument(doc)) === undefined) throw new ConfigError(`No document named ${JSON.stringify(doc)}`);
        // Number('abc') is NaN, which reads no session at all: the command would print none and succeed.
        const afterSeq = wholeNumberFlag('--after', v.after as string | undefined, { what: 'a seq' }) ?? 0;
        const limit = wholeNumberFlag('--limit', v.limit as string | undefined, { min: 1, what: 'sessions to show' }) ?? 50;
        const page = await readTimeline(store, doc, { afterSeq, limit });
        io.out(`${pad('SEQ', 16)} ${pad('AUTHORS', 24)} ${pad('STARTED', 21)} ${pad('+CHARS', 7)} -CHARS`);
        for (const s of page.sessions) {
          io.out(`${pad(`${s.fromSeq}-${s.toSeq}`, 16)} ${pad(s.authors.map((a) => a.id).join(', '), 24)} ${pad(iso(s.startedAt), 21)} ${pad(String(s.added), 7)} ${s.removed}`);
        }
        if (page.nextAfterSeq !== null) io.out(`more: tandem history ${JSON.stringify(doc)} --after ${page.nextAfterSeq}`);
        return 0;
      }
      case 'export': {
        const doc = needArg('a document name');
        const info = await store.getDocument(doc);
        if (info === undefined) throw new ConfigError(`No document named ${JSON.stringify(doc)}`);
        const asked = exportFlags.seq ?? info.lastSeq;
        if (asked > info.lastSeq) throw new ConfigError(`--seq=${asked} is past the last version of ${JSON.stringify(doc)} (${info.lastSeq})`);
        const seq = await resolveSeq(store, doc, exportFlags.at !== undefined ? { at: exportFlags.at } : { seq: asked });
        const ydoc = await materialize(store, doc, seq);
        // As the API's export: the version is dated by when its update was received (seq 0 by nothing).
        const [update] = seq === 0 ? [] : await store.readUpdates(doc, { afterSeq: seq - 1, toSeq: seq });
        const rendered = render(ydoc, exportFlags.format, { doc, seq, at: update === undefined ? null : new Date(update.receivedAt).toISOString() });
        // A seq compaction merged away gives the version it was merged into: the user is told which was written.
        const merged = exportFlags.seq !== undefined && seq !== exportFlags.seq ? `; version ${exportFlags.seq} was merged into it by compaction` : '';
        if (v.out !== undefined) {
          const file = v.out === '' ? downloadName(doc, seq, rendered.extension) : (v.out as string);
          // Renamed into place, the export would have replaced the store it was read from.
          if (database === undefined && isSqliteStoreFile(sqliteStorePath({ dataDir }), path.resolve(file))) {
            throw new ConfigError(`--out ${file} is the store (or its WAL): write the export elsewhere`);
          }
          await writeOutFile('--out', file, rendered.body);
          io.err(`wrote ${file} (version ${seq}${merged})`);
        } else if (typeof rendered.body === 'string') {
          io.out(rendered.body);
          if (merged !== '') io.err(`printed version ${seq}${merged}`);
        } else {
          throw new ConfigError('The yjs format is binary: pass --out FILE');
        }
        return 0;
      }
      case 'verify': {
        const doc = needArg('a document name');
        // Exit 1 is for a log or checkpoint that is wrong: a mistyped name must not raise that alarm.
        if ((await store.getDocument(doc)) === undefined) throw new ConfigError(`No document named ${JSON.stringify(doc)}`);
        let lastPct = -1;
        const report = await verifyDocument(store, doc, (seq, last) => {
          const pct = Math.floor((seq / Math.max(1, last)) * 100);
          if (pct !== lastPct && (pct % 10 === 0 || seq === last)) io.err(`verify ${pct}% (seq ${seq} of ${last})`);
          lastPct = pct;
        });
        for (const problem of report.problems) io.err(`problem: ${problem}`);
        io.out(`${report.problems.length === 0 ? 'ok' : 'FAILED'}: ${report.updates} updates, ${report.checkpoints} checkpoints checked`);
        return report.problems.length === 0 ? 0 : 1;
      }
      case 'compact': {
        const policy = retentionPolicy(v);
        const dryRun = v['dry-run'] === true;
        if (v.all === true && arg !== undefined) throw new ConfigError('Give a document name or --all, not both');
        const docs = v.all === true ? (await store.listDocuments()).map((d) => d.name) : [needArg('a document name (or --all)')];
        if (v.all !== true && (await store.getDocument(docs[0]!)) === undefined) throw new ConfigError(`No document named ${JSON.stringify(docs[0])}`);
        const unreadable: string[] = [];
        for (const doc of docs) {
          let lastPct = -1;
          let report;
          try {
            report = await compactDocument(store, doc, policy, {
              dryRun,
              onProgress: (done, total) => {
                const pct = Math.floor((done / total) * 100);
                if (pct !== lastPct && pct % 10 === 0) io.err(`compact ${pct}% (${done} of ${total} ranges of ${doc})`);
                lastPct = pct;
              },
            });
          } catch (error) {
            // One damaged document does not keep the others from being compacted: it is named, left as
            // it was (a range is replaced whole or not at all), and the run ends with exit 2.
            if (v.all !== true || !(error instanceof PersistenceError && error.code === 'corrupt-data')) throw error;
            io.err(`tandem compact: ${error.message}; ${JSON.stringify(doc)} left as it was (tandem verify ${JSON.stringify(doc)} checks it)`);
            unreadable.push(doc);
            continue;
          }
          io.out(
            `${dryRun ? 'would compact' : 'compacted'} ${doc}: ${report.updatesBefore} → ${report.updatesAfter} updates, ` +
              `${report.bytesBefore} → ${report.bytesAfter} bytes (${report.rangesMerged} ranges merged; latest content, named versions and edit sessions kept)` +
              (report.rangesSkipped > 0 ? `; ${report.rangesSkipped} ranges left as they were for a version named meanwhile: run it again to merge them` : ''),
          );
        }
        if (unreadable.length === 0) return 0;
        io.err(`tandem compact: ${unreadable.length} of ${docs.length} document(s) not compacted, their stored data cannot be read: ${unreadable.map((d) => JSON.stringify(d)).join(', ')}`);
        return 2;
      }
      default:
        throw new ConfigError(DATA_USAGE);
    }
  } finally {
    await store.close();
  }
}
