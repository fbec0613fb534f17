import { defineConfig } from '@playwright/test';

// Debian's Chromium (installed by scripts/ensure-chromium.mjs); Playwright's own browser download
// does not work offline. The benchmarks time the editor in the whole browser.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The browser tests run in Debian's build of Chromium's headless shell: the same version's Blink and V8
// without the browser around them (what Playwright itself runs headless). It opens a page in about half
// the time and CPU of the whole browser in headless mode (measured: 8 people each opening a document and
// typing 22 characters, 1.5 s against 3.2 s a person), which is most of what the browser tests spend.
export const TEST_CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';

export default defineConfig({
  testDir: './tests',
  outputDir: '../test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two spec files at a time: the tests mostly wait (page loads, round trips; one worker used a third of
  // the two cores). The whole suite, 252 tests (2026-12-05): 7.7 min with one worker, 5.3 with two, 4.6
  // with three; it also passed with two beside a full vitest run (8.7 min). More than two would leave
  // little headroom on a slower machine.
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: TEST_CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    viewport: { width: 1100, height: 720 },
    // A failed test keeps its trace (actions, console, network) and a screenshot; not DOM snapshots or a
    // screencast of every step, which cost about a fifth of the suite's time on this 2-core machine.
    trace: { mode: 'retain-on-failure', snapshots: false, screenshots: false, sources: false },
    screenshot: 'only-on-failure',
  },
});
