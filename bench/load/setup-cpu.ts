// CPU time of a whole setup over a window, from /proc: its own processes (servers, a Redis) by pid,
// and PostgreSQL's processes, found by name. The machine's PostgreSQL serves others too, so two sums:
//   - `postgresSeconds`, the setup's share: the backends of its servers' own connections (a backend's
//     title names its client's address and port; the servers' sockets name theirs) and PostgreSQL's
//     shared processes (postmaster, WAL writer, checkpointer, autovacuum: they work for every client);
//   - `postgresAllSeconds`, every `postgres` process, whoever it served.
// A process that started in the window counts from zero; one that ended in it is lost (its last
// ticks cannot be read), which undercounts, never overcounts.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** utime + stime of `pid` in ticks, and its name; undefined when it is gone. */
function ticksOf(pid: number): { name: string; ticks: number } | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
    const fields = raw.slice(raw.lastIndexOf(') ') + 2).split(' ');
    return { name, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

interface PostgresProcess {
  readonly ticks: number;
  /** The client's TCP port, for a backend of a TCP connection; undefined for a shared process (or a Unix-socket backend, `local`). */
  readonly clientPort: number | 'local' | undefined;
}

/** Every process named `postgres` (what PostgreSQL's processes are called in /proc/<pid>/stat). */
function postgresProcesses(): Map<number, PostgresProcess> {
  const out = new Map<number, PostgresProcess>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const t = ticksOf(pid);
    if (t?.name !== 'postgres') continue;
    let title = '';
    try {
      title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    // A backend's title: "postgres: 15/main: <user> <db> 127.0.0.1(53422) idle"; "[local]" over a Unix socket.
    const port = /\s[\d.:a-f]+\((\d+)\)/.exec(title)?.[1];
    out.set(pid, { ticks: t.ticks, clientPort: port !== undefined ? Number(port) : /\[local\]/.test(title) ? 'local' : undefined });
  }
  return out;
}

/** Local ports of the TCP connections `pids` hold to `remotePort` (read from /proc: their sockets, and the TCP tables). */
function clientPortsOf(pids: readonly number[], remotePort: number): Set<number> {
  const ports = new Set<number>();
  for (const pid of pids) {
    const inodes = new Set<string>();
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m) inodes.add(m[1]!);
        } catch {
          // closed meanwhile
        }
      }
      for (const table of ['tcp', 'tcp6']) {
        for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
          const cols = line.trim().split(/\s+/);
          if (cols.length < 10 || !inodes.has(cols[9]!)) continue;
          const local = parseInt(cols[1]!.split(':')[1]!, 16);
          const remote = parseInt(cols[2]!.split(':')[1]!, 16);
          if (remote === remotePort) ports.add(local);
        }
      }
    } catch {
      // the process is gone
    }
  }
  return ports;
}

export interface SetupCpu {
  /** CPU seconds in the window: the servers, the setup's share of PostgreSQL (see above), every PostgreSQL process, and Redis. */
  readonly serversSeconds: number;
  readonly postgresSeconds: number;
  readonly postgresAllSeconds: number;
  readonly redisSeconds: number;
  /** Backends of the setup's own connections seen in the window. */
  readonly ownBackends: number;
}

export class SetupCpuMeter {
  private readonly servers: Map<number, number>;
  private readonly redis: number | undefined;
  private readonly postgres = postgresProcesses();
  private readonly ownPortsAtStart: Set<number>;

  constructor(
    private readonly serverPids: readonly number[],
    private readonly redisPid: number | undefined,
    private readonly postgresPort = 5432,
  ) {
    this.servers = new Map(serverPids.map((pid) => [pid, ticksOf(pid)?.ticks ?? 0]));
    this.redis = redisPid === undefined ? undefined : ticksOf(redisPid)?.ticks;
    this.ownPortsAtStart = clientPortsOf(serverPids, postgresPort);
  }

  read(): SetupCpu {
    let servers = 0;
    for (const pid of this.serverPids) servers += Math.max(0, (ticksOf(pid)?.ticks ?? this.servers.get(pid)!) - this.servers.get(pid)!);
    const redis = this.redisPid === undefined || this.redis === undefined ? 0 : Math.max(0, (ticksOf(this.redisPid)?.ticks ?? this.redis) - this.redis);
    const ownPorts = new Set([...this.ownPortsAtStart, ...clientPortsOf(this.serverPids, this.postgresPort)]);
    let all = 0;
    let own = 0;
    let ownBackends = 0;
    for (const [pid, p] of postgresProcesses()) {
      const before = this.postgres.get(pid);
      // A pid reused by a new backend would read less than before: it started in the window.
      const delta = before === undefined || p.ticks < before.ticks ? p.ticks : p.ticks - before.ticks;
      all += delta;
      const shared = p.clientPort === undefined;
      const mine = typeof p.clientPort === 'number' && ownPorts.has(p.clientPort);
      if (mine) ownBackends += 1;
      if (shared || mine) own += delta;
    }
    const s = (ticks: number) => ticks / TICKS_PER_SECOND;
    return { serversSeconds: s(servers), postgresSeconds: s(own), postgresAllSeconds: s(all), redisSeconds: s(redis), ownBackends };
  }
}
