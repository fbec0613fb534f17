// The only reader of process.env and argv: validates settings once at start-up and hands down a frozen object.

import { availableParallelism } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { POSTGRES_SCHEMA_NAME } from '@tandem/persistence';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { type AddressRange, parseAddressRange } from './ip-address.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** When an update counts as stored, from the strictest (and default) to the fastest; see README "Durability". */
export const DURABILITY_MODES = ['flush-before-broadcast', 'flush-before-ack', 'none'] as const;
export type Durability = (typeof DURABILITY_MODES)[number];

/** Settings that were replaced, and what replaced them: naming one is an error, not silently ignored. */
const REPLACED: Record<string, string> = {
  SQLITE_SYNC: 'DURABILITY (SQLITE_SYNC=full is DURABILITY=flush-before-broadcast, the default; normal is DURABILITY=none)',
};

/**
 * A whole number written in decimal. Not z.coerce.number(): Number(' ') is 0, which would read a blank value
 * as 0 ("no limit" for several settings, a random PORT), and it takes 0x10 or 1e6 as well.
 */
const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds in a duration such as 90s, 30m, 1h, 30d; undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  return match === null ? undefined : Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const duration = (min: string, fallback: string, max?: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms < parseDuration(min)! || (max !== undefined && ms > parseDuration(max)!)) {
        const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
        ctx.addIssue({ code: 'custom', message: `must be a duration ${range} (e.g. 90s, 30m, 1h, 30d)` });
        return z.NEVER;
      }
      return ms;
    });

/**
 * A URL the clients can parse. Checked here because their own parse error (Node's ERR_INVALID_URL) carries
 * the whole URL, password included, in its `input` field, which the start-failed log line would print.
 */
/** Whether a URL's user name and password decode (they are sent decoded, as Basic authorization). */
function credentialsDecode(text: string): boolean {
  try {
    const url = new URL(text);
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    return true;
  } catch {
    return false;
  }
}
const parsesAsUrl = (text: string): boolean => URL.canParse(text);
const URL_HINT = 'is not a valid URL (percent-encode characters such as / # ? @ : % in the user name or password; the port must be 0-65535)';

