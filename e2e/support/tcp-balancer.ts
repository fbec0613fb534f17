// Test helper: the plainest load balancer there is, a TCP proxy that hands each new connection to the
// next backend in turn (round robin, no sticky sessions, nothing HTTP-aware: WebSocket upgrades pass
// as bytes). A backend that refuses the connection (a killed instance) is skipped for the next one;
// a connection already through dies with its backend, and the client connects again.

import net from 'node:net';

export interface Backend {
  readonly host: string;
  readonly port: number;
}

export interface TcpBalancer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Which backend (by index) each connection went to, in order. */
  readonly routed: readonly number[];
  /** Replaces the backend at `index` (an instance started again on another port). */
  setBackend(index: number, backend: Backend): void;
  /**
   * A cable pulled on every connection open now: nothing more passes either way, not even a close
   * (each side learns only from its own timeouts). Connections made afterwards pass as usual.
   */
  cutOpen(): void;
  close(): Promise<void>;
}

export async function startTcpBalancer(backends: readonly Backend[]): Promise<TcpBalancer> {
  const targets = [...backends];
  const routed: number[] = [];
  const open = new Set<net.Socket>();
  const through = new Set<() => void>(); // cuts, one per connection passing through
  let next = 0;

  /** Connects to the first backend that accepts, from the next in turn; undefined if none does. */
  const connectFrom = (start: number, tried: number, done: (socket: net.Socket | undefined, index: number) => void) => {
    if (tried >= targets.length) {
      done(undefined, -1);
      return;
    }
    const index = (start + tried) % targets.length;
    const { host, port } = targets[index]!;
    const upstream = net.connect(port, host);
    const refused = () => {
      upstream.destroy();
      connectFrom(start, tried + 1, done);
    };
    upstream.once('error', refused);
    upstream.once('connect', () => {
      upstream.off('error', refused);
      done(upstream, index);
    });
  };

  const server = net.createServer((downstream) => {
    open.add(downstream);
    downstream.pause(); // held until a backend accepts
    downstream.on('error', () => downstream.destroy());
    downstream.once('close', () => open.delete(downstream));
    const start = next;
    next = (next + 1) % targets.length;
    connectFrom(start, 0, (upstream, index) => {
      if (upstream === undefined || downstream.destroyed) {
        upstream?.destroy();
        downstream.destroy();
        return;
      }
      routed.push(index);
      open.add(upstream);
      upstream.once('close', () => open.delete(upstream));
      const drop = () => {
        downstream.destroy();
        upstream.destroy();
      };
      upstream.on('error', drop);
      upstream.on('close', drop);
      downstream.on('close', drop);
      downstream.pipe(upstream);
      upstream.pipe(downstream);
      downstream.resume();
      const cut = () => {
        through.delete(cut);
        for (const [from, to] of [[downstream, upstream], [upstream, downstream]] as const) {
          from.unpipe(to);
          from.pause(); // what arrives stays unread: no data, no end of stream goes on
          from.off('close', drop).off('error', drop);
          from.on('error', () => {}); // nor is a reset
        }
      };
      through.add(cut);
      downstream.once('close', () => through.delete(cut));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    setBackend: (index, backend) => {
      targets[index] = backend;
    },
    cutOpen: () => {
      for (const cut of [...through]) cut();
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The backend an http://host:port URL names. */
export function backendOf(url: string): Backend {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}
