// The flags Node runs the server with, in one list: the `tandem` bin's shebang (src/main.ts), the root
// `npm start` script, the image's ENTRYPOINT (Dockerfile), the systemd unit (deploy/tandem.service) and
// the benchmark launcher (bench/peers/servers.ts) use exactly these; node-flags.test.ts fails if one drifts.
//
// --max-semi-space-size=8: V8 grows its young generation from 1 MiB up to 16 MiB per semi-space (32 MiB
// resident) when many objects survive a scavenge, as every object of an arriving connection does, and keeps
// it. Capped at 8 MiB, 2000 idle connections cost 0.51–0.64× the reference server's memory per connection
// instead of 0.89–1.05× (`npm run bench:idle`, five interleaved rounds, README "Performance"), with no
// measurable cost on typing or the history threads (which share the cap). The 2 MiB cap shipped once cost
// both (more objects promoted early), so it was dropped; 8 is measured against both.

export const NODE_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=8']);
