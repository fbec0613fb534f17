// The servers the benchmarks compare, each started fresh as a child process with its own data
// directory, and the framing each one speaks. Three kinds:
//   - `peer`: the other servers (Hocuspocus, the reference y-websocket server), with on-disk persistence;
//   - `tandem`: Tandem, in each durability mode (`DURABILITY`), on SQLite in its data directory, and
//     (`tandem-postgres`, only when named) on PostgreSQL in a schema of its own;
//   - `floor`: what no server can beat: a bare relay, and a relay that flushes before relaying.
// PEERS is Tandem (default) and the peers, as every scenario compares them; SERVERS adds the floors and
// Tandem's other durability modes, for the scenarios that measure against floors.

import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDatabaseUrl, benchSchema, dropSchema, schemaBytes } from './bench-database.js';
import { NODE_FLAGS } from '../../apps/sync-server/src/node-flags.js';
import { freePort } from '../../apps/sync-server/src/testing/free-port.js';
import { FRAMINGS, type Framing, type PeerName } from './framing.js';

export type { Framing, PeerName } from './framing.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** `peer`: another server; `tandem`: ours (any durability mode); `floor`: a relay, what no server can beat. */
export type ServerKind = 'peer' | 'tandem' | 'floor';

export interface Peer {
  readonly name: PeerName;
  readonly kind: ServerKind;
  readonly framing: Framing;
  start(dataDir: string): Promise<RunningPeer>;
}

export interface RunningPeer {
  readonly url: string;
  readonly pid: number;
  /** False once the process has exited (crashed, or stopped). */
  readonly alive: boolean;
  /** Where the server keeps its data when it is not its data directory (a PostgreSQL schema). */
  readonly database?: { readonly url: string; readonly schema: string };
  /** Bytes its database held when it stopped (its data directory not counted); set by `stop`. */
  readonly databaseBytes?: number;
  stop(): Promise<void>;
}

/** `BENCH_CPU_PROF=<dir>`: every Tandem server writes a V8 CPU profile there when it stops. */
const profileFlags = (): string[] => {
  const dir = process.env.BENCH_CPU_PROF;
  return dir === undefined || dir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
};

// Servers still running when the benchmark exits (it crashed, or was interrupted) are killed with it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function launch(args: string[], env: Record<string, string>, ready: RegExp, url: string, unset: readonly string[] = []): Promise<RunningPeer> {
  const inherited = { ...process.env };
  for (const name of unset) delete inherited[name];
  const child: ChildProcess = spawn(process.execPath, args, { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}):\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    pid: child.pid!,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Tandem runs with the Node flags it ships with (apps/sync-server/src/node-flags.ts); TANDEM_NODE_FLAGS replaces them ('' for none), to measure their cost. */
const tandemNodeFlags = (): string[] =>
  process.env.TANDEM_NODE_FLAGS === undefined ? [...NODE_FLAGS] : process.env.TANDEM_NODE_FLAGS.split(' ').filter((f) => f !== '');

/** The parent's store (and fan-out) settings, which must not decide where a Tandem entry keeps its data. */
const STORE_ENV = ['DATABASE_URL', 'DATABASE_SCHEMA', 'DATABASE_POOL_SIZE', 'REDIS_URL', 'FANOUT_HEAD_CHECK_MS'];

export interface TandemInstanceOptions {
  /** DURABILITY; undefined: the default, flushed before broadcast. */
  readonly durability?: string | undefined;
  readonly nodeFlags?: readonly string[];
  /** PostgreSQL instead of SQLite in the data directory; the caller creates and drops nothing, the server creates the schema. */
  readonly database?: { readonly url: string; readonly schema: string } | undefined;
  /** REDIS_URL: several instances on one `database` share updates through it. */
  readonly redisUrl?: string | undefined;
  /** The server's entry point; this checkout's build unless told (see TANDEM_BASELINE). */
  readonly main?: string;
}

