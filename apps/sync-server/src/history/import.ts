// Documents sent to the API as Markdown, HTML or ProseMirror JSON, turned into Yjs updates: the work
// behind PUT /api/docs/<doc> and POST …/content (http/content.routes.ts), run on a history thread
// (./jobs.ts), as a megabyte of Markdown takes the better part of a second to parse and convert.

import { FRAGMENT, fromHtml, fromMarkdown, fromProseMirrorJson, ImportError } from '@tandem/schema';
import type { Node } from 'prosemirror-model';
import { prosemirrorToYXmlFragment, updateYFragment } from 'y-prosemirror';
import * as Y from 'yjs';
import { writeUnder } from './server-edit-client.js';
import { TandemError } from '../errors.js';

/** The content types a document can be sent in as a structure (a Yjs update needs no conversion). */
export const IMPORT_TYPES = ['text/markdown', 'text/html', 'application/json'] as const;
export type ImportType = (typeof IMPORT_TYPES)[number];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `body` (as sent, in `type`) as a document of the editor's schema; refused input is a 400 'bad-request'. */
export function parseDocument(type: ImportType, body: Uint8Array): Node {
  try {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      throw new ImportError('The body is not UTF-8 text');
    }
    if (type === 'text/markdown') return fromMarkdown(text);
    if (type === 'text/html') return fromHtml(text);
    let json: { content?: unknown; type?: unknown };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new ImportError('The body is not JSON');
    }
    // A version as GET …?format=json gives it ({ doc, seq, content }) goes back in as it came out.
    return fromProseMirrorJson(json?.type === undefined && json?.content !== undefined ? json.content : json);
  } catch (error) {
    if (error instanceof ImportError) throw new TandemError('bad-request', error.message);
    throw error;
  }
}

/** `node` as the update that writes it into an empty document. */
export function documentUpdate(node: Node): Uint8Array {
  const ydoc = new Y.Doc();
  try {
    prosemirrorToYXmlFragment(node, ydoc.getXmlFragment(FRAGMENT));
    return Y.encodeStateAsUpdate(ydoc);
  } finally {
    ydoc.destroy();
  }
}

/**
 * The update that turns the document whose state is `current` into `node`, as y-prosemirror's binding
 * computes an editor's change: what stays the same stays (its items, its authors, anyone's cursor in it),
 * only what differs is deleted and inserted. Undefined when nothing differs.
 */
export function replacementUpdate(current: Uint8Array, node: Node, client?: number): Uint8Array | undefined {
  const copy = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(copy, current);
    writeUnder(copy, client);
    const fragment = copy.getXmlFragment(FRAGMENT);
    // What the transaction wrote, and nothing else: not Y.encodeStateAsUpdate(copy, before), which also
    // holds what `current` has waiting for an earlier update (another person's; stored under this
    // writer's name, it would be refused as written under their client id).
    let update: Uint8Array | undefined;
    copy.on('update', (u: Uint8Array) => (update = u));
    copy.transact(() => updateYFragment(copy, fragment, node, { mapping: new Map(), isOMark: new Map() }));
    return update;
  } finally {
    copy.destroy();
  }
}
