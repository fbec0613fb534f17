#!/usr/bin/env -S node --max-semi-space-size=8
// Process entry: read config, start the server, stop cleanly on SIGTERM / SIGINT. The shebang carries
// the Node flags of ./node-flags.ts (a shebang cannot import them; node-flags.test.ts keeps them equal).

// Each command loads only what it runs: `tandem token` needs neither the server nor the store, and the
// server needs no CLI (bench/server-start.ts measures both).

import { isDataCommand } from './cli/command-names.js';
import { ConfigError, configHelp, loadConfig, wantsHelp } from './config.js';
import { DataDirBusyError } from './data-dir-lock.js';
import { createLogger, resolveLogFormat } from './logger.js';
import { StorageUnreachableError } from './storage.js';

async function usage(): Promise<string> {
  const { DATA_USAGE } = await import('./cli/data-commands.js');
  return `Usage: tandem [serve] [options]     run the sync server (the default)
       tandem token [options]             mint an access token (tandem token --help)
       tandem revoke --user ID | --token-id JTI [--reason TEXT]   withdraw access (tandem revoke --help)
${DATA_USAGE.replace('Usage: ', '       ')}`;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'token') {
    const { runTokenCommand, TOKEN_USAGE } = await import('./cli/token-command.js');
    if (wantsHelp(rest)) {
      process.stdout.write(`${TOKEN_USAGE}\n`);
      return;
    }
    try {
      const { token, tokenId } = await runTokenCommand(rest, process.env);
      process.stdout.write(`${token}\n`);
      // On stderr, so that TOKEN=$(tandem token …) still captures the token alone.
      process.stderr.write(`token id (jti): ${tokenId}  (withdraw it with: tandem revoke --token-id ${tokenId})\n`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`tandem token: ${error.message}\n`);
      process.exit(2);
    }
    return;
  }
  if (command === 'revoke') {
    const { REVOKE_USAGE, runRevokeCommand } = await import('./cli/revoke-command.js');
    if (wantsHelp(rest)) {
      process.stdout.write(`${REVOKE_USAGE}\n`);
      return;
    }
    const io = { out: (t: string) => process.stdout.write(`${t}\n`), err: (t: string) => process.stderr.write(`${t}\n`) };
    try {
      process.exitCode = await runRevokeCommand(rest, process.env, io);
    } catch (error) {
      if (!(error instanceof ConfigError) && !(error instanceof Error && error.name === 'PersistenceError')) throw error;
      process.stderr.write(`tandem revoke: ${error.message}\n`);
      process.exitCode = 2;
    }
    return;
  }
  if (isDataCommand(command)) {
    const { DATA_USAGE, runDataCommand } = await import('./cli/data-commands.js');
    if (wantsHelp(rest)) {
      process.stdout.write(`${DATA_USAGE}\n`);
      return;
    }
    const io = { out: (t: string) => process.stdout.write(`${t}\n`), err: (t: string) => process.stderr.write(`${t}\n`) };
    // Ctrl-C stops a copy between batches (run it again to finish), a backup between steps (removing what
    // it wrote beside its name; so does SIGTERM); the other commands end as they would.
    const stop = new AbortController();
    if (command === 'copy') process.once('SIGINT', () => stop.abort(new Error('interrupted: run the same tandem copy again to finish')));
    if (command === 'backup') for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort(new Error(`interrupted (${signal})`)));
    try {
      process.exitCode = await runDataCommand(command!, rest, process.env, io, stop.signal);
    } catch (error) {
      const known = error instanceof ConfigError || error instanceof DataDirBusyError || (error instanceof Error && (error.name === 'PersistenceError' || error.name === 'ProcessLockError'));
      if (!known && !stop.signal.aborted) throw error;
      process.stderr.write(`tandem ${command}: ${(error as Error).message}\n`);
      process.exitCode = stop.signal.aborted ? 130 : 2;
    }
    return;
  }
  const argv = command === 'serve' ? rest : process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(`${await usage()}\n\n${configHelp()}\n`);
    return;
  }
  let config;
  try {
    config = loadConfig(process.env, argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tandem: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, undefined, resolveLogFormat(config.logFormat, process.stdout.isTTY === true));
  let server;
  try {
    const { startServer } = await import('./server.js');
    server = await startServer(config, logger);
  } catch (err) {
    logger.fatal({ event: 'start-failed', err }, `could not start: ${(err as Error).message}`);
    // A database that cannot be reached is a setting to fix (exit 2, as a bad setting is), not a crash.
    if (err instanceof StorageUnreachableError) process.stderr.write(`tandem: ${err.message}\n`);
    process.exit(err instanceof StorageUnreachableError ? err.exitCode : 1);
  }
  // Boot the history threads now rather than with the first history request.
  void server.history.ready();
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ event: 'signal', signal }, `received ${signal}`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.fatal({ event: 'shutdown-failed', err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main();
