import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { postgresOptions } from './storage.js';

describe('loadConfig', () => {
  it('flushes before broadcast unless told otherwise, and reads each durability mode', () => {
    expect(loadConfig({}).durability).toBe('flush-before-broadcast');
    for (const mode of ['flush-before-broadcast', 'flush-before-ack', 'none']) expect(loadConfig({ DURABILITY: mode }).durability).toBe(mode);
    expect(loadConfig({}, ['--durability', 'none']).durability).toBe('none');
  });

  it('applies defaults: port 1234, ./data, info logs', () => {
    const config = loadConfig({}, []);
    expect(config).toMatchObject({ port: 1234, host: '127.0.0.1', logLevel: 'info', checkpointEvery: 500 });
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads environment variables, and CLI flags win over them', () => {
    const config = loadConfig({ PORT: '4000', DATA_DIR: '/tmp/a', LOG_LEVEL: 'warn' }, ['--port', '5000', '--host=0.0.0.0']);
    expect(config).toMatchObject({ port: 5000, host: '0.0.0.0', dataDir: '/tmp/a', logLevel: 'warn' });
  });

  it('keeps every update by default, and reads a retention policy as durations', () => {
    expect(loadConfig({}, [])).toMatchObject({ historyKeepAll: null, historyBucket: 3_600_000, historySweepInterval: 3_600_000 });
    expect(loadConfig({ HISTORY_KEEP_ALL: '30d', HISTORY_BUCKET: '1d' }, [])).toMatchObject({
      historyKeepAll: 30 * 86_400_000,
      historyBucket: 86_400_000,
    });
  });

  it.each([
    [{ PORT: 'abc' }, [], /Invalid PORT="abc"/],
    [{ PORT: '70000' }, [], /Invalid PORT="70000"/],
    [{ LOG_LEVEL: 'loud' }, [], /Invalid LOG_LEVEL="loud"/],
    [{ CHECKPOINT_EVERY: '0' }, [], /Invalid CHECKPOINT_EVERY="0"/],
    [{}, ['--port=-1'], /Invalid --port="-1"/],
    [{}, ['--colour', 'red'], /Unknown option '--colour'/],
    [{ HISTORY_KEEP_ALL: '10m' }, [], /Invalid HISTORY_KEEP_ALL="10m": must be 'forever' or a duration of at least 1h/],
    [{ HISTORY_BUCKET: 'hourly' }, [], /Invalid HISTORY_BUCKET="hourly"/],
    [{ DURABILITY: 'fsync' }, [], /Invalid DURABILITY="fsync"/],
    [{ PING_INTERVAL_MS: '50' }, [], /Invalid PING_INTERVAL_MS="50"/],
    [{ PING_INTERVAL_MS: '5000', PING_DROP_AFTER_MS: '5000' }, [], /PING_DROP_AFTER_MS \(5000\) must be longer than PING_INTERVAL_MS \(5000\)/],
    // A replaced setting is refused with what replaces it, never silently ignored.
    [{ SQLITE_SYNC: 'normal' }, [], /SQLITE_SYNC is no longer read: use DURABILITY .*normal is DURABILITY=none/],
  ])('names the bad setting and value: %j %j', (env, argv, message) => {
    expect(() => loadConfig(env, argv)).toThrow(ConfigError);
    expect(() => loadConfig(env, argv)).toThrow(message);
  });

  it.each([
    // Number(' ') is 0: a blank value would turn a limit off (0 means "no limit") or pick a random port.
    [{ STORE_RATE_BYTES_PER_HOUR: ' ' }, /Invalid STORE_RATE_BYTES_PER_HOUR=" "/],
    [{ MIN_FREE_DISK_BYTES: '\t' }, /Invalid MIN_FREE_DISK_BYTES="\\t"/],
    [{ PORT: '  ' }, /Invalid PORT="  "/],
    [{ SHUTDOWN_TIMEOUT_MS: ' ' }, /Invalid SHUTDOWN_TIMEOUT_MS=" "/],
  ])('refuses a blank number rather than reading it as 0: %j', (env, message) => {
    expect(() => loadConfig(env, [])).toThrow(message);
  });

  it('reads whole numbers with the spaces around them, and nothing else', () => {
    expect(loadConfig({ PORT: ' 4000 ', STORE_RATE_BYTES_PER_HOUR: '0' }, [])).toMatchObject({ port: 4000, storeRateBytesPerHour: 0 });
    expect(() => loadConfig({ PORT: '0x10' }, [])).toThrow(/Invalid PORT="0x10": must be a whole number/);
  });

  it('pings every 2 s and drops a client silent for 15 s unless told otherwise', () => {
    expect(loadConfig({}, [])).toMatchObject({ pingIntervalMs: 2000, pingDropAfterMs: 15_000 });
    expect(loadConfig({ PING_INTERVAL_MS: '500', PING_DROP_AFTER_MS: '3000' }, [])).toMatchObject({ pingIntervalMs: 500, pingDropAfterMs: 3000 });
  });

  it('gives up on a PostgreSQL query after 10 s unless told otherwise, and passes the setting to the store', () => {
    expect(loadConfig({}, []).databaseQueryTimeoutMs).toBe(10_000);
    const config = loadConfig({ DATABASE_URL: 'postgres://u@h/d', DATABASE_QUERY_TIMEOUT_MS: '1500' }, []);
    expect(postgresOptions(config)).toMatchObject({ queryTimeoutMs: 1500 });
    expect(() => loadConfig({ DATABASE_QUERY_TIMEOUT_MS: '10' }, [])).toThrow(/DATABASE_QUERY_TIMEOUT_MS/);
  });

  it('refuses at start a database or Redis URL that does not parse, naming it, its password unshown', () => {
    // A generated password holding '/' (base64), not percent-encoded: the client's own parse error carries
    // the whole URL, which the start-failed log line would print.
    for (const [env, url] of [
      ['REDIS_URL', 'redis://:Zk3/q9+rT7wXs-secret@127.0.0.1:6379'],
      ['REDIS_URL', 'redis://127.0.0.1:99999'],
      ['DATABASE_URL', 'postgres://u:Zk3/q9+rT7wXs-secret@127.0.0.1:5432/d'],
    ] as const) {
      const extra = env === 'REDIS_URL' ? { DATABASE_URL: 'postgres://u@h/d' } : {};
      expect(() => loadConfig({ ...extra, [env]: url }, [])).toThrow(new RegExp(`${env}.*not a valid URL \\(percent-encode`));
      expect(() => loadConfig({ ...extra, [env]: url }, [])).not.toThrow(/secret/);
    }
  });

  it('refuses a WEBHOOK_URL whose credentials are not valid percent-encoding (every delivery would fail)', () => {
    const secret = 'webhook-secret-that-is-long-enough-0123456789';
    expect(() => loadConfig({ WEBHOOK_URL: 'https://u:50%off@hooks.example/in', WEBHOOK_SECRET: secret }, [])).toThrow(/WEBHOOK_URL.*percent-encoding/);
    expect(() => loadConfig({ WEBHOOK_URL: 'https://u:50%off@hooks.example/in', WEBHOOK_SECRET: secret }, [])).not.toThrow(/50%off/);
    expect(loadConfig({ WEBHOOK_URL: 'https://u:50%25off@hooks.example/in', WEBHOOK_SECRET: secret }, []).webhookUrl).toHaveLength(1);
  });

  it("refuses a HISTORY_SWEEP_INTERVAL past what a timer can wait (Node fires such a timer after 1 ms, over and over)", () => {
    expect(loadConfig({ HISTORY_SWEEP_INTERVAL: '24d' }, []).historySweepInterval).toBe(24 * 86_400_000);
    expect(() => loadConfig({ HISTORY_SWEEP_INTERVAL: '30d' }, [])).toThrow(/HISTORY_SWEEP_INTERVAL.*from 1s to 24d/);
  });

  it('never repeats a secret in its error', () => {
    expect(() => loadConfig({ AUTH_SECRET: 'too-short-but-still-secret' }, [])).toThrow(/Invalid AUTH_SECRET \(value hidden\): must be at least 32/);
    expect(() => loadConfig({ AUTH_SECRET: 'too-short-but-still-secret' }, [])).not.toThrow(/still-secret/);
  });

  it('reads webhook settings: one or more http(s) URLs, a secret of 32+ characters required with them, never shown', () => {
    const secret = 'webhook-secret-that-is-long-enough-0123456789';
    expect(loadConfig({})).toMatchObject({ webhookUrl: [], webhookDebounceMs: 10_000, webhookTimeoutMs: 5_000, webhookRetryFor: 86_400_000 });
    const config = loadConfig({ WEBHOOK_URL: 'https://a.example/hook, http://10.0.0.5:8080/in?key=k', WEBHOOK_SECRET: secret, WEBHOOK_DEBOUNCE_MS: '2000', WEBHOOK_RETRY_FOR: '2h' });
    expect(config).toMatchObject({ webhookUrl: ['https://a.example/hook', 'http://10.0.0.5:8080/in?key=k'], webhookSecret: secret, webhookDebounceMs: 2000, webhookRetryFor: 7_200_000 });
    expect(() => loadConfig({ WEBHOOK_URL: 'https://a.example/hook' })).toThrow(/WEBHOOK_URL needs WEBHOOK_SECRET/);
    expect(() => loadConfig({ WEBHOOK_URL: 'ftp://a.example/?key=hidden', WEBHOOK_SECRET: secret })).toThrow(/Invalid WEBHOOK_URL \(value hidden\)/);
    expect(() => loadConfig({ WEBHOOK_URL: 'ftp://a.example/?key=hidden', WEBHOOK_SECRET: secret })).not.toThrow(/hidden-key|key=hidden/);
    expect(() => loadConfig({ WEBHOOK_URL: 'https://a.example/', WEBHOOK_SECRET: 'short-but-still-a-secret' })).toThrow(/Invalid WEBHOOK_SECRET \(value hidden\): must be at least 32/);
    expect(() => loadConfig({ WEBHOOK_URL: 'https://a.example/', WEBHOOK_SECRET: 'short-but-still-a-secret' })).not.toThrow(/still-a-secret/);
  });

  it('reads BASE_PATH (trailing slash dropped) and refuses a path that is not one', () => {
    expect(loadConfig({}).basePath).toBe('');
    expect(loadConfig({ BASE_PATH: '/docs/' }).basePath).toBe('/docs');
    expect(loadConfig({ BASE_PATH: '/team/docs' }).basePath).toBe('/team/docs');
    for (const bad of ['docs', '/do cs', '/..', '/a/./b', '/<script>']) expect(() => loadConfig({ BASE_PATH: bad }), bad).toThrow(/BASE_PATH/);
  });

  it('reads TRUST_PROXY as addresses and CIDRs, and names an entry that is neither', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy.map((r) => r.text)).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/8,proxy.local' })).toThrow(/TRUST_PROXY.*proxy\.local/);
  });

  describe('a configuration file (--config, TANDEM_CONFIG)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-config-'));
    const file = (name: string, text: string) => {
      const p = path.join(dir, name);
      writeFileSync(p, text);
      return p;
    };

    it('reads TOML and JSON with the environment\'s names; flags beat the environment, which beats the file', () => {
      const toml = file('tandem.toml', 'PORT = 4100\nLOG_LEVEL = "warn"\nALLOWED_ORIGINS = ["https://a.example", "https://b.example"]\nBASE_PATH = "/docs"\n');
      expect(loadConfig({}, ['--config', toml])).toMatchObject({ port: 4100, logLevel: 'warn', basePath: '/docs', allowedOrigins: ['https://a.example', 'https://b.example'] });
      expect(loadConfig({ TANDEM_CONFIG: toml, PORT: '4200' }).port).toBe(4200);
      expect(loadConfig({ TANDEM_CONFIG: toml, PORT: '4200' }, ['--port', '4300']).port).toBe(4300);
      const json = file('tandem.json', JSON.stringify({ PORT: 4400, CHECKPOINT_EVERY: 50 }));
      expect(loadConfig({}, ['--config', json])).toMatchObject({ port: 4400, checkpointEvery: 50 });
    });

    it('validates the file as the environment, naming the file, and refuses unknown settings', () => {
      expect(() => loadConfig({}, ['--config', file('bad.toml', 'PORT = "many"\n')])).toThrow(/Invalid PORT \(in .*bad\.toml\)="many"/);
      expect(() => loadConfig({}, ['--config', file('typo.toml', 'port = 1\n')])).toThrow(/Unknown setting port .*did you mean PORT\?/);
      expect(() => loadConfig({}, ['--config', file('broken.toml', 'PORT = = 1\n')])).toThrow(/not valid TOML/);
      expect(() => loadConfig({}, ['--config', path.join(dir, 'missing.toml')])).toThrow(/Cannot read the configuration file/);
    });

    it('never shows a secret of the file when the file does not parse (its line is named, not quoted)', () => {
      const secret = 'file-secret-0123456789abcdef-ABCDEFGH';
      const broken = [
        file('unterminated.toml', `PORT = 1234\nAUTH_SECRET = "${secret}\n`),
        file('next-line.toml', `WEBHOOK_SECRET = "${secret}"\nPORT = = 1\n`),
        file('broken.json', `{"PORT": 1234, "AUTH_SECRET": ${secret}}`),
      ];
      for (const p of broken) {
        let message = '';
        try {
          loadConfig({}, ['--config', p]);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          message = (error as Error).message;
        }
        expect(message).toMatch(/is not valid (TOML|JSON)/);
        expect(message).not.toContain(secret.slice(0, 12));
      }
      expect(() => loadConfig({}, ['--config', broken[1]!])).toThrow(/line 2/);
    });
  });
});
