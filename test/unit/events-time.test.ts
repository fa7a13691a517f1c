import { describe, expect, it } from 'vitest';
import { keyDate, pruneReason } from '../../src/events/key-dates.js';
import { parseEventTime, parseTimeBound } from '../../src/events/time.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const DAY = 86_400_000;

describe('parseTimeBound', () => {
  it('reads durations back from now', () => {
    expect(parseTimeBound('24h', NOW)).toEqual({ ok: true, ms: NOW - DAY });
    expect(parseTimeBound('7d', NOW)).toEqual({ ok: true, ms: NOW - 7 * DAY });
    expect(parseTimeBound('90m', NOW)).toEqual({ ok: true, ms: NOW - 90 * 60_000 });
    expect(parseTimeBound('2w', NOW)).toEqual({ ok: true, ms: NOW - 14 * DAY });
  });

  it('reads ISO 8601 dates and times, UTC when no zone is given', () => {
    expect(parseTimeBound('2026-10-01', NOW)).toEqual({ ok: true, ms: Date.UTC(2026, 9, 1) });
    expect(parseTimeBound('2026-10-01T13:30', NOW)).toEqual({ ok: true, ms: Date.UTC(2026, 9, 1, 13, 30) });
    expect(parseTimeBound('2026-10-01T13:30:00+02:00', NOW)).toEqual({
      ok: true,
      ms: Date.UTC(2026, 9, 1, 11, 30),
    });
    expect(parseTimeBound('2026-10-01 13:30:00Z', NOW)).toEqual({
      ok: true,
      ms: Date.UTC(2026, 9, 1, 13, 30),
    });
  });

  it('rejects anything else with a message naming both forms', () => {
    const r = parseTimeBound('last tuesday', NOW);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toMatch(/ISO 8601.*24h/);
    expect(parseTimeBound('2026-13-45', NOW).ok).toBe(false);
    expect(parseTimeBound('7', NOW).ok).toBe(false);
  });
});

describe('parseEventTime', () => {
  it('tells epoch seconds from milliseconds', () => {
    expect(parseEventTime(1764000000)).toBe(1764000000000);
    expect(parseEventTime(1764000000000)).toBe(1764000000000);
    expect(parseEventTime(1764000000.5)).toBe(1764000000500);
    expect(parseEventTime(-1)).toBeUndefined();
    expect(parseEventTime(1e300)).toBeUndefined();
    expect(parseEventTime(null)).toBeUndefined();
  });
});

describe('key dates and pruning', () => {
  it('finds the date a key names', () => {
    const d = Date.UTC(2026, 10, 24);
    expect(keyDate('audit/2026/11/24/13/events.jsonl.gz')).toBe(d);
    expect(keyDate('2026-11-24/audit-13.json')).toBe(d);
    expect(keyDate('x/dt=2026-11-24/hour=01/part-0.json')).toBe(d);
    expect(keyDate('x/date=2026-11-24/part.json')).toBe(d);
    expect(keyDate('year=2026/month=11/day=24/part.json')).toBe(d);
    expect(keyDate('exports/2025-01-01-initial/2026/11/24/x.json')).toBe(d);
    expect(keyDate('events-20261124.jsonl')).toBeUndefined();
    expect(keyDate('v2026/13/40/x')).toBeUndefined();
  });

  it('prunes keys whose day (with a day of slack either side) is outside the window', () => {
    const key = 'a/2026/11/20/05/x.jsonl';
    const since = (iso: string) => ({ sinceMs: Date.parse(iso), untilMs: undefined });
    const until = (iso: string) => ({ sinceMs: undefined, untilMs: Date.parse(iso) });
    expect(pruneReason(key, undefined, since('2026-11-22T00:00:00Z'))).toBe('key-date-outside-window');
    expect(pruneReason(key, undefined, since('2026-11-21T23:59:59Z'))).toBeUndefined();
    expect(pruneReason(key, undefined, until('2026-11-19T00:00:00Z'))).toBe('key-date-outside-window');
    expect(pruneReason(key, undefined, until('2026-11-19T00:00:01Z'))).toBeUndefined();
    expect(pruneReason(key, undefined, { sinceMs: undefined, untilMs: undefined })).toBeUndefined();
  });

  it('prunes objects last modified before --since (15 minutes of clock skew allowed)', () => {
    const sinceMs = Date.parse('2026-11-24T12:00:00Z');
    const w = { sinceMs, untilMs: undefined };
    expect(pruneReason('no-date.json', sinceMs - 16 * 60_000, w)).toBe('modified-before-since');
    expect(pruneReason('no-date.json', sinceMs - 14 * 60_000, w)).toBeUndefined();
    expect(
      pruneReason('no-date.json', sinceMs - DAY, { sinceMs: undefined, untilMs: sinceMs }),
    ).toBeUndefined();
  });
});

describe('impossible calendar dates', () => {
  it.each([
    '2026-02-30',
    '2026-02-29',
    '2026-13-01',
    '2026-04-31T10:00',
    '2026-01-01T24:00',
    '2026-01-01T10:60',
  ])('--since %s is rejected, not rolled over', (text) => {
    const r = parseTimeBound(text, NOW);
    expect(r.ok).toBe(false);
  });
  it('keeps real ones, leap days included', () => {
    expect(parseTimeBound('2028-02-29', NOW)).toEqual({ ok: true, ms: Date.UTC(2028, 1, 29) });
    expect(parseTimeBound('2026-12-31T23:59:59Z', NOW)).toEqual({
      ok: true,
      ms: Date.UTC(2026, 11, 31, 23, 59, 59),
    });
  });
  it('an event time on an impossible date is unreadable, not moved', () => {
    expect(parseEventTime('2026-02-30T00:00:00Z')).toBeUndefined();
  });
});
