/// <reference lib="dom" />
// Benchmark: what one keystroke costs in the editor as the document grows (issue #13, "Speed in long
// documents"). Starts the built server, seeds documents of N paragraphs through a stock y-websocket
// client (which stays connected as a second person, its cursor in the middle of the document), opens
// each in Chromium, puts the caret at the end and types. Two figures per key:
//   dispatch  performance.now() around `view.dispatch` of an insertText transaction (the test hook
//             `window.tandem.view`): ProseMirror, our plugins, y-prosemirror and the Yjs transaction.
//   key task  real keyboard input: from the keydown (first listener, window capture) to the end of the
//             task that handled it, timed by a MessageChannel message posted at keydown; the browser
//             runs ProseMirror's DOM-change handling in that same task.
// Beside each document, the floor: the same paragraphs in a bare `contenteditable` element with no script, in
// the same browser, its key task timed the same way (what the browser's own editing costs per key; no editor
// built on `contenteditable` goes below it). `--trace dir` records a Chromium trace per document and prints
// where the renderer's main thread went (the browser's own work shows in a CPU profile only as "(program)").
// Event-timing entries (≥ 16 ms, the smallest threshold browsers allow) and long tasks are counted
// beside them. Rounds interleave the sizes (rotated order); each figure is the median of the rounds'
// per-key medians, with min and max.
//   npm run bench:editor [-- --sizes 0,2000,10000 --rounds 5 --keys 40 --profile dir --trace dir]

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Browser, type BrowserContext, chromium, type Page } from '@playwright/test';
import * as Y from 'yjs';
import { connectClient, type TestClient } from '../apps/sync-server/src/testing/clients.js';
import playwrightConfig, { CHROMIUM } from '../e2e/playwright.config.js';
import { startServerProcess } from '../e2e/support/server-process.js';
import { atMost, formatSpread, roundOrder, type Spread, spread, type Target } from './load/rounds.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '0,2000,10000' },
    rounds: { type: 'string', default: '5' },
    keys: { type: 'string', default: '40' },
    out: { type: 'string' },
    profile: { type: 'string' },
    trace: { type: 'string' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const ROUNDS = Number(values.rounds);
const KEYS = Number(values.keys);
const OUT = values.out ?? path.join(import.meta.dirname, 'results', 'editor-keystroke.json');
const FRAGMENT = 'prosemirror';
const TYPED = 'the quick brown fox jumps over the lazy dog ';

/** The key pressed for the i-th typed character (Playwright names the space bar). */
const keyAt = (i: number): string => {
  const ch = TYPED[i % TYPED.length]!;
  return ch === ' ' ? 'Space' : ch;
};
const SEED_BATCH = 500; // paragraphs per update: keeps each message well under MAX_MESSAGE_BYTES

const SENTENCES = [
  'A keystroke should cost the same on the first page as on the hundredth.',
  'Collaborative editing keeps every person’s changes, in order, without a lock.',
  'The quick brown fox jumps over the lazy dog, twice, for good measure.',
  'Long documents are where editors show what they scan on every key.',
];

/** N paragraphs of ordinary prose, written in batches; returns the seeding client, still connected. */
async function seed(url: string, name: string, paragraphs: number): Promise<TestClient> {
  const client = connectClient(url, name);
  await client.synced();
  const fragment = client.doc.getXmlFragment(FRAGMENT);
  for (let start = 0; start < paragraphs; start += SEED_BATCH) {
    client.doc.transact(() => {
      const batch: Y.XmlElement[] = [];
      for (let i = start; i < Math.min(paragraphs, start + SEED_BATCH); i++) {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(`${i + 1}. ${SENTENCES[i % SENTENCES.length]}`)]);
        batch.push(p);
      }
      fragment.insert(fragment.length, batch);
    });
  }
  // A second person, reading in the middle: the editor draws their cursor.
  client.provider.awareness.setLocalStateField('user', { name: 'Reader', color: '#2563eb' });
  if (paragraphs > 0) {
    const middle = (fragment.get(Math.floor(paragraphs / 2)) as Y.XmlElement).get(0) as Y.XmlText;
    const at = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(middle, 3));
    client.provider.awareness.setLocalStateField('cursor', { anchor: at, head: at });
  }
  return client;
}

interface PageProbe {
  dispatchMs: number[];
  keyTaskMs: number[];
  slowEvents: number;
  slowestEventMs: number;
  longTasks: number;
}

