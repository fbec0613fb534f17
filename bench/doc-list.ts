// Benchmark: the start page's document list (DocumentStore.listDocumentPage, what GET /api/docs runs)
// on 10 000 and 100 000 documents, SQLite and PostgreSQL: the first page and a deep page (a cursor 90 %
// of the way down) by last change and by name, a search, and a token scoped to one prefix (1 % of the
// documents), each a page of 50 with its last authors. The peer, in the same run: what GET /api/docs
// did before it paged (every document and the trash read, filtered and sorted in memory).
//   npx tsx bench/doc-list.ts [-- --sizes 10000,100000 --runs 20 --out FILE]
// PostgreSQL: TANDEM_TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test; one schema per size, dropped.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type DocumentAppend, type DocumentPageQuery, type DocumentStore, openPostgresStore, openSqliteStore } from '@tandem/persistence';
import { testSchema } from '@tandem/persistence/testing/postgres';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    runs: { type: 'string', default: '20' },
    out: { type: 'string' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const RUNS = Number(values.runs);
const PAGE = 50;
const T0 = 1_700_000_000_000;
const AUTHORS = ['ana', 'bo', 'chen', 'dara', 'eli'];

/** `n` documents in 100 groups (`group-07/…`), 1 to 3 updates each, change times with ties, 1 % in the trash. */
async function fill(store: DocumentStore, n: number): Promise<void> {
  for (let start = 0; start < n; start += 2000) {
    const batch: DocumentAppend[] = [];
    for (let i = start; i < Math.min(n, start + 2000); i++) {
      const at = T0 + Math.floor(((i * 7919) % n) / 2) * 1000; // two documents per second, shuffled
      const entries = Array.from({ length: 1 + (i % 3) }, (_, k) => ({ update: new Uint8Array([k, i & 255]), author: AUTHORS[(i + k) % AUTHORS.length]!, receivedAt: at }));
      batch.push({ doc: `group-${String(i % 100).padStart(2, '0')}/note ${i}`, entries });
    }
    await store.append(batch);
  }
  for (let i = 0; i < n; i += 100) await store.trashDocument(`group-${String(i % 100).padStart(2, '0')}/note ${i}`, { at: T0, by: 'ana' });
}

const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;

async function time(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

/** A cursor 90 % of the way down `query`'s order (found by walking pages of 1000, not timed). */
async function deepCursor(store: DocumentStore, query: Omit<DocumentPageQuery, 'limit'>, total: number) {
  let after = undefined as DocumentPageQuery['after'];
  let seen = 0;
  while (seen < total * 0.9) {
    const page = await store.listDocumentPage({ ...query, limit: Math.min(1000, Math.ceil(total * 0.9) - seen), ...(after ? { after } : {}) });
    seen += page.documents.length;
    const last = page.documents.at(-1)!;
    after = { lastChangeAt: last.lastChangeAt, name: last.name };
  }
  return after!;
}

/** What GET /api/docs did before it paged. */
async function everything(store: DocumentStore) {
  const trashed = new Set((await store.listTrash()).map((e) => e.doc));
  return (await store.listDocuments()).filter((d) => !trashed.has(d.name)).sort((a, b) => b.lastChangeAt - a.lastChangeAt);
}

type Row = Record<string, string | number>;
const rows: Row[] = [];
const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-doc-list-'));
try {
  for (const size of SIZES) {
    const schema = testSchema(`bench_doc_list_${size}`);
    const engines: Array<[string, () => Promise<DocumentStore>]> = [
      ['sqlite', async () => openSqliteStore({ dataDir: path.join(dir, `sqlite-${size}`), synchronous: 'normal' })],
      ['postgres', () => openPostgresStore({ url: schema.url, schema: schema.schema })],
    ];
    try {
      for (const [engine, open] of engines) {
        const store = await open();
        const filled = performance.now();
        await fill(store, size);
        console.error(`${engine} ${size}: filled in ${((performance.now() - filled) / 1000).toFixed(1)} s`);
        const visible = size - Math.ceil(size / 100);
        const scope = { names: [] as string[], prefixes: ['group-42/'] };
        const cases: Array<[string, () => Promise<unknown>]> = [
          ['first page, by last change', () => store.listDocumentPage({ limit: PAGE })],
          ['deep page (90 %), by last change', async () => store.listDocumentPage({ limit: PAGE, after: deep.lastChange })],
          ['first page, by name', () => store.listDocumentPage({ limit: PAGE, sort: 'name' })],
          ['deep page (90 %), by name', () => store.listDocumentPage({ limit: PAGE, sort: 'name', after: deep.name })],
          ['search "note 4" (11 %), first page', () => store.listDocumentPage({ limit: PAGE, search: 'NOTE 4' })],
          ['search "note 12345" (≤ 1), whole scan', () => store.listDocumentPage({ limit: PAGE, search: 'note 12345' })],
          ['token of one group (1 %), first page', () => store.listDocumentPage({ limit: PAGE, scope })],
          ['token of one group (1 %), deep page', () => store.listDocumentPage({ limit: PAGE, scope, after: deep.scoped })],
          ['peer: every document, filtered in memory', () => everything(store)],
        ];
        const deep = {
          lastChange: await deepCursor(store, {}, visible),
          name: await deepCursor(store, { sort: 'name' }, visible),
          scoped: await deepCursor(store, { scope }, visible / 100),
        };
        for (const [label, run] of cases) {
          const ms = await time(run);
          rows.push({ engine, documents: size, case: label, ms: Number(ms.toFixed(2)) });
          console.log(`${engine.padEnd(8)} ${String(size).padStart(6)}  ${label.padEnd(42)} ${ms.toFixed(2).padStart(8)} ms`);
        }
        await store.close();
      }
    } finally {
      await schema.drop().catch(() => {});
    }
  }
  if (values.out !== undefined) await writeFile(values.out, JSON.stringify({ runs: RUNS, page: PAGE, rows }, null, 2));
} finally {
  await rm(dir, { recursive: true, force: true });
}
