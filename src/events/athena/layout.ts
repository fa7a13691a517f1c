import { keyDate } from '../key-dates.js';

/**
 * Where the keys of an export carry their date, as folders Athena can project partitions on. Pure.
 *
 * The date is found the same way `events query` prunes objects and `--inspect` reports them
 * (key-dates.ts: `YYYY/MM/DD`, `YYYY-MM-DD`, `year=/month=/day=`), but only a date that is made of
 * whole folder names can become a projected partition: a date in a file name cannot.
 */
export type KeyLayout =
  | { kind: 'none'; reason: string }
  | {
      /** `<base>YYYY/MM/DD/` or, with `hour`, `<base>YYYY/MM/DD/HH/`. */
      kind: 'ymd';
      base: string;
      hour: boolean;
      firstDayMs: number;
    }
  | {
      /** `<base>dt=YYYY-MM-DD/` (`label` = `dt=`, `date=`, …) or a bare `<base>YYYY-MM-DD/` (`label` = ''). */
      kind: 'iso-date';
      base: string;
      label: string;
      firstDayMs: number;
    }
  | {
      /** `<base>year=YYYY/month=MM/day=DD/`; `padded` when month and day are always two digits. */
      kind: 'hive';
      base: string;
      padded: boolean;
      firstDayMs: number;
    };

export const DAY_MS = 86_400_000;

interface KeyMatch {
  shape: string;
  base: string;
  dayMs: number;
  padded?: boolean;
}

const YEAR = /^\d{4}$/;
const TWO = /^\d{2}$/;

function validDay(y: number, m: number, d: number): number | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1970 || y > 2999) return undefined;
  return Date.UTC(y, m - 1, d);
}

/** The last date in a key's folders, with the layout around it, or undefined. */
function matchKey(key: string): KeyMatch | undefined {
  const parts = key.split('/');
  const folders = parts.slice(0, -1);
  for (let i = folders.length - 1; i >= 0; i--) {
    const base = folders.slice(0, i).map((p) => `${p}/`);
    // year=/month=/day= (ending at folder i)
    if (i >= 2) {
      const y = /^year=(\d{4})$/.exec(folders[i - 2] as string);
      const m = /^month=(\d{1,2})$/.exec(folders[i - 1] as string);
      const d = /^day=(\d{1,2})$/.exec(folders[i] as string);
      if (y && m && d) {
        const dayMs = validDay(Number(y[1]), Number(m[1]), Number(d[1]));
        if (dayMs !== undefined) {
          return {
            shape: 'hive',
            base: folders.slice(0, i - 2).join('/') + (i - 2 > 0 ? '/' : ''),
            dayMs,
            padded: (m[1] as string).length === 2 && (d[1] as string).length === 2,
          };
        }
      }
    }
    // YYYY/MM/DD/HH (hour at folder i)
    if (i >= 3 && YEAR.test(folders[i - 3] as string) && TWO.test(folders[i - 2] as string)) {
      const [y, m, d, h] = folders.slice(i - 3, i + 1) as [string, string, string, string];
      if (TWO.test(d) && TWO.test(h) && Number(h) <= 23) {
        const dayMs = validDay(Number(y), Number(m), Number(d));
        if (dayMs !== undefined) {
          return {
            shape: 'ymd/hour',
            base: folders.slice(0, i - 3).join('/') + (i - 3 > 0 ? '/' : ''),
            dayMs,
          };
        }
      }
    }
    // YYYY/MM/DD (day at folder i)
    if (i >= 2 && YEAR.test(folders[i - 2] as string)) {
      const [y, m, d] = folders.slice(i - 2, i + 1) as [string, string, string];
      if (TWO.test(m) && TWO.test(d)) {
        const dayMs = validDay(Number(y), Number(m), Number(d));
        if (dayMs !== undefined) {
          return { shape: 'ymd', base: folders.slice(0, i - 2).join('/') + (i - 2 > 0 ? '/' : ''), dayMs };
        }
      }
    }
    // dt=YYYY-MM-DD or YYYY-MM-DD
    const iso = /^((?:[A-Za-z_][\w-]*)=)?(\d{4})-(\d{2})-(\d{2})$/.exec(folders[i] as string);
    if (iso) {
      const dayMs = validDay(Number(iso[2]), Number(iso[3]), Number(iso[4]));
      if (dayMs !== undefined) {
        return { shape: `iso:${iso[1] ?? ''}`, base: base.join(''), dayMs };
      }
    }
  }
  return undefined;
}

function examples(keys: string[]): string {
  return keys
    .slice(0, 3)
    .map((k) => `"${k}"`)
    .join(', ');
}

/**
 * The partition layout of an export from (a sample of) its object keys, as listed under the prefix.
 * Every key must carry its date in folders of one and the same layout under one and the same base
 * path, or the table would silently miss objects: otherwise the answer is `none`, with the reason.
 */
