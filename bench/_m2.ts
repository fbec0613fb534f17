import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { openSqliteStore } from '@tandem/persistence';
const N = Number(process.argv[2] ?? 250000);
const dataDir = await mkdtemp(path.join(tmpdir(), 'm-'));
const store = openSqliteStore({ dataDir, synchronous: 'normal' });
const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
let entries: any[] = [];
let clock = 1e12;
for (let i = 0; i < N; i++) {
  const a = Math.floor(i / 700) % 3;
  const d = docs[a]!;
  const text = d.getText('t');
  let u: Uint8Array | undefined;
  d.once('update', (x: Uint8Array) => (u = x));
  if (i % 10 === 9) text.delete(Math.floor(text.length / 2), 1); else text.insert(i % 50 === 0 ? Math.floor(text.length/3) : text.length, 'x');
  for (const o of docs) if (o !== d) Y.applyUpdate(o, u!);
  entries.push({ update: u!, author: ['alice','bob','carol'][a], receivedAt: clock += 100 });
  if (entries.length === 1000) { await store.append([{ doc: 'd', entries }]); entries = []; }
}
if (entries.length) await store.append([{ doc: 'd', entries }]);
await store.close();
const db = new Database(path.join(dataDir, 'tandem.sqlite'), { readonly: true });
const st = db.prepare('SELECT seq, received_at, author, data FROM updates WHERE doc_id = 1 AND seq > ? ORDER BY seq');
for (let k = 0; k < 2; k++) {
let t = performance.now(); const rows = st.all(0); console.log('all', performance.now() - t, rows.length);
t = performance.now(); let n = 0; for (const r of st.iterate(0)) n++; console.log('iterate', performance.now() - t);
t = performance.now(); const raw = st.raw(true).all(0); st.raw(false); console.log('raw all', performance.now() - t);
const st2 = db.prepare('SELECT data FROM updates WHERE doc_id = 1 AND seq > ? ORDER BY seq').pluck();
t = performance.now(); const blobs = st2.all(0) as Buffer[]; console.log('pluck data', performance.now() - t);
t = performance.now(); for (const b of blobs) Y.parseUpdateMeta(b); console.log('parseUpdateMeta', performance.now() - t);
t = performance.now(); for (const b of blobs) Y.decodeUpdate(b); console.log('decodeUpdate', performance.now() - t);
t = performance.now(); { const d = new Y.Doc({gc:false}); Y.transact(d, () => { for (const b of blobs) Y.applyUpdate(d, b); }); console.log('apply one tx', performance.now() - t); }
t = performance.now(); { const m = Y.mergeUpdates(blobs); console.log('merge', performance.now() - t, m.length); const d = new Y.Doc({gc:false}); const t2=performance.now(); Y.applyUpdate(d, m); console.log('apply merged', performance.now()-t2); }
}
