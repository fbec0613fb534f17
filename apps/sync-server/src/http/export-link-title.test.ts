// Review finding: a link title that closes its own link in the Markdown export. The HTML comes in
// through the document API (the editor's paste takes the same <a title>); the Markdown export then holds
// a javascript: link that any CommonMark reader which does not filter schemes makes clickable.
import MarkdownIt from 'markdown-it';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const DOC = 'notes/title';
let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.destroy();
});

it('GET content?format=markdown keeps a link title inside its link', async () => {
  const title = 'a\\&quot;) [click me](javascript:alert(document.domain)) \\&quot;(';
  const put = await fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}`, {
    method: 'PUT',
    headers: { 'content-type': 'text/html' },
    body: `<p>Read <a href="https://example.com/" title="${title}">the notes</a>.</p>`,
  });
  expect(put.status).toBe(201);
  const markdown = await (await fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}/content?format=markdown`)).text();
  const md = new MarkdownIt('commonmark');
  md.validateLink = () => true;
  const hrefs = md.parse(markdown, {}).flatMap((b) => (b.children ?? []).filter((t) => t.type === 'link_open').map((t) => t.attrGet('href')));
  expect(hrefs).toEqual(['https://example.com/']);
});
