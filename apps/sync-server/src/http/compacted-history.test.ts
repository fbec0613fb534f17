// After compaction the timeline still lists edit sessions ending inside a merged range: every route
// that takes a seq must serve the merged update that holds it, never the state before the range.

import { compactDocument } from '@tandem/persistence';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DOC = 'old/notes';

describe('history routes at a seq compaction merged away', () => {
  let server: TestServer;
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}${p}`, { ...init, headers: { 'content-type': 'application/json' } });
  const post = (p: string, body: unknown) => api(p, { method: 'POST', body: JSON.stringify(body) });
  /** The words typed up to each seq, 40 days ago in one hour, then one edit now: merged into seq 10. */
  let texts: string[];

  beforeEach(async () => {
    server = await startTestServer();
    const writer = new Y.Doc();
    const fragment = writer.getXmlFragment('prosemirror');
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    const now = Date.now();
    texts = [''];
    for (let i = 0; i < 11; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      if (i === 0) {
        paragraph.insert(0, [text]);
        fragment.insert(0, [paragraph]);
      } else {
        text.insert(text.length, `w${i} `);
      }
      // Bob starts 3 s after alice stops: with a 2 s gap, her session ends inside the range merged below.
      // The old ones from an hour boundary on, so that they fall in one bucket whatever the time of day.
      const receivedAt = i < 10 ? Math.floor((now - 40 * DAY) / HOUR) * HOUR + i * 1000 + (i >= 5 ? 2_000 : 0) : now;
      await server.store.append([{ doc: DOC, entries: [{ update: update!, author: i < 5 ? 'alice' : 'bob', receivedAt }] }]);
      texts.push(text.toString());
    }
    const report = await compactDocument(server.store, DOC, { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now });
    expect(report.rangesMerged).toBe(1);
    expect((await server.store.readUpdates(DOC)).map((u) => u.seq)).toEqual([10, 11]);
  });
  afterEach(() => server.destroy());

  it('serves a version, a diff, a restore and a named version at an interior seq as the merged update, saying which seq', async () => {
    const timeline = (await (await api('/history?limit=50&gap=2')).json()) as { sessions: Array<{ toSeq: number }> };
    const interior = timeline.sessions.find((s) => s.toSeq < 10)!.toSeq;
    expect(interior).toBe(5); // alice's session
    expect(texts[10]).toContain(texts[5]!.trim());

    const version = await api(`/versions/${interior}?format=text`);
    expect(version.status).toBe(200);
    expect(version.headers.get('x-tandem-seq')).toBe('10');
    expect((await version.text()).trim()).toBe(texts[10]!.trim());

    const diff = (await (await api(`/diff?from=0&to=${interior}`)).json()) as { segments: Array<{ text: string }> };
    expect(diff).toMatchObject({ from: 0, to: 10 });
    expect(diff.segments.map((s) => s.text).join('')).toContain(texts[10]!.trim());
    const since = await (await api(`/diff?from=${interior}`)).json();
    expect(since).toMatchObject({ from: 10, to: 11 });

    const named = await post('/named-versions', { label: 'alice done', seq: interior });
    expect(named.status).toBe(201);
    expect(await named.json()).toMatchObject({ label: 'alice done', seq: 10 });

    const restore = await post('/restore', { seq: interior });
    expect(restore.status).toBe(201);
    expect(await restore.json()).toMatchObject({ restored: 10 });
    const after = await api(`/versions/${(await server.store.getDocument(DOC))!.lastSeq}?format=text`);
    expect((await after.text()).trim()).toBe(texts[10]!.trim()); // the restore removed only the later edit
  });
});
