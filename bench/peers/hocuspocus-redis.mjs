// Hocuspocus as its docs deploy several instances: @hocuspocus/extension-redis between them (PORT,
// REDIS_HOST, REDIS_PORT, REDIS_PREFIX) and a persistence extension, here SQLite in one file (DB)
// that every instance shares, as they would share one database.
import { Redis } from '@hocuspocus/extension-redis';
import { SQLite } from '@hocuspocus/extension-sqlite';
import { Server } from '@hocuspocus/server';

const port = Number(process.env.PORT);
const server = new Server({
  port,
  address: '127.0.0.1',
  quiet: true,
  extensions: [
    new Redis({ host: process.env.REDIS_HOST, port: Number(process.env.REDIS_PORT), prefix: process.env.REDIS_PREFIX }),
    new SQLite({ database: process.env.DB }),
  ],
});
await server.listen();
console.log(JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}` }));
process.on('SIGTERM', async () => {
  await server.destroy();
  process.exit(0);
});
