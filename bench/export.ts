// Benchmark: the document API's formats on long documents, in this process (what a history thread
// runs for GET /api/docs/<doc>/content and PUT/POST of Markdown). For documents of 1 000, 10 000 and
// 40 000 blocks (paragraphs with marks and links, list items, a heading every 50), the median [min–max]
// over the runs of:
//   import     Markdown → document (fromMarkdown)
//   markdown   document → Markdown (toMarkdown)
//   reference  prosemirror-markdown's own serialize of the same document, which toMarkdown matches byte
//              for byte (quadratic: measured up to 10 000 blocks only)
//   html       document → standalone HTML (toHtml)
// and per-block cost at the largest size over the smallest (1.0 = linear).
//   npm run bench:export [-- --runs 5 --sizes 1000,10000,40000]

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fromMarkdown, toHtml, toMarkdown } from '@tandem/schema';
import { markdownSerializer } from '../packages/schema/src/export.js';
import { formatSpread, type Spread, spread } from './load/rounds.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, sizes: { type: 'string', default: '1000,10000,40000' }, out: { type: 'string' } } });
const RUNS = Number(values.runs);
const SIZES = values.sizes.split(',').map(Number);
const OUT = values.out ?? path.join(import.meta.dirname, 'results', 'export.json');
const REFERENCE_UP_TO = 10_000;

function markdownOf(blocks: number): string {
  const out: string[] = [];
  for (let i = 0; i < blocks; i++) {
    if (i % 50 === 0) out.push(`## Section ${i / 50}`);
    else if (i % 7 === 0) out.push(`- item ${i} with \`code\`\n- item ${i}b`);
    else out.push(`Paragraph ${i} with some **bold** and *italic* text and a [link](https://example.com/${i}).`);
  }
  return out.join('\n\n');
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

type Row = { blocks: number; bytes: number; import: Spread; markdown: Spread; reference: Spread | null; html: Spread };
const rows: Row[] = [];
for (const blocks of SIZES) {
  const source = markdownOf(blocks);
  const doc = fromMarkdown(source);
  if (blocks <= REFERENCE_UP_TO && toMarkdown(doc) !== markdownSerializer().serialize(doc)) throw new Error(`toMarkdown differs from the serializer at ${blocks} blocks`);
  const runs = { import: [] as number[], markdown: [] as number[], reference: [] as number[], html: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    runs.import.push(time(() => fromMarkdown(source)));
    runs.markdown.push(time(() => toMarkdown(doc)));
    if (blocks <= REFERENCE_UP_TO) runs.reference.push(time(() => markdownSerializer().serialize(doc)));
    runs.html.push(time(() => toHtml(doc, 'bench')));
  }
  const row: Row = {
    blocks,
    bytes: source.length,
    import: spread(runs.import),
    markdown: spread(runs.markdown),
    reference: blocks <= REFERENCE_UP_TO ? spread(runs.reference) : null,
    html: spread(runs.html),
  };
  rows.push(row);
  console.log(
    `${String(blocks).padStart(6)} blocks (${(row.bytes / 1e6).toFixed(2)} MB), ms: import ${formatSpread(row.import, 0)} · markdown ${formatSpread(row.markdown, 0)}` +
      ` · reference ${row.reference === null ? 'not run' : formatSpread(row.reference, 0)} · html ${formatSpread(row.html, 0)}`,
  );
}
const first = rows[0]!;
const last = rows.at(-1)!;
const growth = (pick: (r: Row) => Spread) => pick(last).median / last.blocks / (pick(first).median / first.blocks);
console.log(
  `per-block cost at ${last.blocks} over ${first.blocks} blocks (1.0 = linear): import ${growth((r) => r.import).toFixed(2)}, markdown ${growth((r) => r.markdown).toFixed(2)}, html ${growth((r) => r.html).toFixed(2)}`,
);
await writeFile(OUT, `${JSON.stringify({ runs: RUNS, at: new Date().toISOString(), rows }, null, 2)}\n`);
console.log(`results: ${path.relative(process.cwd(), OUT)}`);
