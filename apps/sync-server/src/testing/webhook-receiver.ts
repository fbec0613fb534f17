// Test helper: a real HTTP receiver for webhooks (node:http) that checks every call's signature as a
// receiver should, and can be told to fail, hang, or go away and come back on the same port.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../webhooks/signature.js';

export interface ReceivedEvent {
  readonly id: string;
  readonly type: string;
  readonly doc: string;
  readonly occurredAt: string;
  readonly data: Record<string, unknown> & { authors?: Array<{ id: string; name: string; verified: boolean }> };
}

export interface WebhookCall {
  readonly eventId: string;
  readonly attempt: number;
  readonly status: number;
  readonly signatureOk: boolean;
  readonly body: string;
  /** When it arrived (ms since epoch). */
  readonly at: number;
  /** Its Authorization header, if it had one. */
  readonly authorization?: string;
}

export type Behaviour = 'ok' | 'fail' | 'hang';

export interface WebhookReceiver {
  readonly url: string;
  /** Every call, in order of arrival. */
  readonly calls: WebhookCall[];
  /** Events answered with 2xx, in order (a repeat after a 2xx would appear twice). */
  readonly accepted: ReceivedEvent[];
  /** Decides the answer to each call (default: 'ok'). */
  behaviour: (call: { eventId: string; attempt: number; type: string }) => Behaviour;
  /** Closes the listening socket (calls are refused), keeping the port for start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  let server: Server | undefined;
  let port = 0;
  const hanging = new Set<IncomingMessage>();
  const receiver: WebhookReceiver = {
    url: '',
    calls: [],
    accepted: [],
    behaviour: () => 'ok',
    async stop() {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async start() {
      const s = createServer(async (req, res) => {
        const body = await readBody(req);
        const header = req.headers['tandem-signature'];
        const signatureOk = verifyWebhook(secret, body, typeof header === 'string' ? header : undefined).ok;
        const eventId = String(req.headers['tandem-event-id'] ?? '');
        const attempt = Number(req.headers['tandem-delivery-attempt'] ?? 0);
        const parsed = JSON.parse(body) as ReceivedEvent;
        const behaviour = signatureOk ? receiver.behaviour({ eventId, attempt, type: parsed.type }) : 'fail';
        if (behaviour === 'hang') {
          hanging.add(req);
          receiver.calls.push({ eventId, attempt, status: 0, signatureOk, body, at: Date.now(), authorization: req.headers.authorization });
          return;
        }
        const status = behaviour === 'ok' && parsed.id === eventId && req.headers['tandem-event-type'] === parsed.type ? 204 : signatureOk ? 500 : 401;
        receiver.calls.push({ eventId, attempt, status, signatureOk, body, at: Date.now(), authorization: req.headers.authorization });
        if (status === 204) receiver.accepted.push(parsed);
        res.writeHead(status).end();
      });
      await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', () => resolve()));
      port = (s.address() as AddressInfo).port;
      server = s;
      (receiver as { url: string }).url = `http://127.0.0.1:${port}/hooks/tandem`;
    },
    async close() {
      for (const req of hanging) req.socket.destroy();
      await receiver.stop();
    },
  };
  await receiver.start();
  return receiver;
}
