import { chromium } from 'playwright';
import http from 'node:http';
const srv = http.createServer((q, r) => { r.setHeader('content-type', 'text/html'); r.end('<html><body>x</body></html>'); }).listen(0);
const url = `http://127.0.0.1:${srv.address().port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium-headless-shell', args: ['--no-sandbox'] });
for (const mode of ['auto', 'commit', 'auto', 'commit']) {
  let kept = 0; const N = 20;
  for (let i = 0; i < N; i++) {
    const ctx = await browser.newContext();
    const p = await ctx.newPage(); await p.goto(url);
    await p.evaluate(async () => { await new Promise((res) => { const o = indexedDB.open('t', 1); o.onupgradeneeded = () => o.result.createObjectStore('u', { autoIncrement: true }); o.onsuccess = () => { window.db = o.result; res(); }; }); });
    await p.evaluate((mode) => { addEventListener('pagehide', () => { const tx = window.db.transaction(['u'], 'readwrite'); tx.objectStore('u').add(new Uint8Array(100)); if (mode === 'commit') tx.commit(); }); }, mode);
    await p.close();
    const q = await ctx.newPage(); await q.goto(url);
    const n = await q.evaluate(() => new Promise((res) => { const o = indexedDB.open('t', 1); o.onsuccess = () => { const r = o.result.transaction(['u']).objectStore('u').count(); r.onsuccess = () => res(r.result); }; }));
    if (n === 1) kept++;
    await ctx.close();
  }
  console.log(mode, 'kept', kept, 'of', N);
}
await browser.close(); srv.close();