/** One Tandem process, as shipped unless told otherwise; see `tandem` for the entries built on it. */
export async function startTandemInstance(dataDir: string, options: TandemInstanceOptions = {}): Promise<RunningPeer> {
  const { durability, nodeFlags = tandemNodeFlags(), database, redisUrl, main = path.resolve(here, '../../apps/sync-server/dist/main.js') } = options;
  const port = await freePort();
  // Every benchmark client comes from one address: per-address limits would measure themselves.
  const limits = { MAX_CONNECTIONS_PER_IP: '1000000', MAX_CONNECTIONS_PER_DOC: '1000000', RATE_LIMIT_MESSAGES: '1000000', RATE_LIMIT_BYTES: '1073741824', STORE_RATE_BYTES_PER_HOUR: '0' };
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...limits,
    ...(durability === undefined ? {} : { DURABILITY: durability }),
    ...(database === undefined ? {} : { DATABASE_URL: database.url, DATABASE_SCHEMA: database.schema }),
    ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }),
  };
  // The parent's DURABILITY must not leak into the default entry, nor its store settings into any.
  const unset = [...STORE_ENV, 'SQLITE_SYNC', ...(durability === undefined ? ['DURABILITY'] : [])];
  return launch([...nodeFlags, ...profileFlags(), main], env, /"event":"listening"/, `http://127.0.0.1:${port}`, unset);
}

/**
 * Tandem in one durability mode (undefined: its default, flushed before broadcast); `nodeFlags`
 * replaces the flags it ships with. On SQLite in its data directory, or with `postgres`, on
 * PostgreSQL (TANDEM_BENCH_DATABASE_URL, else the machine's) in a new schema at every start, which
 * the server creates; `stop` then notes the schema's size and drops it.
 */
function tandem(name: PeerName, durability: string | undefined, nodeFlags: () => string[] = tandemNodeFlags, postgres = false): Peer {
  return {
    name,
    kind: 'tandem',
    framing: FRAMINGS[name],
    async start(dataDir) {
      const database = postgres ? { url: benchDatabaseUrl(), schema: benchSchema(name) } : undefined;
      const server = await startTandemInstance(dataDir, { durability, nodeFlags: nodeFlags(), database });
      if (database === undefined) return server;
      let databaseBytes: number | undefined;
      let stopped: Promise<void> | undefined;
      const stopAndDrop = async () => {
        await server.stop();
        databaseBytes = await schemaBytes(database.url, database.schema);
        await dropSchema(database.url, database.schema);
      };
      return {
        url: server.url,
        pid: server.pid,
        get alive() {
          return server.alive;
        },
        database,
        get databaseBytes() {
          return databaseBytes;
        },
        stop: () => (stopped ??= stopAndDrop()),
      };
    },
  };
}

/** The relay floor; `durable` appends and fdatasyncs every turn's updates before relaying them. */
function relay(name: PeerName, durable: boolean): Peer {
  return {
    name,
    kind: 'floor',
    framing: FRAMINGS[name],
    async start(dataDir) {
      const port = await freePort();
      const env = { PORT: String(port), ...(durable ? { LOG_FILE: path.join(dataDir, 'relay.log') } : {}) };
      return launch([path.join(here, 'relay.mjs')], env, /"event":"listening"/, `http://127.0.0.1:${port}`, ['LOG_FILE']);
    },
  };
}

export const PEERS: Peer[] = [
  tandem('tandem', undefined),
  {
    name: 'y-websocket-server',
    kind: 'peer',
    framing: FRAMINGS['y-websocket-server'],
    async start(dataDir) {
      const port = await freePort();
      const main = path.join(path.dirname(require.resolve('@y/websocket-server/package.json')), 'src/server.js');
      return launch([main], { PORT: String(port), HOST: '127.0.0.1', YPERSISTENCE: dataDir }, /running at/, `http://127.0.0.1:${port}`);
    },
  },
  {
    name: 'hocuspocus',
    kind: 'peer',
    framing: FRAMINGS.hocuspocus,
    async start(dataDir) {
      const port = await freePort();
      return launch([path.join(here, 'hocuspocus.mjs')], { PORT: String(port), DB: path.join(dataDir, 'hocuspocus.sqlite') }, /"event":"listening"/, `http://127.0.0.1:${port}`);
    },
  },
];

