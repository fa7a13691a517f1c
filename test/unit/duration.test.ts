import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['26h', 26 * 3_600_000],
    ['2d', 2 * 86_400_000],
    ['1w', 7 * 86_400_000],
    ['45s', 45_000],
    ['500ms', 500],
    ['1d12h', 36 * 3_600_000],
    ['1.5h', 90 * 60_000],
    [' 26H ', 26 * 3_600_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '26', 'h', '26x', '-1h', '1h-', '2 d', 'abc', '1h30'])(
    'rejects %j naming the format',
    (text) => {
      expect(() => parseDuration(text)).toThrow(/not a duration.*e\.g\. 90m, 26h, 2d/);
    },
  );

  it('rejects zero', () => {
    expect(() => parseDuration('0h')).toThrow(/greater than zero/);
  });
});

describe('formatDuration', () => {
  it.each([
    [450, '450ms'],
    [12_000, '12s'],
    [192_000, '3m 12s'],
    [26 * 3_600_000, '1d 2h'],
    [2 * 86_400_000, '2d'],
    [10 * 3_600_000 + 59_000, '10h'],
  ])('%d ms → %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
