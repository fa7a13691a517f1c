import { parseDuration } from '../core/duration.js';

/**
 * Time handling for `events query`: the --since/--until bounds and the many ways an export spells
 * an event's time. Pure: "now" is always passed in.
 */

// Date, optional time (with optional seconds/fraction), optional zone.
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const FIELDS = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/i;

/**
 * Date.parse rolls impossible dates over (2026-02-30 becomes March 2), which would silently move a
 * --since bound; so the calendar fields are checked before it sees them.
 */
export function isCalendarDate(text: string): boolean {
  const f = FIELDS.exec(text);
  if (!f) return false;
  const [y, mo, d, h = 0, mi = 0, s = 0] = f.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
  if (mo === undefined || mo < 1 || mo > 12 || d === undefined || d < 1) return false;
  if (d > new Date(Date.UTC(y as number, mo, 0)).getUTCDate()) return false;
  return (h as number) <= 23 && (mi as number) <= 59 && (s as number) <= 59;
}

export type TimeBound = { ok: true; ms: number } | { ok: false; message: string };

/** An ISO 8601 date or date-time; without a zone it is UTC. */
export function isoToMs(text: string): number | undefined {
  const iso = ISO.exec(text);
  if (!iso || !isCalendarDate(text)) return undefined;
  let s = text.replace(' ', 'T');
  if (!s.includes('T')) s += 'T00:00:00';
  if (!iso[1]) s += 'Z';
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * `24h`, `7d`, `90m`, `2w` (that long before `now`) or an ISO 8601 date/time. A date or time
 * without a zone is read as UTC, so the same command gives the same answer on every machine.
 */
export function parseTimeBound(text: string, now: number): TimeBound {
  const t = text.trim();
  if (ISO.test(t) && !isCalendarDate(t)) {
    return {
      ok: false,
      message: `"${text}" is not a real date or time (check the day of the month and the hour)`,
    };
  }
  const ms = isoToMs(t);
  if (ms !== undefined) return { ok: true, ms };
  // The same duration grammar as verify's --max-age (so `1d12h` works here too); `24 h` is accepted as before.
  try {
    return { ok: true, ms: now - parseDuration(t.replace(/\s+/g, '')) };
  } catch {
    // neither form: say what both look like
  }
  return {
    ok: false,
    message: `"${text}" is neither an ISO 8601 time (2026-11-24, 2026-11-24T13:00:00Z) nor a duration (24h, 7d)`,
  };
}

// Below 1e11 a number is epoch seconds (1e11 s is the year 5138); at or above it, milliseconds.
const SECONDS_LIMIT = 1e11;
const MAX_DATE_MS = 8.64e15;

/** An event time from a number (epoch s or ms), a numeric string, or a date string; undefined if unreadable. */
export function parseEventTime(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    const ms = value < SECONDS_LIMIT ? Math.round(value * 1000) : Math.round(value);
    return ms <= MAX_DATE_MS ? ms : undefined;
  }
  if (typeof value === 'string') {
    const s = value.trim();
    if (s === '') return undefined;
    if (/^\d+(\.\d+)?$/.test(s)) return parseEventTime(Number(s));
    if (ISO.test(s)) return isoToMs(s);
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