/** Every setting: its environment variable, CLI flag, default and rule. */
const SETTINGS = {
  port: { env: 'PORT', schema: int(0, 65535).default(1234), help: 'TCP port to listen on (0 picks a free one)' },
  host: { env: 'HOST', schema: z.string().min(1).default('127.0.0.1'), help: 'Interface to bind; 0.0.0.0 for all (then set ALLOWED_ORIGINS)' },
  dataDir: { env: 'DATA_DIR', schema: z.string().min(1).default('./data'), help: 'Directory of the embedded SQLite store' },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\/./, 'must be a postgres:// or postgresql:// URL')
      .refine(parsesAsUrl, URL_HINT)
      .optional(),
    help: 'Keep the update log in PostgreSQL (postgres://user:password@host:5432/database) instead of SQLite in DATA_DIR',
    secret: true,
  },
  databaseSchema: {
    env: 'DATABASE_SCHEMA',
    schema: z.string().regex(POSTGRES_SCHEMA_NAME, 'must be a plain lower-case identifier').default('public'),
    help: "With DATABASE_URL: the schema that holds Tandem's tables (created if missing)",
  },
  databasePoolSize: {
    env: 'DATABASE_POOL_SIZE',
    schema: int(1, 1000).default(10),
    help: 'With DATABASE_URL: connections this instance keeps open (its history threads open 2 more each)',
  },
  databaseQueryTimeoutMs: {
    env: 'DATABASE_QUERY_TIMEOUT_MS',
    schema: int(100, 600_000).default(10_000),
    help: 'With DATABASE_URL: a statement that runs longer is stopped by PostgreSQL (statement_timeout) and fails, and so does a wait for a connection; a query with no answer 1 s after that fails too, so a database gone silent is noticed (clients get 4503, /readyz 503)',
  },
  redisUrl: {
    env: 'REDIS_URL',
    schema: z
      .string()
      .regex(/^rediss?:\/\/./, 'must be a redis:// or rediss:// URL')
      .refine(parsesAsUrl, URL_HINT)
      .optional(),
    help: 'With DATABASE_URL: several instances share updates and presence through this Redis (redis://host:6379); nothing is kept in it',
    secret: true,
  },
  fanoutHeadCheckMs: {
    env: 'FANOUT_HEAD_CHECK_MS',
    schema: int(100, 600_000).default(3_000),
    help: "With REDIS_URL: how often each open document's head seq is read from the log, to catch up on updates Redis did not deliver",
  },
  fanoutHeartbeatMs: {
    env: 'FANOUT_HEARTBEAT_MS',
    schema: int(100, 60_000).default(1_000),
    help: 'With REDIS_URL: how often each instance tells the others it is alive; one silent for 5 of these is taken for dead and its people are dropped',
  },
  logLevel: { env: 'LOG_LEVEL', schema: z.enum(LOG_LEVELS).default('info'), help: LOG_LEVELS.join(' | ') },
  logFormat: {
    env: 'LOG_FORMAT',
    schema: z.enum(['auto', 'json', 'pretty']).default('auto'),
    help: 'auto: readable lines on a terminal, JSON lines otherwise (a file, a pipe, a log collector) | json | pretty',
  },
  checkpointEvery: {
    env: 'CHECKPOINT_EVERY',
    schema: int(1, 1_000_000).default(500),
    help: 'Store a merged checkpoint every N updates of a document',
  },
  docUnloadDelayMs: {
    env: 'DOC_UNLOAD_DELAY_MS',
    schema: int(0, 3_600_000).default(5_000),
    help: 'Keep a document in memory this long after its last client leaves',
  },
  maxBroadcastDelayMs: {
    env: 'MAX_BROADCAST_DELAY_MS',
    schema: int(0, 1000).default(16),
    help: 'Under load, apply and broadcast a document at most once per 10–40 µs × its clients (more as the event loop saturates), up to this long apart; 0 sends every commit batch at once',
  },
  shutdownTimeoutMs: {
    env: 'SHUTDOWN_TIMEOUT_MS',
    schema: int(0, 600_000).default(10_000),
    help: 'On SIGTERM, wait this long for clients to finish closing',
  },
  maxMessageBytes: {
    env: 'MAX_MESSAGE_BYTES',
    schema: int(1024, 512 * 1024 * 1024).default(1024 * 1024),
    help: 'Largest WebSocket message accepted; larger ones close the connection',
  },
  durability: {
    env: 'DURABILITY',
    schema: z.enum(DURABILITY_MODES).default('flush-before-broadcast'),
    help:
      'flush-before-broadcast: an update is on disk before anyone sees it (survives power loss); ' +
      'flush-before-ack: written before broadcast (survives a killed process), on disk before its sender is told it is saved; ' +
      'none: written before broadcast, never waits for the disk (a power cut may lose the last seconds)',
  },
  minFreeDiskBytes: {
    env: 'MIN_FREE_DISK_BYTES',
    schema: int(0, 2 ** 50).default(512 * 1024 * 1024),
    help: 'Refuse writes (WebSocket 4507, HTTP 507, /readyz 503) while the data directory\'s disk has less free space; 0 turns it off',
  },
  authSecret: {
    env: 'AUTH_SECRET',
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
    help: 'HS256 secret; when set, every document and API call needs a token',
    secret: true,
  },
  revocationCheckMs: {
    env: 'REVOCATION_CHECK_MS',
    schema: int(100, 600_000).default(5_000),
    help: 'With AUTH_SECRET: how often the revocations are read again from the store (those made by tandem revoke, or missed from another instance); revoked connections close within this long',
  },
  shareLinkRedeemsPerMinute: {
    env: 'SHARE_LINK_REDEEMS_PER_MINUTE',
    schema: int(0, 1_000_000).default(30),
    help: 'With AUTH_SECRET: share links one client address may redeem a minute (bursts up to as many), wrong secrets included; more are answered 429 with Retry-After; 0 for no limit',
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    schema: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const ranges: AddressRange[] = [];
        for (const item of (v ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '')) {
          const range = parseAddressRange(item);
          if (range === undefined) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(item)} is not an IP address or CIDR (10.0.0.0/8, ::1)` });
          else ranges.push(range);
        }
        return ranges;
      }),
    help: 'Comma-separated addresses or CIDRs of reverse proxies in front of the server (127.0.0.1, 10.0.0.0/8); requests from them take the client address from X-Forwarded-For (per-address limits, logs); default: none',
  },
  basePath: {
    env: 'BASE_PATH',
    schema: z
      .string()
      .default('')
      .transform((v) => v.replace(/\/+$/, ''))
      .pipe(z.string().regex(/^(\/(?!\.{1,2}(?:\/|$))[A-Za-z0-9._~-]+)*$/, 'must be a path such as /docs (segments of letters, digits, . _ ~ -; not . or ..)')),
    help: 'Serve everything (editor, API, WebSocket) under this path, e.g. /docs behind a proxy at https://intranet/docs/; /healthz, /readyz and /metrics answer at the root too',
  },
  allowedOrigins: {
    env: 'ALLOWED_ORIGINS',
    schema: z
      .string()
      .optional()
      .transform((v) => (v === undefined ? [] : v.split(',').map((o) => o.trim()).filter((o) => o !== '')))
      // http(s) only: 'localhost:5173' parses as a URL of scheme 'localhost:', whose origin is 'null'.
      .pipe(z.array(z.url({ protocol: /^https?$/, message: 'must be a comma-separated list of http(s) origins (https://docs.example.com)' }))),
    help: 'Comma-separated origins, besides the server\'s own, allowed to write (HTTP API and WebSockets); when set, the server answers only to their hosts and loopback names (421 for any other Host); default: none',
  },
  maxDocBytes: {
    env: 'MAX_DOC_BYTES',
    schema: int(1024, 16 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    help: 'Largest size of one document: its merged content (what a new client downloads), not its history; an edit or restore past it is refused (4413 / 413)',
  },
  historyKeepAll: {
    env: 'HISTORY_KEEP_ALL',
    schema: z
      .string()
      .default('forever')
      .transform((text, ctx) => {
        if (text === 'forever') return null;
        const ms = parseDuration(text);
        if (ms === undefined || ms < UNIT_MS.h) {
          ctx.addIssue({ code: 'custom', message: "must be 'forever' or a duration of at least 1h (e.g. 30d)" });
          return z.NEVER;
        }
        return ms;
      }),
    help: "Keep every update of a document this long (e.g. 30d), then compact older ones in the background to one version per HISTORY_BUCKET; 'forever' (default) never compacts",
  },
  historyBucket: {
    env: 'HISTORY_BUCKET',
    schema: duration('1m', '1h'),
    help: 'Past HISTORY_KEEP_ALL, one version of a document is kept per this long (default 1h)',
  },
  trashDays: {
    env: 'TRASH_DAYS',
    schema: int(1, 36_500).default(30),
    help: 'A deleted document stays in the trash (restorable) this many days, then it is purged for good',
  },
  historySweepInterval: {
    env: 'HISTORY_SWEEP_INTERVAL',
    // A timer waits at most 2^31-1 ms (~24.8 days); past it Node fires after 1 ms, over and over.
    schema: duration('1s', '1h', '24d'),
    help: 'How often the background jobs go through the documents (compaction, log growth metric), one at a time',
  },
  rateLimitMessages: {
    env: 'RATE_LIMIT_MESSAGES',
    schema: int(1, 1_000_000).default(300),
    help: 'Messages per second one connection may send (bursts up to 2 s worth)',
  },
  rateLimitBytes: {
    env: 'RATE_LIMIT_BYTES',
    schema: int(1024, 1024 * 1024 * 1024).default(2 * 1024 * 1024),
    help: 'Bytes per second one connection may send (bursts up to 2 s worth)',
  },
  storeRateBytesPerHour: {
    env: 'STORE_RATE_BYTES_PER_HOUR',
    schema: int(0, 1024 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    help: 'Bytes of edits one user (one address without auth) may store per hour, over all their documents; 0 for no limit',
  },
  storeBurstBytes: {
    env: 'STORE_BURST_BYTES',
    schema: int(1024, 1024 * 1024 * 1024 * 1024).default(16 * 1024 * 1024),
    help: 'Bytes of edits one user may store at once before STORE_RATE_BYTES_PER_HOUR applies',
  },
  maxConnectionsPerDoc: {
    env: 'MAX_CONNECTIONS_PER_DOC',
    schema: int(1, 1_000_000).default(1000),
    help: 'Connections one document may have at once',
  },
  maxConnectionsPerIp: {
    env: 'MAX_CONNECTIONS_PER_IP',
    schema: int(1, 1_000_000).default(1000),
    help: 'Connections one client address may have at once without a token (behind a NAT many people share one; behind a proxy set TRUST_PROXY, or everyone counts as the proxy)',
  },
  maxConnectionsPerUser: {
    env: 'MAX_CONNECTIONS_PER_USER',
    schema: int(1, 1_000_000).default(100),
    help: 'Connections one signed-in user (token sub) may have at once, from any address; these do not count per address',
  },
  maxAwarenessStatesPerConnection: {
    env: 'MAX_AWARENESS_STATES_PER_CONNECTION',
    schema: int(1, 1000).default(4),
    help: 'Presence (awareness) client ids one connection may hold; a stock client uses one',
  },
  maxAwarenessStateBytes: {
    env: 'MAX_AWARENESS_STATE_BYTES',
    schema: int(256, 1024 * 1024).default(8 * 1024),
    help: 'Largest presence state (its JSON); a larger one closes the connection with 4413',
  },
  maxAwarenessStatesPerDoc: {
    env: 'MAX_AWARENESS_STATES_PER_DOC',
    schema: int(1, 1_000_000).optional(),
    help: 'Presence states one document may hold (default: MAX_CONNECTIONS_PER_DOC)',
  },
  pingIntervalMs: {
    env: 'PING_INTERVAL_MS',
    schema: int(100, 60_000).default(2_000),
    help: 'Ping every client this often; one that answers nothing by the next ping is shown to the others as away',
  },
  pingDropAfterMs: {
    env: 'PING_DROP_AFTER_MS',
    schema: int(1_000, 600_000).default(15_000),
    help: 'Drop a client that answers no ping (nor anything else) this long, and remove it from everyone\'s people list',
  },
  maxBufferedBytes: {
    env: 'MAX_BUFFERED_BYTES',
    schema: int(64 * 1024, 1024 * 1024 * 1024).default(16 * 1024 * 1024),
    help: 'Close a client that stops reading once this much is waiting to be sent to it',
  },
  httpSendTimeoutMs: {
    env: 'HTTP_SEND_TIMEOUT_MS',
    schema: int(100, 3_600_000).default(60_000),
    help: 'Close an HTTP response its client takes nothing of for this long (bodies go out 16 KiB at a time, so a slow download that keeps reading is not cut; computing the answer does not count)',
  },
  maxHttpSendsPerIp: {
    env: 'MAX_HTTP_SENDS_PER_IP',
    schema: int(1, 1_000_000).default(32),
    help: 'HTTP responses one client address may have being sent at once (each holds its body in memory until taken); more are answered 429 with Retry-After (behind a proxy set TRUST_PROXY, or everyone counts as the proxy)',
  },
  maxHttpSendBytes: {
    env: 'MAX_HTTP_SEND_BYTES',
    schema: int(1024 * 1024, 64 * 1024 * 1024 * 1024).default(512 * 1024 * 1024),
    help: 'Bytes of HTTP answers the server may hold for every client still taking them, together (large answers are held until taken); past it requests are answered 503 with Retry-After, health checks and metrics excepted',
  },
  historyWorkers: {
    env: 'HISTORY_WORKERS',
    schema: int(1, 64).default(Math.max(1, Math.min(4, availableParallelism() - 1))),
    help: 'Worker threads for history work (timeline, versions, diffs, restore); default: cores - 1, 1 to 4',
  },
  historyTimeoutMs: {
    env: 'HISTORY_TIMEOUT_MS',
    schema: int(1, 600_000).default(10_000),
    help: 'A history request still unfinished after this long is cancelled with 503 history-timeout',
  },
  historyQueue: {
    env: 'HISTORY_QUEUE',
    schema: int(0, 100_000).default(16),
    help: 'History requests that may wait for a worker; more are refused with 503 history-busy',
  },
  historyMaxDiffChars: {
    env: 'HISTORY_MAX_DIFF_CHARS',
    schema: int(1000, 1_000_000_000).default(4_000_000),
    help: 'Largest diff (characters of kept, inserted and deleted text); larger ones are refused with 413',
  },
  webhookUrl: {
    env: 'WEBHOOK_URL',
    schema: z
      .string()
      .optional()
      .transform((v) => (v === undefined ? [] : v.split(',').map((u) => u.trim()).filter((u) => u !== '')))
      .pipe(
        z.array(
          z
            .url({ protocol: /^https?$/, message: 'must be a comma-separated list of http(s) URLs' })
            // Its credentials are sent decoded (Basic authorization): a stray '%' would fail every delivery.
            .refine(credentialsDecode, "has a user name or password that is not valid percent-encoding (write '%' as %25)"),
        ),
      ),
    help: 'Comma-separated http(s) URLs that receive signed JSON events (document created, changed, restored, named); needs WEBHOOK_SECRET',
    // A URL may carry credentials (https://user:pass@host/ or a token in its query).
    secret: true,
  },
  webhookSecret: {
    env: 'WEBHOOK_SECRET',
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
    help: 'With WEBHOOK_URL: the key of the HMAC-SHA256 signature in each call\'s Tandem-Signature header',
    secret: true,
  },
  webhookDebounceMs: {
    env: 'WEBHOOK_DEBOUNCE_MS',
    schema: int(0, 86_400_000).default(10_000),
    help: 'With WEBHOOK_URL: at most one document.changed call per document per this many ms, covering every change meanwhile',
  },
  webhookTimeoutMs: {
    env: 'WEBHOOK_TIMEOUT_MS',
    schema: int(100, 600_000).default(5_000),
    help: 'With WEBHOOK_URL: a call not answered (2xx) within this long counts as failed and is retried',
  },
  webhookRetryFor: {
    env: 'WEBHOOK_RETRY_FOR',
    schema: duration('1s', '24h'),
    help: 'With WEBHOOK_URL: retry a failing call with growing delays (1 s doubling to 1 h, with jitter) for this long after the event, then give up (logged)',
  },
  editorDir: {
    env: 'EDITOR_DIR',
    schema: z.string().min(1).default(defaultEditorDir()),
    help: 'Built editor files to serve at /',
  },
} as const;

type Settings = typeof SETTINGS;
export type Config = Readonly<{ [K in keyof Settings]: z.output<Settings[K]['schema']> }>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function defaultEditorDir(): string {
  // dist/config.js (or src/config.ts) → apps/editor/dist
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../editor/dist');
}

const flagName = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function configHelp(): string {
  const lines = Object.entries(SETTINGS).map(
    ([key, s]) => `  --${flagName(key).padEnd(22)} ${s.env.padEnd(22)} ${s.help}`,
  );
  return [
    'Options (flag, environment variable, meaning):',
    ...lines,
    `  --${'config'.padEnd(22)} ${'TANDEM_CONFIG'.padEnd(22)} A TOML or JSON file of these settings, named as the environment variables (flags > environment > file)`,
    '  --help',
  ].join('\n');
}

/**
 * Where a configuration file fails to parse, without the parser's own message: smol-toml quotes the lines
 * around the error and V8's JSON errors quote the text near it, which may be a secret (AUTH_SECRET,
 * WEBHOOK_SECRET, a DATABASE_URL with its password) that the start-up error would print.
 */
function parseErrorPlace(text: string, error: unknown): string {
  const e = error as { line?: unknown; column?: unknown; message?: unknown };
  if (typeof e.line === 'number' && typeof e.column === 'number') {
    // smol-toml: the first line of its message is the reason alone ("Invalid TOML document: invalid value").
    const reason = typeof e.message === 'string' ? (e.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '') : '';
    return ` at line ${e.line}, column ${e.column}${reason === '' ? '' : ` (${reason})`}`;
  }
  const position = typeof e.message === 'string' ? /at position (\d+)/.exec(e.message) : null;
  if (position === null) return '';
  const before = text.slice(0, Number(position[1])).split('\n');
  return ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/**
 * The settings of a configuration file (`--config` / TANDEM_CONFIG): TOML or JSON by its extension, keys
 * named as the environment variables (`PORT = 1234`, `ALLOWED_ORIGINS = ["https://a", "https://b"]`),
 * each value as the environment would give it. An unknown key is an error, not silently ignored.
 */
function readConfigFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the configuration file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = /\.json$/i.test(file) ? JSON.parse(text) : parseToml(text);
  } catch (error) {
    throw new ConfigError(`The configuration file ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'TOML'}${parseErrorPlace(text, error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(`The configuration file ${file} must hold a table of settings`);
  const known = new Set<string>(Object.values(SETTINGS).map((s) => s.env));
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(parsed)) {
    if (!known.has(key)) {
      const near = [...known].find((name) => name.toLowerCase().replace(/_/g, '') === key.toLowerCase().replace(/[_-]/g, ''));
      throw new ConfigError(`Unknown setting ${key} in ${file}${near === undefined ? '' : ` (did you mean ${near}?)`}; settings are named as the environment variables (--help lists them)`);
    }
    if (Array.isArray(raw)) out[key] = raw.map(String).join(',');
    else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') out[key] = String(raw);
    else throw new ConfigError(`${key} in ${file} must be a string, a number or a list`);
  }
  return out;
}