/** The floors, bare relay first. */
export const FLOORS: Peer[] = [relay('relay', false), relay('durable-relay', true)];

/** Tandem's opt-in durability modes, beside the default in PEERS. */
export const TANDEM_MODES: Peer[] = [tandem('tandem-ack', 'flush-before-ack'), tandem('tandem-none', 'none')];

/**
 * Tandem with V8's young generation capped at 2 MiB per semi-space, as it shipped once: idle
 * connections cost less, typing and history more (README, Benchmarks). Only when named.
 */
export const TANDEM_SMALL_YOUNG: Peer = tandem('tandem-small-young', undefined, () => ['--max-semi-space-size=2']);

/** Tandem without the Node flags it ships with (V8's own young generation, up to 16 MiB per semi-space): what the flags save and cost. Only when named. */
export const TANDEM_V8_DEFAULT: Peer = tandem('tandem-v8-default', undefined, () => []);

/**
 * Tandem as shipped (default durability: a commit waits for PostgreSQL's WAL flush) with its update
 * log in PostgreSQL, a schema of its own per start. Only when named (it needs the database).
 */
export const TANDEM_POSTGRES: Peer = tandem('tandem-postgres', undefined, tandemNodeFlags, true);

/**
 * Tandem as built in another checkout (TANDEM_BASELINE_MAIN: its apps/sync-server/dist/main.js), default
 * settings: a change measured against the code before it, in the same run. Only when named.
 */
export const TANDEM_BASELINE: Peer = {
  name: 'tandem-baseline',
  kind: 'tandem',
  framing: FRAMINGS['tandem-baseline'],
  start(dataDir) {
    const main = process.env.TANDEM_BASELINE_MAIN;
    if (main === undefined || main === '') throw new Error('tandem-baseline: set TANDEM_BASELINE_MAIN to the dist/main.js of another build of Tandem');
    return startTandemInstance(dataDir, { main: path.resolve(main) });
  },
};

/** Whether a server keeps its data in PostgreSQL (the commit sampler then runs beside it). */
export const onPostgres = (peer: Peer): boolean => peer === TANDEM_POSTGRES;

/** Every server a scenario can measure: floors, Tandem in each mode, then the peers. */
export const SERVERS: Peer[] = [...FLOORS, PEERS[0]!, ...TANDEM_MODES, ...PEERS.slice(1)];

/** What `selectServers` accepts: SERVERS, and variants measured only when named. */
const SELECTABLE: Peer[] = [...SERVERS, TANDEM_SMALL_YOUNG, TANDEM_V8_DEFAULT, TANDEM_POSTGRES, TANDEM_BASELINE];

/** The servers named in a comma-separated list, in SERVERS order; throws on an unknown name. */
export function selectServers(list: string): Peer[] {
  const wanted = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = wanted.filter((name) => !SELECTABLE.some((p) => p.name === name));
  if (unknown.length > 0) throw new RangeError(`Unknown server ${unknown.join(', ')}; known: ${SELECTABLE.map((p) => p.name).join(', ')}`);
  return SELECTABLE.filter((p) => wanted.includes(p.name));
}

/** Where the Hocuspocus instances of one setup meet: a Redis, and a key prefix of their own. */
export interface HocuspocusRedis {
  readonly host: string;
  readonly port: number;
  readonly prefix: string;
}

/**
 * One Hocuspocus instance with @hocuspocus/extension-redis and its SQLite extension on `dbFile`
 * (the setup passes every instance the same file: one shared database, as its docs deploy them).
 */
export async function startHocuspocusRedisInstance(dbFile: string, redis: HocuspocusRedis): Promise<RunningPeer> {
  const port = await freePort();
  const env = { PORT: String(port), DB: dbFile, REDIS_HOST: redis.host, REDIS_PORT: String(redis.port), REDIS_PREFIX: redis.prefix };
  return launch([path.join(here, 'hocuspocus-redis.mjs')], env, /"event":"listening"/, `http://127.0.0.1:${port}`);
}
