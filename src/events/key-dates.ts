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

/**
 * Pruning that rests on an assumption about the layout, so it is confirmed before it is used: a key's
 * date names the day its events happened (either side of the window), or a local file's mtime is no
 * earlier than its newest event.
 */
export type PruneSide = 'key-before' | 'key-after' | 'mtime-before';

/**
 * How pruning treats one object: 'skip' when it can be skipped without any assumption (S3 LastModified
 * before --since: an object cannot hold events newer than its upload), else the assumptions under which
 * it could be skipped (none: it must be read).
 */
export function prunePlan(
  key: string,
  lastModifiedMs: number | undefined,
  w: TimeWindow,
  timesAreUploads: boolean,
): 'skip' | PruneSide[] {
  if (w.sinceMs === undefined && w.untilMs === undefined) return [];
  const sides: PruneSide[] = [];
  if (
    w.sinceMs !== undefined &&
    lastModifiedMs !== undefined &&
    lastModifiedMs < w.sinceMs - MTIME_SLACK_MS
  ) {
    if (timesAreUploads) return 'skip';
    sides.push('mtime-before');
  }
  const day = keyDate(key);
  if (day !== undefined) {
    if (w.sinceMs !== undefined && day + DAY_MS + KEY_DATE_SLACK_MS <= w.sinceMs) sides.push('key-before');
    if (w.untilMs !== undefined && day - KEY_DATE_SLACK_MS >= w.untilMs) sides.push('key-after');
  }
  return sides;
}

/** How far outside the window an object lies on `side` (ms, ≥ 0): the nearest is sampled first. */
export function sideDistance(
  side: PruneSide,
  key: string,
  lastModifiedMs: number | undefined,
  w: TimeWindow,
): number {
  const day = keyDate(key) ?? 0;
  switch (side) {
    case 'key-before':
      return (w.sinceMs ?? 0) - (day + DAY_MS + KEY_DATE_SLACK_MS);
    case 'key-after':
      return day - KEY_DATE_SLACK_MS - (w.untilMs ?? 0);
    case 'mtime-before':
      return (w.sinceMs ?? 0) - MTIME_SLACK_MS - (lastModifiedMs ?? 0);
  }
}

/** Whether an event at `timeMs` in this object agrees with the assumption `side` prunes by. */
export function sideHolds(
  side: PruneSide,
  key: string,
  lastModifiedMs: number | undefined,
  timeMs: number,
): boolean {
  if (side === 'mtime-before')
    return lastModifiedMs !== undefined && timeMs <= lastModifiedMs + MTIME_SLACK_MS;
  const day = keyDate(key);
  return day !== undefined && timeMs >= day - KEY_DATE_SLACK_MS && timeMs < day + DAY_MS + KEY_DATE_SLACK_MS;
}

/** What a side's assumption is, for the note on stderr when a sample contradicts it. */
export function sideAssumption(side: PruneSide, key: string, lastModifiedMs: number | undefined): string {
  if (side === 'mtime-before') {
    return `its modification time ${lastModifiedMs === undefined ? '?' : new Date(lastModifiedMs).toISOString()} (+15 minutes)`;
  }
  const day = keyDate(key);
  return `its key date ${day === undefined ? '?' : new Date(day).toISOString().slice(0, 10)} (± 1 day)`;
}
