// A stock y-websocket client that writes whole paragraphs, for tests that check a document's text block by block.

import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface ParagraphWriter {
  /** Resolves once the client has synced with the server. */
  synced(): Promise<void>;
  /** Adds a paragraph holding `text` at the end. */
  block(text: string): void;
  /** Deletes the block at `index`. */
  cut(index: number): void;
  /** Each block's text, one line each. */
  text(): string;
  destroy(): void;
}

/** A client of the server at `url` (http) on `doc`, without BroadcastChannel (it would hide the server). */
export function paragraphWriter(url: string, doc: string): ParagraphWriter {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/ws`, encodeURIComponent(doc), ydoc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  const fragment = ydoc.getXmlFragment('prosemirror');
  return {
    synced: () => new Promise<void>((r) => (provider.synced ? r() : provider.once('sync', () => r()))),
    block(text) {
      const el = new Y.XmlElement('paragraph');
      const t = new Y.XmlText();
      t.insert(0, text);
      el.insert(0, [t]);
      fragment.insert(fragment.length, [el]);
    },
    cut: (index) => fragment.delete(index, 1),
    text: () => fragment.toArray().map((el) => (el as Y.XmlElement).toArray().map((t) => (t as Y.XmlText).toString()).join('')).join('\n'),
    destroy: () => (provider.destroy(), ydoc.destroy()),
  };
}
