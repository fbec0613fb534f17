// The setups bench/instances.ts compares: one document served by one or several server processes.
//   - `tandem-pg-1`: one Tandem on PostgreSQL (REDIS_URL unset);
//   - `tandem-pg-3`: three Tandem processes on one DATABASE_URL and schema, fanning out through a
//     redis-server of the benchmark's own (the channel prefix, `tandem:<schema>`, follows the schema);
//   - `hocuspocus-redis-3`: three @hocuspocus/server instances with @hocuspocus/extension-redis on such
//     a redis-server, and the SQLite extension on one file they all share (Hocuspocus' docs scale out
//     with Redis in front of one shared database).
// Instances start one after the other (the first creates the schema, or the SQLite table).

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { benchDatabaseUrl, benchSchema, dropSchema } from './bench-database.js';
import type { PeerName } from './framing.js';
import { startBenchRedis } from './redis-server.js';
import { type RunningPeer, startHocuspocusRedisInstance, startTandemInstance } from './servers.js';

export type SetupName = 'tandem-pg-1' | 'tandem-pg-3' | 'hocuspocus-redis-3';

export interface Setup {
  readonly name: SetupName;
  /** Whose framing its clients speak. */
  readonly framing: PeerName;
  readonly instances: number;
  /** Whether PostgreSQL's processes are part of it (their CPU is counted as its own). */
  readonly usesPostgres: boolean;
  start(dataDir: string): Promise<RunningSetup>;
}

export interface RunningSetup {
  readonly servers: readonly RunningPeer[];
  /** The redis-server of the setup, when it has one. */
  readonly redisPid: number | undefined;
  /** Stops every process (and drops the schema). */
  stop(): Promise<void>;
}

function tandemOnPostgres(name: SetupName, instances: number): Setup {
  return {
    name,
    framing: 'tandem-postgres',
    instances,
    usesPostgres: true,
    async start(dataDir) {
      const database = { url: benchDatabaseUrl(), schema: benchSchema(name) };
      const redis = instances > 1 ? await startBenchRedis() : undefined;
      const servers: RunningPeer[] = [];
      const stop = async () => {
        await Promise.all(servers.map((s) => s.stop()));
        await redis?.stop();
        await dropSchema(database.url, database.schema);
      };
      try {
        for (let i = 0; i < instances; i++) {
          const own = path.join(dataDir, `instance-${i}`);
          await mkdir(own, { recursive: true });
          servers.push(await startTandemInstance(own, { database, redisUrl: redis?.url }));
        }
      } catch (err) {
        await stop();
        throw err;
      }
      return { servers, redisPid: redis?.pid, stop };
    },
  };
}

const hocuspocusRedis: Setup = {
  name: 'hocuspocus-redis-3',
  framing: 'hocuspocus',
  instances: 3,
  usesPostgres: false,
  async start(dataDir) {
    const redis = await startBenchRedis();
    const servers: RunningPeer[] = [];
    const stop = async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await redis.stop();
    };
    try {
      const where = { host: redis.host, port: redis.port, prefix: benchSchema('hocuspocus') };
      for (let i = 0; i < 3; i++) servers.push(await startHocuspocusRedisInstance(path.join(dataDir, 'hocuspocus.sqlite'), where));
    } catch (err) {
      await stop();
      throw err;
    }
    return { servers, redisPid: redis.pid, stop };
  },
};

export const SETUPS: readonly Setup[] = [tandemOnPostgres('tandem-pg-1', 1), tandemOnPostgres('tandem-pg-3', 3), hocuspocusRedis];

/** The setups named in a comma-separated list, in SETUPS order; throws on an unknown name. */
export function selectSetups(list: string): Setup[] {
  const wanted = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = wanted.filter((name) => !SETUPS.some((s) => s.name === name));
  if (unknown.length > 0) throw new RangeError(`Unknown setup ${unknown.join(', ')}; known: ${SETUPS.map((s) => s.name).join(', ')}`);
  return SETUPS.filter((s) => wanted.includes(s.name));
}
