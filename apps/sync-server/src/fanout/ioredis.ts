// ioredis, loaded when the first Redis connection is made: a server without REDIS_URL never loads it,
// which was a tenth of every start-up (bench/server-start.ts measures it).

import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';

const require = createRequire(import.meta.url);
let loaded: typeof IORedis | undefined;

/** A new Redis client (ioredis' `new Redis(url, options)`). */
export function newRedis(url: string, options: IORedis.RedisOptions): IORedis.Redis {
  loaded ??= require('ioredis') as typeof IORedis;
  return new loaded.Redis(url, options);
}
