/** Durations as people type them on a command line: `90m`, `26h`, `2d`, `1w`, `1d12h`, `45s`. */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/**
 * Parses a duration into milliseconds. Every number needs a unit (a bare `26` is ambiguous), parts may be
 * combined (`1d12h`), and the result must be positive. Throws a plain Error saying what is accepted.
 */
export function parseDuration(text: string): number {
  const input = text.trim().toLowerCase();
  const usage = `"${text}" is not a duration; use a number and a unit, e.g. 90m, 26h, 2d or 1w (units: ms, s, m, h, d, w).`;
  if (input === '') throw new Error(usage);
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let m = PART.exec(input); m; m = PART.exec(input)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    end = PART.lastIndex;
  }
  if (end !== input.length) throw new Error(usage);
  if (!(total > 0) || !Number.isFinite(total))
    throw new Error(`The duration "${text}" must be greater than zero.`);
  return Math.round(total);
}

/** A short human form with at most two units, largest first: `1d 2h`, `45m`, `3m 12s`. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)}ms`;
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const first = units.findIndex(([, size]) => abs >= size);
  const [bigName, bigSize] = units[first] as [string, number];
  const big = Math.floor(abs / bigSize);
  const next = units[first + 1];
  const small = next ? Math.floor((abs - big * bigSize) / next[1]) : 0;
  return next && small > 0 ? `${big}${bigName} ${small}${next[0]}` : `${big}${bigName}`;
}
