/// <reference lib="dom" />
// Benchmark: authorship colours (issue #16). Writes a 100 000-update document straight into the
// store (one-character updates, every tenth a deletion, a new paragraph every 300, three people each
// with their own Yjs client taking turns of 2 000 updates), starts the built server on it and opens
// it in Chromium.
//   first paint   from the click on "Show authorship" to the first coloured passage in the page,
//                 in a fresh browser context each run; the first run after the server started is
//                 reported apart (the history worker reads the whole log then; later runs are cached).
//   per key       typing with the colours off, then on: view.dispatch of each insertion (the editor's
//                 synchronous work per key) and the repaints the colours add (measured by the plugin,
//                 `tandem:authorship-repaint`), spread over the keys typed.
//   server bind   what binding each stored update to its author costs the room, per update (the
//                 hot path every room pays, opted in or not), in this process.
//   npm run bench:authorship [-- --updates 100000 --runs 5 --keys 40]

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Browser, chromium, type Page } from '@playwright/test';
import { type DocumentStore, openSqliteStore } from '@tandem/persistence';
import * as Y from 'yjs';
import { AuthorBindings } from '../apps/sync-server/src/sync/author-bindings.js';
import playwrightConfig, { CHROMIUM } from '../e2e/playwright.config.js';
import { startServerProcess } from '../e2e/support/server-process.js';
import { formatSpread, type Spread, spread } from './load/rounds.js';

const { values } = parseArgs({
  options: {
    updates: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    keys: { type: 'string', default: '40' },
    out: { type: 'string' },
  },
});
const UPDATES = Number(values.updates);
const RUNS = Number(values.runs);
const KEYS = Number(values.keys);
const OUT = values.out ?? path.join(import.meta.dirname, 'results', 'authorship.json');
const DOC = 'bench/authorship';
const TYPED = 'the quick brown fox jumps over the lazy dog ';

type Tandem = {
  view: { state: { tr: { insertText(t: string): unknown }; doc: { childCount: number } }; dispatch(tr: unknown): void };
  sync: { status(): { connection: string } };
};

/** Opens the document with the colours off and waits until it is all there. */
async function openDoc(browser: Browser, url: string, minBlocks: number): Promise<Page> {
  const context = await browser.newContext({ viewport: playwrightConfig.use?.viewport ?? null });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  await page.goto(`${url}/d/${encodeURIComponent(DOC)}`);
  await page.waitForFunction(
    (n) => {
      const t = (window as unknown as { tandem?: Tandem }).tandem;
      return t !== undefined && t.sync.status().connection === 'connected' && t.view.state.doc.childCount >= n;
    },
    minBlocks,
    { timeout: 120_000, polling: 100 },
  );
  return page;
}

/** Clicks the toggle and resolves with the ms until the first coloured passage is in the DOM. */
async function firstPaint(page: Page): Promise<{ ms: number; passages: number; fetchMs: number }> {
  return page.evaluate(
    () =>
      new Promise<{ ms: number; passages: number; fetchMs: number }>((resolve) => {
        const editor = document.querySelector('.ProseMirror')!;
        const started = performance.now();
        const observer = new MutationObserver(() => {
          if (editor.querySelector('.authored') === null) return;
          observer.disconnect();
          const fetchMs = performance.getEntriesByName('tandem:authorship-fetch').at(-1)?.duration ?? Number.NaN;
          resolve({ ms: performance.now() - started, passages: editor.querySelectorAll('.authored').length, fetchMs });
        });
        observer.observe(editor, { subtree: true, childList: true, attributes: true });
        document.querySelector<HTMLButtonElement>('[data-testid=authorship-toggle]')!.click();
      }),
  );
}

/** Types KEYS characters at the end through view.dispatch; ms per dispatch and the repaints meanwhile. */
async function typeKeys(page: Page): Promise<{ dispatchMs: number[]; repaintMs: number[] }> {
  await page.locator('.ProseMirror').focus();
  await page.keyboard.press('Control+End');
  return page.evaluate(
    async ({ keys, typed }) => {
      const view = (window as unknown as { tandem: Tandem }).tandem.view;
      performance.clearMeasures('tandem:authorship-repaint');
      await new Promise((r) => setTimeout(r, 200)); // a repaint due from before is not this round's
      performance.clearMeasures('tandem:authorship-repaint');
      const dispatchMs: number[] = [];
      for (let i = 0; i < keys; i++) {
        const t0 = performance.now();
        view.dispatch(view.state.tr.insertText(typed[i % typed.length]!));
        dispatchMs.push(performance.now() - t0);
        // A typist's pace: the key's deferred work (sync, repaints) runs before the next key.
        await new Promise((r) => setTimeout(r, 60));
      }
      await new Promise((r) => setTimeout(r, 200));
      const repaintMs = performance.getEntriesByName('tandem:authorship-repaint').map((e) => e.duration);
      return { dispatchMs, repaintMs };
    },
    { keys: KEYS, typed: TYPED },
  );
}

