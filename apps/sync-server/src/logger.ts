// Structured logging: one pino logger, created from config and passed down. JSON lines, or readable
// ones for a person at a terminal (LOG_FORMAT, see log-format.ts). Every line passes
// through redactSecrets on its way out, so no field, message or error (a URL with ?token=, a
// request path, a stack) can put an access token into the logs.

import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';
import { formatLogLine } from './log-format.js';

/** `token=…` in any query string, `Bearer …`, and anything shaped like a JWT. */
const SECRETS: ReadonlyArray<[RegExp, string]> = [
  [/(token(?:=|%3D))[^&#\s"\\]+/gi, '$1[redacted]'],
  [/(Bearer\s+)[^\s"\\]+/gi, '$1[redacted]'],
  [/eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '[redacted-jwt]'],
];

export function redactSecrets(line: string): string {
  return SECRETS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), line);
}

/** `pretty`: readable lines (coloured when `color`); `json`: pino's JSON lines. */
export type LogFormat = { readonly kind: 'json' } | { readonly kind: 'pretty'; readonly color: boolean };

/** LOG_FORMAT=auto: readable on a terminal, JSON when stdout is a file or a pipe (a log collector). */
export function resolveLogFormat(setting: Config['logFormat'], stdoutIsTTY: boolean): LogFormat {
  if (setting === 'json' || (setting === 'auto' && !stdoutIsTTY)) return { kind: 'json' };
  return { kind: 'pretty', color: stdoutIsTTY };
}

export function createLogger(
  level: Config['logLevel'],
  destination: DestinationStream = pino.destination(1),
  format: LogFormat = { kind: 'json' },
): Logger {
  const options = { level, base: { service: 'tandem-sync' }, timestamp: pino.stdTimeFunctions.isoTime };
  const write =
    format.kind === 'json'
      ? (line: string) => destination.write(redactSecrets(line))
      : (line: string) => destination.write(formatLogLine(redactSecrets(line), format));
  return pino(options, { write });
}