/**
 * Reads settings from CLI flags (which win), environment variables, then a configuration file
 * (`--config` or TANDEM_CONFIG). Throws a ConfigError naming the bad setting, where it came from, and its value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  const options = Object.fromEntries(Object.keys(SETTINGS).map((k) => [flagName(k), { type: 'string' as const }]));
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' }, config: { type: 'string' } }, strict: true }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${configHelp()}`);
  }
  const configFile = typeof flags.config === 'string' ? flags.config : env.TANDEM_CONFIG !== undefined && env.TANDEM_CONFIG !== '' ? env.TANDEM_CONFIG : undefined;
  const fromFile = configFile === undefined ? {} : readConfigFile(configFile);
  for (const [name, replacement] of Object.entries(REPLACED)) {
    if (env[name] !== undefined && env[name] !== '') throw new ConfigError(`${name} is no longer read: use ${replacement}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const flag = flagName(key);
    const fromFlag = flags[flag];
    const fromEnv = env[setting.env] === '' ? undefined : env[setting.env];
    const raw = typeof fromFlag === 'string' ? fromFlag : (fromEnv ?? fromFile[setting.env]);
    const source = typeof fromFlag === 'string' ? `--${flag}` : fromEnv !== undefined || fromFile[setting.env] === undefined ? setting.env : `${setting.env} (in ${configFile})`;
    const parsed = setting.schema.safeParse(raw === '' ? undefined : raw);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => i.message).join('; ');
      const shown = 'secret' in setting ? ' (value hidden)' : `=${JSON.stringify(raw)}`;
      throw new ConfigError(`Invalid ${source}${shown}: ${reason}`);
    }
    out[key] = parsed.data;
  }
  if ((out.pingDropAfterMs as number) <= (out.pingIntervalMs as number)) {
    throw new ConfigError(`PING_DROP_AFTER_MS (${out.pingDropAfterMs}) must be longer than PING_INTERVAL_MS (${out.pingIntervalMs})`);
  }
  if (out.redisUrl !== undefined && out.databaseUrl === undefined) {
    throw new ConfigError('REDIS_URL needs DATABASE_URL: instances that share updates must share the log, in PostgreSQL');
  }
  if ((out.webhookUrl as string[]).length > 0 && out.webhookSecret === undefined) {
    throw new ConfigError('WEBHOOK_URL needs WEBHOOK_SECRET (at least 32 characters): receivers check each call\'s signature with it');
  }
  out.dataDir = path.resolve(out.dataDir as string);
  out.editorDir = path.resolve(out.editorDir as string);
  return Object.freeze(out) as Config;
}

export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
