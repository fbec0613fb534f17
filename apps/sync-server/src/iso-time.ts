// Times people and programs send (the API's `?at=`, a share link's `expiresAt`, the CLI's `--at`): ISO 8601
// starting with a date of the calendar. Date.parse alone takes `1` for the year 2001 and `2026-02-30` for
// 2 March, so a mistyped time silently named another one.

/** `value` (`2026-11-25T10:00:00Z`, or a date, `2026-11-25`, midnight UTC) as ms since the epoch; NaN if it is not one. */
export function parseIsoTime(value: string): number {
  const date = /^(\d{4})-(\d{2})-(\d{2})(?!\d)/.exec(value);
  if (date === null) return Number.NaN;
  const [year, month, dayOfMonth] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const day = new Date(Date.UTC(year, month - 1, dayOfMonth));
  if (day.getUTCFullYear() !== year || day.getUTCMonth() !== month - 1 || day.getUTCDate() !== dayOfMonth) return Number.NaN;
  return Date.parse(value);
}
