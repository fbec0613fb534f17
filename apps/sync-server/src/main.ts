#!/usr/bin/env node
// Process entry: read config, start the server, stop cleanly on SIGTERM / SIGINT.

import { ConfigError, configHelp, loadConfig, wantsHelp } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(`Usage: tandem [options]\n\n${configHelp()}\n`);
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
  const logger = createLogger(config.logLevel);
  let server;
  try {
    server = await startServer(config, logger);
  } catch (err) {
    logger.fatal({ event: 'start-failed', err }, `could not start: ${(err as Error).message}`);
    process.exit(1);
  }
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
