// Test helper: a TCP proxy in front of a database that tests can cut (every connection destroyed, new
// ones refused), silence (connections stay open, no byte goes through: a database that hangs) and
// restore. Held bytes are delivered on restore, as TCP would after a network partition heals.

import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  /** Destroys every open connection and refuses new ones until restore(). */
  cut(): void;
  /** Keeps connections open (and accepts new ones) but forwards nothing until restore(). */
  silence(): void;
  /** Forwards again; a cut proxy accepts connections again. */
  restore(): void;
  close(): Promise<void>;
}

type Mode = 'open' | 'cut' | 'silent';

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: Mode = 'open';
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((downstream) => {
    if (mode === 'cut') {
      downstream.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [downstream, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      downstream.destroy();
      upstream.destroy();
    };
    for (const [from, to] of [pair, [upstream, downstream] as const]) {
      from.on('data', (chunk: Buffer) => {
        if (!to.write(chunk)) from.pause();
      });
      to.on('drain', () => {
        if (mode === 'open') from.resume();
      });
      from.on('end', () => to.end());
      from.on('error', drop);
      from.on('close', drop);
    }
    if (mode === 'silent') for (const socket of pair) socket.pause();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    via: (url) => {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cut: () => {
      mode = 'cut';
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    silence: () => {
      mode = 'silent';
      for (const pair of pairs) for (const socket of pair) socket.pause();
    },
    restore: () => {
      mode = 'open';
      for (const pair of pairs) for (const socket of pair) socket.resume();
    },
    close: async () => {
      mode = 'cut';
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
