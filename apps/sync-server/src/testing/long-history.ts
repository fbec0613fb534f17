// Test and bench helper: a long document written straight into the store, as a day of typing would
// leave it: one-character updates in paragraphs of the editor's fragment, every tenth a deletion,
// several authors taking turns, checkpoints where the server would write them.

import type { DocumentStore } from '@tandem/persistence';
import * as Y from 'yjs';

export interface LongHistoryOptions {
  readonly updates: number;
  readonly authors: readonly string[];
  /** Updates each author types before the next one takes over. */
  readonly turn: number;
  /** A checkpoint every this many updates (0: none). */
  readonly checkpointEvery: number;
  /** Milliseconds between updates; turns far enough apart to be separate edit sessions. */
  readonly stepMs?: number;
}

export interface LongHistory {
  /** The text of every paragraph, concatenated, at the last update. */
  readonly text: string;
  readonly lastSeq: number;
}

export async function writeLongHistory(store: DocumentStore, doc: string, options: LongHistoryOptions): Promise<LongHistory> {
  const ydoc = new Y.Doc();
  const fragment = ydoc.getXmlFragment('prosemirror');
  let current = new Y.XmlText();
  const newParagraph = () => {
    const p = new Y.XmlElement('paragraph');
    current = new Y.XmlText();
    p.insert(0, [current]);
    fragment.insert(fragment.length, [p]);
  };
  const updates: Uint8Array[] = [];
  ydoc.on('update', (u: Uint8Array) => updates.push(u));
  newParagraph();
  const stepMs = options.stepMs ?? 50;
  let at = Date.now() - options.updates * stepMs - 3_600_000;
  let entries: Array<{ update: Uint8Array; author: string; receivedAt: number }> = [];
  let seq = 0;
  for (let i = 0; seq + entries.length < options.updates; i++) {
    if (i % 10 === 9 && current.length > 0) current.delete(Math.floor((current.length * 2) / 3), 1);
    else if (i % 300 === 299) newParagraph();
    else current.insert(i % 40 === 0 ? Math.floor(current.length / 2) : current.length, 'etaoin shrdlu'[i % 13]!);
    const turn = Math.floor(i / options.turn);
    // A turn starts two minutes after the previous one ended: a new edit session.
    at += i % options.turn === 0 && i > 0 ? 120_000 : stepMs;
    for (const update of updates.splice(0)) entries.push({ update, author: options.authors[turn % options.authors.length]!, receivedAt: at });
    const due = options.checkpointEvery > 0 && Math.floor((seq + entries.length) / options.checkpointEvery) > Math.floor(seq / options.checkpointEvery);
    if (entries.length >= 5_000 || due || seq + entries.length >= options.updates) {
      const [result] = await store.append([{ doc, entries }]);
      seq = result!.lastSeq;
      entries = [];
      if (due) await store.writeCheckpoint(doc, { seq, state: Y.encodeStateAsUpdate(ydoc), createdAt: at });
    }
  }
  const text = fragment
    .toArray()
    .map((p) => ((p as Y.XmlElement).get(0) as Y.XmlText).toString())
    .join('');
  ydoc.destroy();
  return { text, lastSeq: seq };
}