export function detectKeyLayout(keys: readonly string[]): KeyLayout {
  if (keys.length === 0) return { kind: 'none', reason: 'no objects were found to detect a key layout from' };
  const undated: string[] = [];
  const dateInName: string[] = [];
  let first: KeyMatch | undefined;
  let firstDayMs = Number.POSITIVE_INFINITY;
  let padded = true;
  for (const key of keys) {
    const m = matchKey(key);
    if (!m) {
      if (keyDate(key) !== undefined) dateInName.push(key);
      else undated.push(key);
      continue;
    }
    if (!first) first = m;
    else if (m.shape !== first.shape || m.base !== first.base) {
      return {
        kind: 'none',
        reason: `keys carry their date in different folder layouts (e.g. "${first.base}…" and "${key}")`,
      };
    }
    if (m.padded === false) padded = false;
    firstDayMs = Math.min(firstDayMs, m.dayMs);
  }
  if (!first) {
    return dateInName.length > 0
      ? {
          kind: 'none',
          reason: `the keys carry a date only in file names (${examples(dateInName)}), not in folders a partition can be projected on`,
        }
      : { kind: 'none', reason: `the keys carry no date (${examples(undated)})` };
  }
  const missing = [...dateInName, ...undated];
  if (missing.length > 0) {
    return {
      kind: 'none',
      reason: `${missing.length} key(s) carry no date folder (${examples(missing)}), so a partitioned table would miss them`,
    };
  }
  if (first.shape === 'hive') {
    if (keys.some((k) => matchKey(k)?.padded !== padded)) {
      return {
        kind: 'none',
        reason: 'year=/month=/day= folders mix padded (month=01) and unpadded (month=1) numbers',
      };
    }
    return { kind: 'hive', base: first.base, padded, firstDayMs };
  }
  if (first.shape === 'ymd' || first.shape === 'ymd/hour') {
    return { kind: 'ymd', base: first.base, hour: first.shape === 'ymd/hour', firstDayMs };
  }
  return { kind: 'iso-date', base: first.base, label: first.shape.slice('iso:'.length), firstDayMs };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function ymdParts(ms: number): [number, number, number] {
  const d = new Date(ms);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** A day (epoch ms of UTC midnight) as the projected `dt` value of a layout. */
export function formatDay(layout: KeyLayout, dayMs: number, endOfDay = false): string {
  const [y, m, d] = ymdParts(dayMs);
  if (layout.kind === 'ymd') {
    const day = `${pad(y, 4)}/${pad(m)}/${pad(d)}`;
    return layout.hour ? `${day}/${endOfDay ? '23' : '00'}` : day;
  }
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

export const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * The days whose partitions may hold events of [sinceMs, untilMs): the same one-day slack either side
 * that `events query` gives a date in a key (key-dates.ts), so both engines read the same objects.
 * Bounds are inclusive days (epoch ms of UTC midnight); undefined when that side is open.
 */
export function partitionDays(
  sinceMs: number | undefined,
  untilMs: number | undefined,
): { fromDayMs: number | undefined; toDayMs: number | undefined } {
  return {
    fromDayMs: sinceMs === undefined ? undefined : floorDay(sinceMs - DAY_MS),
    toDayMs: untilMs === undefined ? undefined : floorDay(untilMs + DAY_MS - 1),
  };
}

export { ymdParts };

/**
 * The layout a table made by `events athena create` was projected on, read back from its table
 * parameters (GetTableMetadata): what `events query --engine athena` needs for partition predicates.
 * A table without projection (or projected some other way) is `none`: queries then carry no
 * partition predicates, which is always correct, only slower.
 */
/** The ends of the location templates ddl.ts writes. */
export const HIVE_TEMPLATE_TAIL = `year=\${year}/month=\${month}/day=\${day}/`;
export const DT_TEMPLATE_TAIL = `\${dt}/`;

export function layoutFromTableParameters(params: Readonly<Record<string, string>>): KeyLayout {
  if (params['projection.enabled'] !== 'true')
    return { kind: 'none', reason: 'the table has no partition projection' };
  const template = params['storage.location.template'] ?? '';
  const base = /^s3a?:\/\/[^/]+\/(.*)$/.exec(template)?.[1] ?? '';
  const rangeStart =
    (params['projection.dt.range'] ?? params['projection.year.range'] ?? '').split(',')[0] ?? '';
  if (params['projection.year.type'] === 'integer' && base.endsWith(HIVE_TEMPLATE_TAIL)) {
    const year = Number(rangeStart);
    return {
      kind: 'hive',
      base: base.slice(0, -HIVE_TEMPLATE_TAIL.length),
      padded: params['projection.month.digits'] === '2',
      firstDayMs: Number.isInteger(year) ? Date.UTC(year, 0, 1) : 0,
    };
  }
  if (params['projection.dt.type'] === 'date' && base.endsWith(DT_TEMPLATE_TAIL)) {
    const format = params['projection.dt.format'];
    const before = base.slice(0, -DT_TEMPLATE_TAIL.length);
    const first = Date.parse(rangeStart.slice(0, 10).replaceAll('/', '-'));
    const firstDayMs = Number.isNaN(first) ? 0 : first;
    if (format === 'yyyy/MM/dd' || format === 'yyyy/MM/dd/HH') {
      return { kind: 'ymd', base: before, hour: format === 'yyyy/MM/dd/HH', firstDayMs };
    }
    if (format === 'yyyy-MM-dd') {
      const label = /(?:^|\/)([A-Za-z_][\w-]*=)$/.exec(before)?.[1] ?? '';
      return { kind: 'iso-date', base: before.slice(0, before.length - label.length), label, firstDayMs };
    }
  }
  return { kind: 'none', reason: 'the table is projected in a way prophecy-audit did not write' };
}