/** Installed before the app's own scripts, so its keydown listener runs first. */
function installProbe(): void {
  const probe = { keyTaskMs: [] as number[], slowEvents: 0, slowestEventMs: 0, longTasks: 0 };
  (window as unknown as { __probe: typeof probe }).__probe = probe;
  addEventListener(
    'keydown',
    () => {
      const start = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => probe.keyTaskMs.push(performance.now() - start);
      channel.port2.postMessage(0);
    },
    true,
  );
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!['keydown', 'keypress', 'keyup', 'beforeinput', 'input'].includes(e.name)) continue;
      probe.slowEvents += 1;
      probe.slowestEventMs = Math.max(probe.slowestEventMs, e.duration);
    }
  }).observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit);
  new PerformanceObserver((list) => (probe.longTasks += list.getEntries().length)).observe({ type: 'longtask' });
}

interface OpenDoc {
  readonly size: number;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly peer: TestClient;
}

async function open(browser: Browser, url: string, size: number): Promise<OpenDoc> {
  const name = `bench/keystroke-${size}`;
  const peer = await seed(url, name, size);
  const context = await browser.newContext({ viewport: playwrightConfig.use?.viewport ?? null });
  await context.addInitScript(installProbe);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`page error (${size} paragraphs): ${err.message}`));
  await page.goto(`${url}/d/${encodeURIComponent(name)}`);
  await page.waitForFunction(
    (n) => {
      const t = (window as unknown as { tandem?: { view: { state: { doc: { childCount: number } } }; sync: { status(): { connection: string } } } }).tandem;
      return t !== undefined && t.sync.status().connection === 'connected' && t.view.state.doc.childCount >= Math.max(1, n);
    },
    size,
    { timeout: 120_000, polling: 200 },
  );
  await page.locator('.ProseMirror').focus();
  await page.keyboard.press('Control+End');
  return { size, context, page, peer };
}

/** One round on one document: KEYS dispatched insertions, then KEYS real key presses. */
async function round(doc: OpenDoc): Promise<PageProbe> {
  const { page } = doc;
  await page.bringToFront();
  await page.locator('.ProseMirror').focus();
  await page.keyboard.press('Control+End');
  const dispatchMs = await page.evaluate(
    async ({ keys, typed }) => {
      type View = { state: { tr: { insertText(t: string): unknown } }; dispatch(tr: unknown): void };
      const view = (window as unknown as { tandem: { view: View } }).tandem.view;
      const times: number[] = [];
      for (let i = 0; i < keys; i++) {
        const t0 = performance.now();
        view.dispatch(view.state.tr.insertText(typed[i % typed.length]!));
        times.push(performance.now() - t0);
        // Let the key's deferred work (rendering, timers, IndexedDB) run before the next, as a typist would.
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      return times;
    },
    { keys: KEYS, typed: TYPED },
  );
  return { ...(await typeKeys(page)), dispatchMs };
}

/** KEYS real key presses, each left to finish (and its deferred work to run) before the next. */
async function typeKeys(page: Page): Promise<Omit<PageProbe, 'dispatchMs'>> {
  await page.evaluate(() => {
    const probe = (window as unknown as { __probe: PageProbe }).__probe;
    Object.assign(probe, { keyTaskMs: [], slowEvents: 0, slowestEventMs: 0, longTasks: 0 });
  });
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.press(keyAt(i));
    await page.waitForFunction((n) => (window as unknown as { __probe: PageProbe }).__probe.keyTaskMs.length >= n, i + 1, { polling: 5 });
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 15)));
  }
  return page.evaluate(() => (window as unknown as { __probe: PageProbe }).__probe);
}

/**
 * The floor: the same paragraphs in a bare `contenteditable` element, no script of ours and no editor, in the
 * same browser. What the browser itself spends per key typed into it (its editing command, the selection it
 * reports to the browser process, layout) is what no editor built on `contenteditable` can go below.
 */
interface FloorDoc {
  readonly size: number;
  readonly context: BrowserContext;
  readonly page: Page;
}

async function openFloor(browser: Browser, size: number): Promise<FloorDoc> {
  const context = await browser.newContext({ viewport: playwrightConfig.use?.viewport ?? null });
  const page = await context.newPage();
  const paragraphs = Array.from({ length: Math.max(1, size) }, (_, i) => (size === 0 ? '<p><br></p>' : `<p>${i + 1}. ${SENTENCES[i % SENTENCES.length]}</p>`));
  await page.setContent(
    `<!doctype html><style>body { font: 16px/1.6 system-ui, sans-serif; max-width: 48rem; margin: 0 auto; } [contenteditable] { white-space: pre-wrap; outline: none; padding: 1rem; }</style><div contenteditable="true">${paragraphs.join('')}</div>`,
  );
  await page.evaluate(installProbe);
  await page.locator('[contenteditable]').focus();
  await page.keyboard.press('Control+End');
  return { size, context, page };
}

