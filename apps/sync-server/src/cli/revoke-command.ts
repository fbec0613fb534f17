// `tandem revoke`: withdraws a user's tokens (those issued up to now) or one token by its id, in the
// store itself; a running server learns it by its next re-read (REVOCATION_CHECK_MS) and closes the
// connections it covers. `--list` shows the revocations in force.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { type DocumentStore, openPostgresStore, openSqliteStore, type Revocation, sqliteStorePath, storeFileProblem } from '@tandem/persistence';
import { parseUntil } from '../auth/revocation-list.js';
import { ConfigError } from '../config.js';
import { publishRevocation } from '../fanout/revocation-channel.js';
import { type Io, postgresArgs, setVariables } from './data-commands.js';

export const REVOKE_USAGE = `Usage: tandem revoke --user <id> | --token-id <jti> [--reason <text>] [--until never|30d|<ISO time>]
       tandem revoke --list
Withdraws access before the tokens expire: --user, every token of that user issued until now (a token
minted later works); --token-id, one token (tandem token prints its id). A running server closes the
connections it covers within REVOCATION_CHECK_MS and refuses them from then on. --until: when the
revocation may be forgotten (once the tokens it covers have expired; default never).
Takes --data-dir DIR (default: DATA_DIR or ./data) or --database-url postgres://… (DATABASE_URL)
with --database-schema S (DATABASE_SCHEMA, public); with PostgreSQL and --redis-url (REDIS_URL), the
running instances are also told at once through Redis.`;

const iso = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());
const describe = (r: Revocation) => `${r.kind} ${JSON.stringify(r.value)}`;

export async function runRevokeCommand(argv: string[], processEnv: NodeJS.ProcessEnv, io: Io): Promise<number> {
  // DATA_DIR= (empty) is ./data for the server; path.resolve('') would be the working directory.
  const env = setVariables(processEnv);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        user: { type: 'string' },
        'token-id': { type: 'string' },
        reason: { type: 'string', default: '' },
        until: { type: 'string' },
        list: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        'database-schema': { type: 'string' },
        'redis-url': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${REVOKE_USAGE}`);
  }
  const user = values.user?.trim();
  const tokenId = values['token-id']?.trim();
  if (!values.list && (user === undefined) === (tokenId === undefined)) throw new ConfigError(`Give --user or --token-id (one of them)\n\n${REVOKE_USAGE}`);
  if (user === '' || tokenId === '') throw new ConfigError(`--user and --token-id must not be empty\n\n${REVOKE_USAGE}`);
  let until: number | null = null;
  try {
    until = parseUntil(values.until, Date.now());
  } catch (error) {
    throw new ConfigError(`Invalid --until: ${(error as Error).message}`);
  }
  const database = postgresArgs(values, env);
  const dataDir = path.resolve(values['data-dir'] ?? env.DATA_DIR ?? './data');
  // A mistyped directory would get a new, empty store that no server reads: the revocation would go nowhere.
  // (storeFileProblem, not existsSync: a directory this user may not read is not a missing store.)
  const problem = database === undefined ? storeFileProblem(sqliteStorePath({ dataDir })) : undefined;
  if (problem?.code === 'not-found') throw new ConfigError(`No Tandem store in ${dataDir}: give the server's --data-dir (or --database-url)`);
  if (problem !== undefined) throw problem;
  // Beside a running server: SQLite in WAL mode and PostgreSQL both take this write while it serves.
  const store: DocumentStore =
    database === undefined ? openSqliteStore({ dataDir, readOnly: values.list }) : await openPostgresStore({ ...database, readOnly: values.list, poolSize: 1, queryTimeoutMs: 60_000 });
  try {
    if (values.list) {
      for (const r of await store.listRevocations(Date.now())) {
        io.out(`${describe(r)}  revoked ${iso(r.createdAt)}  until ${iso(r.until)}${r.reason === '' ? '' : `  (${r.reason})`}`);
      }
      return 0;
    }
    const stored = await store.revoke({
      kind: user === undefined ? 'token' : 'user',
      value: (user ?? tokenId)!,
      until,
      createdAt: Date.now(),
      reason: values.reason.trim(),
    });
    // With several instances, Redis tells them at once; their re-read of the store covers a message lost.
    const redisUrl = values['redis-url'] ?? env.REDIS_URL;
    const told = database !== undefined && redisUrl !== undefined && redisUrl !== '' && (await publishRevocation(redisUrl, `tandem:${database.schema}`, stored));
    io.out(
      `revoked ${describe(stored)} until ${iso(stored.until)}; ` +
        (told ? 'running instances were told through Redis and close its connections now' : 'running servers close its connections within REVOCATION_CHECK_MS (default 5 s)'),
    );
    return 0;
  } finally {
    await store.close();
  }
}
