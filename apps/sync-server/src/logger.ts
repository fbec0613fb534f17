// Structured logging: one pino logger, created from config and passed down. Every line passes
// through redactSecrets on its way out, so no field, message or error (a URL with ?token=, a
// request path, a stack) can put an access token into the logs.

import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

/** `token=…` in any query string, `Bearer …`, and anything shaped like a JWT. */
const SECRETS: ReadonlyArray<[RegExp, string]> = [
  [/(token(?:=|%3D))[^&#\s"\\]+/gi, '$1[redacted]'],
  [/(Bearer\s+)[^\s"\\]+/gi, '$1[redacted]'],
  [/eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '[redacted-jwt]'],
];

export function redactSecrets(line: string): string {
  return SECRETS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), line);
}

export function createLogger(level: Config['logLevel'], destination: DestinationStream = pino.destination(1)): Logger {
  const options = { level, base: { service: 'tandem-sync' }, timestamp: pino.stdTimeFunctions.isoTime };
  return pino(options, { write: (line: string) => destination.write(redactSecrets(line)) });
}
