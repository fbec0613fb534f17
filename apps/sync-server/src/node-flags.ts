// The flags Node runs the server with. Kept in one list: the `tandem` bin's shebang (src/main.ts),
// the root `npm start` script and the benchmark launcher (bench/peers/servers.ts) all use exactly
// these, and node-flags.test.ts fails if one of them drifts.
//
// --max-semi-space-size: V8's young generation grows from 1 MiB up to 16 MiB per semi-space (32 MiB
// of new space) when many objects survive a scavenge, as every object of an arriving connection
// does, and it never gives that memory back. Capped at 2 MiB, the server's resident memory with
// 2000 idle connections is about 30 MiB lower (bench/idle.ts); the cost is more frequent scavenges,
// measured on typing latency and capacity in the README (Performance).

export const NODE_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=2']);
