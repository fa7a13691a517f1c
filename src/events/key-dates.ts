/**
 * Pruning before reading: an object uploaded before --since cannot hold newer events, and keys that
 * carry a date (2026/11/24, 2026-11-24, date=…, dt=…, year=2026/month=11/day=24) name the day they hold.
 */

const DAY_MS = 86_400_000;
// Key dates may be in any time zone and exports may batch across midnight: a day named in a key is
// taken to cover one day either side of it, so pruning never drops an event that matches.
const KEY_DATE_SLACK_MS = DAY_MS;
// Clock skew between the event source and S3 (or the copy's file system).
const MTIME_SLACK_MS = 15 * 60_000;

const PATTERNS: RegExp[] = [
  /year=(\d{4})\/month=(\d{1,2})\/day=(\d{1,2})/g,
  /(?<!\d)(\d{4})\/(\d{2})\/(\d{2})(?!\d)/g,
  /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/g,
];

/** The UTC day a key names (its last date), as epoch ms of that day's midnight, or undefined. */
export function keyDate(key: string): number | undefined {
  let found: { index: number; ms: number } | undefined;
  for (const re of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(key); m !== null; m = re.exec(key)) {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970 || y > 2999) continue;
      const ms = Date.UTC(y, mo - 1, d);
      if (!found || m.index > found.index) found = { index: m.index, ms };
    }
  }
  return found?.ms;
}

export interface TimeWindow {
  sinceMs: number | undefined;
  untilMs: number | undefined;
}

export type PruneReason = 'modified-before-since' | 'key-date-outside-window';

/** Why an object can be skipped without reading it, or undefined when it must be read. */
export function pruneReason(
  key: string,
  lastModifiedMs: number | undefined,
  w: TimeWindow,
): PruneReason | undefined {
  if (w.sinceMs === undefined && w.untilMs === undefined) return undefined;
  if (
    w.sinceMs !== undefined &&
    lastModifiedMs !== undefined &&
    lastModifiedMs < w.sinceMs - MTIME_SLACK_MS
  ) {
    return 'modified-before-since';
  }
  const day = keyDate(key);
  if (day !== undefined) {
    const from = day - KEY_DATE_SLACK_MS;
    const to = day + DAY_MS + KEY_DATE_SLACK_MS;
    if (w.sinceMs !== undefined && to <= w.sinceMs) return 'key-date-outside-window';
    if (w.untilMs !== undefined && from >= w.untilMs) return 'key-date-outside-window';
  }
  return undefined;
}