async function floorRound(doc: FloorDoc): Promise<number[]> {
  await doc.page.bringToFront();
  await doc.page.locator('[contenteditable]').focus();
  await doc.page.keyboard.press('Control+End');
  return (await typeKeys(doc.page)).keyTaskMs;
}

/** Writes a CPU profile of KEYS real key presses per document, and prints the heaviest functions. */
async function profile(doc: OpenDoc, dir: string): Promise<void> {
  const cdp = await doc.page.context().newCDPSession(doc.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await doc.page.locator('.ProseMirror').focus();
  await cdp.send('Profiler.start');
  for (let i = 0; i < KEYS; i++) await doc.page.keyboard.press(keyAt(i));
  const { profile: cpu } = await cdp.send('Profiler.stop');
  const file = path.join(dir, `editor-keystroke-${doc.size}.cpuprofile`);
  await writeFile(file, JSON.stringify(cpu));
  const self = new Map<string, number>();
  const dt = new Map<number, number>();
  (cpu.samples ?? []).forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (cpu.timeDeltas?.[i] ?? 0)));
  for (const node of cpu.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (dt.get(node.id) ?? 0));
  }
  const top = [...self].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(program)')).sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(`\nprofile, ${doc.size} paragraphs (${file}); self time over ${KEYS} keys:`);
  for (const [k, us] of top) console.log(`  ${(us / 1000 / KEYS).toFixed(3).padStart(8)} ms/key  ${k}`);
  await cdp.detach();
}

/**
 * Records a Chromium trace of KEYS real key presses per document and prints where the renderer's main thread
 * spent them: script, style, layout, paint and the rest, which a CPU profile shows only as "(program)".
 */
async function trace(browser: Browser, doc: OpenDoc, dir: string): Promise<void> {
  await doc.page.bringToFront();
  await doc.page.locator('.ProseMirror').focus();
  await doc.page.keyboard.press('Control+End');
  const size = () => doc.page.evaluate(() => (window as unknown as { tandem: { view: { state: { doc: { content: { size: number } } } } } }).tandem.view.state.doc.content.size);
  const before = await size();
  await browser.startTracing(doc.page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8.execute'] });
  for (let i = 0; i < KEYS; i++) {
    await doc.page.keyboard.press(keyAt(i));
    await doc.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 15)));
  }
  const buffer = await browser.stopTracing();
  if ((await size()) !== before + KEYS) throw new Error(`trace, ${doc.size} paragraphs: the keys did not all reach the document`);
  const file = path.join(dir, `editor-keystroke-${doc.size}.trace.json`);
  await writeFile(file, buffer);
  type TraceEvent = { name: string; ph: string; dur?: number; tid: number; pid: number; args?: { name?: string } };
  const { traceEvents } = JSON.parse(buffer.toString()) as { traceEvents: TraceEvent[] };
  const main = traceEvents.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const total = new Map<string, number>();
  for (const e of traceEvents) {
    if (main === undefined || e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || e.dur === undefined) continue;
    total.set(e.name, (total.get(e.name) ?? 0) + e.dur);
  }
  const top = [...total].sort((a, b) => b[1] - a[1]).slice(0, 16);
  console.log(`\ntrace, ${doc.size} paragraphs (${file}); main thread, inclusive, over ${KEYS} keys:`);
  for (const [name, us] of top) console.log(`  ${(us / 1000 / KEYS).toFixed(3).padStart(8)} ms/key  ${name}`);
}

