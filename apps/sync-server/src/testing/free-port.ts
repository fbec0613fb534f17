// A TCP port nobody listens on right now (on 127.0.0.1), for a server a test or benchmark starts
// as another process (which is told the port, so cannot listen on port 0 itself).
//
// The port comes from below the kernel's ephemeral range: a port from `listen(0)` is in that range,
// and between the probe closing and the child listening, any outgoing connection on the machine (a
// client to PostgreSQL, to Redis, to another test's server) may be given it as its own local port,
// and the child then fails with EADDRINUSE. Below the range, only another listener can take it.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The first port of the kernel's ephemeral range (Linux); 32768 where it cannot be read. */
export function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const port = Number(low);
    return Number.isInteger(port) && port > 1024 ? port : 32768;
  } catch {
    return 32768;
  }
}

const FIRST = 15_000;

function probe(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(false) : reject(err)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const end = ephemeralLow();
  const span = end - FIRST;
  if (span < 1000) throw new Error(`The ephemeral port range starts at ${end}: too few ports below it for tests`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST + Math.floor(Math.random() * span);
    if (await probe(port)) return port;
  }
  throw new Error(`No free port between ${FIRST} and ${end} after 100 tries`);
}
