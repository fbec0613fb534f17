// Where a CLI command finds a store: a postgres:// URL (with a schema) or a SQLite data directory or
// .sqlite file; parsed from arguments, opened with errors that name the side and never a password.

import { statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DB_FILE, type DocumentStore, openPostgresStore, openSqliteStore, POSTGRES_SCHEMA_NAME, redactUrl } from '@tandem/persistence';
import { ConfigError } from '../config.js';

export type StoreArg =
  | { readonly engine: 'postgres'; readonly url: string; readonly schema: string }
  | { readonly engine: 'sqlite'; readonly dataDir: string; readonly fileName: string };

const POSTGRES_URL = /^postgres(ql)?:\/\/./;

/** `value` from `--flag`: a postgres URL, or a data directory, or a SQLite file (an existing file, or a name ending in .sqlite / .db). */
export function parseStoreArg(flag: string, value: string, schema: string | undefined): StoreArg {
  if (POSTGRES_URL.test(value)) {
    const name = schema ?? 'public';
    if (!POSTGRES_SCHEMA_NAME.test(name)) throw new ConfigError(`Invalid schema ${JSON.stringify(name)} for ${flag}: a plain lower-case identifier`);
    return { engine: 'postgres', url: value, schema: name };
  }
  if (schema !== undefined) throw new ConfigError(`A schema was given for ${flag}, which is not a postgres:// URL`);
  if (value === '') throw new ConfigError(`${flag} needs a postgres:// URL, a data directory or a .sqlite file`);
  const resolved = path.resolve(value);
  const isFile = statSync(resolved, { throwIfNoEntry: false })?.isFile() ?? /\.(sqlite3?|db)$/.test(resolved);
  return isFile
    ? { engine: 'sqlite', dataDir: path.dirname(resolved), fileName: path.basename(resolved) }
    : { engine: 'sqlite', dataDir: resolved, fileName: DEFAULT_DB_FILE };
}

/** For messages: the URL without its password and the schema, or the SQLite file. */
export function describeStore(arg: StoreArg): string {
  return arg.engine === 'postgres' ? `${redactUrl(arg.url)} (schema ${arg.schema})` : path.join(arg.dataDir, arg.fileName);
}

export const sameStore = (a: StoreArg, b: StoreArg): boolean => describeStore(a) === describeStore(b) && (a.engine !== 'postgres' || a.url === (b as typeof a).url);

/** Opens the store; a store that cannot be opened is a ConfigError naming `side` (exit 2). */
export async function openStoreArg(arg: StoreArg, side: string, options: { readonly readOnly: boolean }): Promise<DocumentStore> {
  try {
    if (arg.engine === 'postgres') return await openPostgresStore({ url: arg.url, schema: arg.schema, readOnly: options.readOnly, poolSize: 2, queryTimeoutMs: 60_000 });
    return openSqliteStore({ dataDir: arg.dataDir, fileName: arg.fileName, readOnly: options.readOnly });
  } catch (error) {
    throw new ConfigError(`cannot open the ${side}, ${describeStore(arg)}: ${(error as Error).message}`, { cause: error });
  }
}