const median = (xs: readonly number[]) => spread(xs).median;

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-editor-'));
  const server = await startServerProcess(dataDir);
  const browser = await chromium.launch({ ...playwrightConfig.use?.launchOptions, executablePath: CHROMIUM });
  const docs: OpenDoc[] = [];
  const floors: FloorDoc[] = [];
  try {
    for (const size of SIZES) {
      const t0 = performance.now();
      docs.push(await open(browser, server.url, size));
      console.log(`opened ${size} paragraphs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      floors.push(await openFloor(browser, size));
    }
    const rounds = new Map<number, PageProbe[]>(SIZES.map((s) => [s, []]));
    const floorRounds = new Map<number, number[][]>(SIZES.map((s) => [s, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const doc of roundOrder(docs, r)) {
        rounds.get(doc.size)!.push(await round(doc));
        floorRounds.get(doc.size)!.push(await floorRound(floors.find((f) => f.size === doc.size)!));
      }
    }
    if (values.profile !== undefined) {
      await mkdir(values.profile, { recursive: true });
      for (const doc of docs) await profile(doc, values.profile);
    }
    if (values.trace !== undefined) {
      await mkdir(values.trace, { recursive: true });
      for (const doc of docs) await trace(browser, doc, values.trace);
    }

    const results = SIZES.map((size) => {
      const rs = rounds.get(size)!;
      return {
        paragraphs: size,
        dispatchMs: spread(rs.map((p) => median(p.dispatchMs))),
        keyTaskMs: spread(rs.map((p) => median(p.keyTaskMs))),
        keyTaskP95Ms: spread(rs.map((p) => [...p.keyTaskMs].sort((a, b) => a - b)[Math.floor(0.95 * (p.keyTaskMs.length - 1))]!)),
        slowEvents: rs.reduce((n, p) => n + p.slowEvents, 0),
        slowestEventMs: Math.max(0, ...rs.map((p) => p.slowestEventMs)),
        longTasks: rs.reduce((n, p) => n + p.longTasks, 0),
        floorKeyTaskMs: spread(floorRounds.get(size)!.map(median)),
      };
    });
    const empty = results.find((r) => r.paragraphs === 0);
    const ratio = (s: Spread, base: Spread | undefined) => (base === undefined ? '-' : `${(s.median / base.median).toFixed(2)}×`);
    console.log(`\neditor keystroke cost, ms per key: median [min–max] of ${ROUNDS} rounds × ${KEYS} keys; caret at the end, one remote cursor mid-document`);
    console.log(`${'paragraphs'.padStart(10)}  ${'dispatch (hook)'.padEnd(22)} ${'vs empty'.padStart(8)}  ${'key task (keyboard)'.padEnd(22)} ${'vs empty'.padStart(8)}  ${'key p95'.padEnd(20)} slow events  long tasks  ${'floor: bare contenteditable, key task'.padEnd(38)} key task − floor`);
    for (const r of results) {
      console.log(
        `${String(r.paragraphs).padStart(10)}  ${formatSpread(r.dispatchMs, 2).padEnd(22)} ${ratio(r.dispatchMs, empty?.dispatchMs).padStart(8)}  ${formatSpread(r.keyTaskMs, 2).padEnd(22)} ${ratio(r.keyTaskMs, empty?.keyTaskMs).padStart(8)}  ${formatSpread(r.keyTaskP95Ms, 2).padEnd(20)} ${String(r.slowEvents).padStart(11)}  ${String(r.longTasks).padStart(10)}  ${formatSpread(r.floorKeyTaskMs, 2).padEnd(38)} ${(r.keyTaskMs.median - r.floorKeyTaskMs.median).toFixed(2)} ms`,
      );
    }
    const at = (n: number) => results.find((r) => r.paragraphs === n);
    const targets: Target[] = [];
    for (const [label, pick] of [['dispatch', (r: (typeof results)[number]) => r.dispatchMs], ['key task', (r: (typeof results)[number]) => r.keyTaskMs]] as const) {
      const r2k = at(2000);
      const r10k = at(10000);
      if (r2k !== undefined) targets.push({ goal: `${label} at 2 000 paragraphs ≤ 1.5 ms`, figures: `${pick(r2k).median.toFixed(2)} ms`, met: pick(r2k).median <= 1.5 });
      if (r10k !== undefined && empty !== undefined) targets.push(atMost(`${label} at 10 000 paragraphs ≤ 2 × empty`, pick(r10k).median, 2, pick(empty).median, 'ms'));
    }
    console.log('\ntargets (issue #13; medians of the rounds):');
    for (const t of targets) console.log(`  ${t.met === undefined ? 'n/a    ' : t.met ? 'met    ' : 'NOT MET'} ${t.goal.padEnd(46)} ${t.figures}`);
    await writeFile(OUT, JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, keys: KEYS, results, targets }, null, 2) + '\n');
  } finally {
    for (const doc of docs) {
      await doc.context.close();
      doc.peer.destroy();
    }
    for (const floor of floors) await floor.context.close();
    await browser.close();
    await server.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
