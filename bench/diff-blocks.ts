// Benchmark: history diffs on a long document of blocks whose attributes change (default 100 000 updates).
//   npm run bench:diff-blocks [-- --updates 100000 --runs 8]
// 1 000 paragraphs and headings, typed into at random by three people (every tenth update a deletion),
// every 50th update a block's attribute set in place (as a heading's level is), checkpoints every 500.
// Times diffVersions in process, no caches: from the empty document to the head (every block new),
// the last 1 000 updates (one materialization with the updates applied), and the second half (two
// materializations, where most blocks kept their text and changed an attribute: the diff shows a format
// run over each such block's text). Median [min–max] of `runs`.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { diffVersions, type DocumentStore, openSqliteStore } from '@tandem/persistence';
import * as Y from 'yjs';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '100000' }, runs: { type: 'string', default: '8' } } });
const UPDATES = Number(values.updates);
const RUNS = Number(values.runs);
const DOC = 'bench/blocks';

async function write(store: DocumentStore): Promise<number> {
  const people = ['ann', 'ben', 'cat'].map((who) => ({ who, doc: new Y.Doc() }));
  let seed = 5;
  const random = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
  let entries: Array<{ update: Uint8Array; author: string; receivedAt: number }> = [];
  let head = 0;
  for (let i = 0; i < UPDATES; i++) {
    const { who, doc } = people[Math.floor(i / 300) % 3]!;
    const blocks = doc.getXmlFragment('prosemirror');
    let update: Uint8Array | undefined;
    doc.once('update', (u: Uint8Array) => (update = u));
    if (blocks.length === 0 || (blocks.length < 1000 && i % 100 === 0)) {
      const block = new Y.XmlElement(i % 700 === 0 ? 'heading' : 'paragraph');
      if (block.nodeName === 'heading') block.setAttribute('level', '1');
      block.insert(0, [new Y.XmlText(`p${i} `)]);
      blocks.insert(random(blocks.length + 1), [block]);
    } else if (i % 50 === 0) {
      (blocks.get(random(blocks.length)) as Y.XmlElement).setAttribute('level', String(1 + random(3)));
    } else {
      const text = (blocks.get(random(blocks.length)) as Y.XmlElement).get(0) as Y.XmlText;
      if (i % 10 === 0 && text.length > 1) text.delete(random(text.length), 1);
      else text.insert(random(text.length + 1), 'x');
    }
    for (const other of people) if (other.doc !== doc) Y.applyUpdate(other.doc, update!);
    entries.push({ update: update!, author: who, receivedAt: 1_000 + i });
    if (entries.length === 500) {
      const [result] = await store.append([{ doc: DOC, entries }]);
      entries = [];
      head = result!.lastSeq;
      await store.writeCheckpoint(DOC, { seq: head, state: Y.encodeStateAsUpdate(doc), createdAt: 0 });
    }
  }
  if (entries.length > 0) head = (await store.append([{ doc: DOC, entries }]))[0]!.lastSeq;
  return head;
}

const dir = await mkdtemp(path.join(tmpdir(), 'tandem-diff-blocks-'));
const store = openSqliteStore({ dataDir: dir });
try {
  const head = await write(store);
  const cases: Array<[string, number, number, { nearUpdates?: number }]> = [
    ['0 → head (every block new)', 0, head, {}],
    [`head − 1 000 → head (near: applied to one version)`, head - 1_000, head, {}],
    ['head/2 → head (far: two versions; blocks with attributes changed)', Math.floor(head / 2), head, { nearUpdates: 0 }],
  ];
  console.log(`${UPDATES} updates, ${RUNS} runs each, ${new Date().toISOString()}`);
  for (const [label, from, to, options] of cases) {
    const ms: number[] = [];
    let formatRuns = 0;
    for (let k = 0; k < RUNS; k++) {
      const started = performance.now();
      const diff = await diffVersions(store, DOC, from, to, options);
      ms.push(performance.now() - started);
      formatRuns = diff.changes.filter((c) => c.type === 'format').length;
    }
    ms.sort((a, b) => a - b);
    console.log(`${label}: median ${ms[ms.length >> 1]!.toFixed(1)} ms [${ms[0]!.toFixed(1)}–${ms.at(-1)!.toFixed(1)}], ${formatRuns} format runs`);
  }
} finally {
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
