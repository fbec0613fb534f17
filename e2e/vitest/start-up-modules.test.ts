// What the process loads at start-up. A server on SQLite without REDIS_URL loaded ioredis and pg, and the
// server thread the Markdown and HTML libraries that only the history threads and the CLI use: about 0.4 s
// of every start (1.2 s → 0.77 s; `tandem token` 1.2 s → 0.47 s; bench/server-start.ts). Each module the
// process resolves is recorded by a module hook; these tests fail when a static import brings one back.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = path.resolve(import.meta.dirname, '../../apps/sync-server/dist/main.js');
const OPTIONAL = /\/node_modules\/(ioredis|pg|linkedom|markdown-it|prosemirror-markdown)\//;

describe('start-up', () => {
  let dir: string;
  let register: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-modules-'));
    await writeFile(
      path.join(dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(file, resolved.url + '\\n');
  return resolved;
}
`,
    );
    register = path.join(dir, 'register.mjs');
    await writeFile(
      register,
      `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)}, { data: { file: process.env.MODULES_FILE } });
`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The module URLs the process resolved (the hook sees ESM imports and CommonJS modules required from them). */
  const resolved = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');

  it('a server on SQLite without Redis loads neither ioredis nor pg, nor the import and export libraries', async () => {
    const modules = path.join(dir, 'server.txt');
    const dataDir = await mkdtemp(path.join(dir, 'data-'));
    const child = spawn(process.execPath, ['--import', register, MAIN], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'info', MODULES_FILE: modules },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('"event":"listening"')) resolve();
      });
      void closed.then(() => reject(new Error(`the server exited before listening:\n${output}`)));
    });
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
    const urls = await resolved(modules);
    // The hook saw the server's own modules (it records something) …
    expect(urls.some((url) => url.endsWith('/apps/sync-server/dist/server.js'))).toBe(true);
    expect(urls.some((url) => url.includes('/node_modules/better-sqlite3/'))).toBe(true);
    // … and none of the optional ones.
    expect(urls.filter((url) => OPTIONAL.test(url))).toEqual([]);
  });

  it('`tandem token` loads neither the server nor a store driver', async () => {
    const modules = path.join(dir, 'token.txt');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', register, MAIN, 'token', '--user', 'a', '--doc', 'x'], {
      env: { ...process.env, AUTH_SECRET: 'start-up-test-secret-0123456789-0123456789', MODULES_FILE: modules },
    });
    expect(stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const urls = await resolved(modules);
    expect(urls.some((url) => url.endsWith('/apps/sync-server/dist/cli/token-command.js'))).toBe(true);
    expect(urls.filter((url) => url.endsWith('/apps/sync-server/dist/server.js') || OPTIONAL.test(url))).toEqual([]);
  });
});
