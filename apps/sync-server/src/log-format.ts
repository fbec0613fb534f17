// Log lines for a person at a terminal: `12:04:05 INFO  Tandem listening on http://…  store=sqlite …`
// instead of pino's JSON (which stays the format for files, pipes and LOG_FORMAT=json). Only the
// presentation changes: every field is still there, and secrets were redacted before this sees the line.

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '\u001b[90m' },
  20: { name: 'DEBUG', color: '\u001b[36m' },
  30: { name: 'INFO ', color: '\u001b[32m' },
  40: { name: 'WARN ', color: '\u001b[33m' },
  50: { name: 'ERROR', color: '\u001b[31m' },
  60: { name: 'FATAL', color: '\u001b[35m' },
};
const RESET = '\u001b[0m';
const DIM = '\u001b[2m';
/** Fields every line has, or that the line's text already says. */
const SKIPPED = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'event', 'err']);

const value = (v: unknown): string => {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return typeof v === 'string' && /[\s"=]/.test(v) ? JSON.stringify(v) : text;
};

/** One JSON log line (pino's) as one readable line, or the line unchanged when it is not JSON. */
export function formatLogLine(line: string, { color }: { color: boolean }): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = LEVELS[entry.level as number] ?? { name: String(entry.level).padEnd(5), color: '' };
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const fields = Object.entries(entry)
    .filter(([k, v]) => !SKIPPED.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  const paint = (code: string, text: string) => (color && code !== '' ? `${code}${text}${RESET}` : text);
  let out = `${paint(DIM, time)} ${paint(level.color, level.name)} ${String(entry.msg ?? '')}${fields === '' ? '' : `  ${paint(DIM, fields)}`}`;
  const err = entry.err as { message?: string; stack?: string } | undefined;
  if (err !== undefined) out += `\n    ${(err.stack ?? err.message ?? JSON.stringify(err)).split('\n').join('\n    ')}`;
  return `${out}\n`;
}
