// The disk sampler's process (see ./disk-sampler.ts): every INTERVAL_MS it appends ~300 bytes to FILE
// and fdatasyncs it, and prints one line per flush: "<start, ms since the epoch> <latency ms>". Sync
// calls in a process of its own, so a sample never waits on the harness's event loop or thread pool.
// Plain JavaScript, so it runs under bare node.
import { closeSync, fdatasyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 20);
const RECORD = Buffer.alloc(300, 'x');
// The file is emptied past this size; the flush after that (freeing blocks) is not a sample.
const MAX_BYTES = 8 * 2 ** 20;
const fd = openSync(process.env.FILE, 'a');
let size = 0;
let lines = '';

const wallNow = () => performance.timeOrigin + performance.now();

const sample = setInterval(() => {
  if (size >= MAX_BYTES) {
    ftruncateSync(fd, 0);
    fdatasyncSync(fd);
    size = 0;
  }
  const start = wallNow();
  const t0 = performance.now();
  writeSync(fd, RECORD);
  fdatasyncSync(fd);
  const latency = performance.now() - t0;
  size += RECORD.length;
  lines += `${start.toFixed(3)} ${latency.toFixed(4)}\n`;
}, INTERVAL_MS);

const report = setInterval(() => {
  if (lines === '') return;
  process.stdout.write(lines);
  lines = '';
}, 200);

process.on('SIGTERM', () => {
  clearInterval(sample);
  clearInterval(report);
  process.stdout.write(lines, () => {
    closeSync(fd);
    process.exit(0);
  });
});
console.log('ready');
