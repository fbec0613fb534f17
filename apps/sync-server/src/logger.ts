// Structured logging: one pino logger, created from config and passed down.

import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'tandem-sync' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination === undefined ? pino(options) : pino(options, destination);
}
