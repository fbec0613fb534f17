// Hocuspocus with its SQLite extension, as a peer in the benchmarks. PORT and DB come from the environment.
import { SQLite } from '@hocuspocus/extension-sqlite';
import { Server } from '@hocuspocus/server';

const port = Number(process.env.PORT);
const server = new Server({
  port,
  address: '127.0.0.1',
  quiet: true,
  extensions: [new SQLite({ database: process.env.DB })],
});
await server.listen();
console.log(JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}` }));
process.on('SIGTERM', async () => {
  await server.destroy();
  process.exit(0);
});