/** ns per update of AuthorBindings.bind over typing updates of one client (bound after the first). */
function bindCost(): { nsPerUpdate: number; decodeNsPerUpdate: number } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const text = doc.getText('t');
  for (let i = 0; i < 20_000; i++) text.insert(text.length, 'x');
  const bindings = new AuthorBindings({ describe: async () => ({}) });
  const time = (f: () => void) => {
    const t0 = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - t0) / updates.length;
  };
  for (let r = 0; r < 3; r++) for (const u of updates) bindings.bind(u, 'ada'); // warm up
  const ns = spread([0, 1, 2, 3, 4].map(() => time(() => updates.forEach((u) => bindings.bind(u, 'ada'))))).median;
  const decode = spread([0, 1, 2].map(() => time(() => updates.forEach((u) => Y.decodeUpdate(u))))).median;
  return { nsPerUpdate: ns, decodeNsPerUpdate: decode };
}

/** Three people typing in turns, each from their own Y.Doc; every update stored with its author and time. */
async function writeDocument(store: DocumentStore, updates: number): Promise<number> {
  const people = ['ada', 'bob', 'cat'].map((author) => ({ author, doc: new Y.Doc() }));
  let at = Date.now() - updates * 50 - 3_600_000;
  let entries: Array<{ update: Uint8Array; author: string; receivedAt: number }> = [];
  let written = 0;
  for (let i = 0; written + entries.length < updates; i++) {
    const turn = Math.floor(i / 2_000) % people.length;
    const { author, doc } = people[turn]!;
    at += i % 2_000 === 0 && i > 0 ? 120_000 : 50;
    const fragment = doc.getXmlFragment('prosemirror');
    let update: Uint8Array | undefined;
    const capture = (u: Uint8Array) => (update = u);
    doc.once('update', capture);
    const last = fragment.length === 0 ? undefined : (fragment.get(fragment.length - 1) as Y.XmlElement);
    if (last === undefined || i % 300 === 150) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText()]);
      fragment.insert(fragment.length, [p]);
    } else {
      const text = last.get(0) as Y.XmlText;
      if (i % 10 === 9 && text.length > 0) text.delete(Math.floor((text.length * 2) / 3), 1);
      else text.insert(i % 40 === 0 ? Math.floor(text.length / 2) : text.length, 'etaoin shrdlu'[i % 13]!);
    }
    doc.off('update', capture);
    if (update === undefined) continue;
    for (const other of people) if (other.doc !== doc) Y.applyUpdate(other.doc, update);
    entries.push({ update, author, receivedAt: at });
    if (entries.length === 5_000 || written + entries.length >= updates) {
      await store.append([{ doc: DOC, entries }]);
      written += entries.length;
      entries = [];
      await store.writeCheckpoint(DOC, { seq: written, state: Y.encodeStateAsUpdate(people[0]!.doc), createdAt: at });
    }
  }
  return people[0]!.doc.getXmlFragment('prosemirror').length;
}

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-authorship-'));
  const store = openSqliteStore({ dataDir, synchronous: 'normal' });
  const t0 = performance.now();
  const blocks = await writeDocument(store, UPDATES);
  await store.close();
  console.log(`wrote ${UPDATES} updates (${blocks} paragraphs) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const server = await startServerProcess(dataDir);
  const browser = await chromium.launch({ ...playwrightConfig.use?.launchOptions, executablePath: CHROMIUM });
  const minBlocks = blocks;
  try {
    const paints: Array<{ ms: number; passages: number; fetchMs: number }> = [];
    for (let run = 0; run < RUNS + 1; run++) {
      const page = await openDoc(browser, server.url, minBlocks);
      paints.push(await firstPaint(page));
      await page.context().close();
    }
    const [cold, ...warm] = paints;
    // The request alone, from this process (the worker caches of the pool warmed by the runs above).
    const requestMs: number[] = [];
    let rangeCount = 0;
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const res = await fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}/authorship`);
      rangeCount = ((await res.json()) as { ranges: unknown[] }).ranges.length;
      requestMs.push(performance.now() - started);
    }
    const warmPaint = spread(warm.map((p) => p.ms));

    // Per key: the same page, colours off then on, RUNS rounds each, alternating.
    const page = await openDoc(browser, server.url, minBlocks);
    const off: Array<{ dispatch: number; repaint: number }> = [];
    const on: Array<{ dispatch: number; repaint: number; repaints: number; repaintEach: number }> = [];
    const toggle = (want: boolean) =>
      page.evaluate(async (w) => {
        const t = (window as unknown as { tandem: { authorship: { set(on: boolean): Promise<void> } } }).tandem.authorship;
        await t.set(w);
      }, want);
    for (let r = 0; r < RUNS; r++) {
      await toggle(false);
      const a = await typeKeys(page);
      off.push({ dispatch: spread(a.dispatchMs).median, repaint: a.repaintMs.reduce((x, y) => x + y, 0) / KEYS });
      await toggle(true);
      await page.waitForSelector('.authored');
      const b = await typeKeys(page);
      on.push({
        dispatch: spread(b.dispatchMs).median,
        repaint: b.repaintMs.reduce((x, y) => x + y, 0) / KEYS,
        repaints: b.repaintMs.length,
        repaintEach: b.repaintMs.length === 0 ? 0 : spread(b.repaintMs).median,
      });
    }
    const passages = await page.locator('.authored').count();
    await page.context().close();
    const bind = bindCost();

    const f = (s: Spread) => formatSpread(s, 2);
    const perKey = (xs: Array<{ dispatch: number; repaint: number }>) => spread(xs.map((x) => x.dispatch + x.repaint));
    const results = {
      updates: UPDATES,
      passages,
      firstPaintColdMs: cold!.ms,
      firstPaintWarmMs: warmPaint,
      fetchColdMs: cold!.fetchMs,
      requestAloneMs: spread(requestMs),
      ranges: rangeCount,
      fetchWarmMs: spread(warm.map((p) => p.fetchMs)),
      perKeyOff: { dispatchMs: spread(off.map((x) => x.dispatch)), totalMs: perKey(off) },
      perKeyOn: {
        dispatchMs: spread(on.map((x) => x.dispatch)),
        repaintEachMs: spread(on.map((x) => x.repaintEach)),
        repaintsPerKey: spread(on.map((x) => x.repaints / KEYS)),
        totalMs: perKey(on),
      },
      serverBindNsPerUpdate: bind.nsPerUpdate,
      serverDecodeNsPerUpdate: bind.decodeNsPerUpdate,
    };
    console.log(`\nauthorship colours on a ${UPDATES}-update document (${passages} coloured passages); median [min–max]`);
    console.log(`  first paint, first request after start   ${cold!.ms.toFixed(0)} ms (of which the authorship request ${cold!.fetchMs.toFixed(0)} ms)`);
    console.log(`  first paint, ${RUNS} runs after that        ${formatSpread(warmPaint, 0)} ms (request ${formatSpread(results.fetchWarmMs, 0)} ms)`);
    console.log(`  the request alone (warm, from Node)      ${formatSpread(results.requestAloneMs, 0)} ms, ${rangeCount} ranges`);
    console.log(`  per key, colours off: dispatch           ${f(results.perKeyOff.dispatchMs)} ms`);
    console.log(`  per key, colours on:  dispatch           ${f(results.perKeyOn.dispatchMs)} ms`);
    console.log(`                        one repaint        ${f(results.perKeyOn.repaintEachMs)} ms (${f(results.perKeyOn.repaintsPerKey)} per key, ${KEYS} keys 60 ms apart)`);
    console.log(`                        total per key      ${f(results.perKeyOn.totalMs)} ms  (${(results.perKeyOn.totalMs.median / results.perKeyOff.totalMs.median).toFixed(2)}× off)`);
    console.log(`  server: binding a stored update          ${bind.nsPerUpdate.toFixed(0)} ns/update (decoding one: ${bind.decodeNsPerUpdate.toFixed(0)} ns)`);
    await writeFile(OUT, JSON.stringify({ date: new Date().toISOString(), runs: RUNS, keys: KEYS, results }, null, 2) + '\n');
  } finally {
    await browser.close();
    await server.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
