import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../src/core/objects.js';
import {
  DeliveryState,
  loadState,
  STATE_FORMAT,
  STATE_RETENTION_MS,
  saveState,
  stateFileSchema,
  tagOf,
} from '../../src/events/state.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 12);
const ref = (key: string, etag: string, size = 10, lastModifiedMs = NOW - DAY): ObjectRef => ({
  key,
  etag,
  size,
  lastModifiedMs,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'state-unit-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('DeliveryState', () => {
  it('judges objects new, delivered, or changed by ETag and size', () => {
    const s = new DeliveryState('s3://b/');
    const a = ref('a', '"e1"');
    expect(s.judge(a)).toBe('new');
    s.deliver(a, NOW);
    expect(s.judge(a)).toBe('delivered');
    expect(s.judge(ref('a', '"e2"'))).toBe('changed');
    expect(s.judge(ref('a', '"e1"', 11))).toBe('changed');
    expect(s.judge(ref('b', '"e1"'))).toBe('new');
  });

  it('a local file is told apart by its mtime; without any tag an object is never recorded (read every time)', () => {
    expect(tagOf({ key: 'f', size: 3, lastModifiedMs: 1234 })).toBe('mtime:1234');
    const s = new DeliveryState('dir:/x/');
    const untagged: ObjectRef = { key: 'g', size: Number.NaN, lastModifiedMs: undefined };
    s.deliver(untagged, NOW);
    expect(s.judge(untagged)).toBe('new');
  });

  it('prunes entries older than 35 days (or the --since bound), and treats older objects as delivered', () => {
    const s = new DeliveryState('s3://b/');
    s.deliver(ref('old', '"o"', 1, NOW - 40 * DAY), NOW);
    s.deliver(ref('recent', '"r"', 1, NOW - 2 * DAY), NOW);
    // Before a whole round there is no horizon: nothing is taken as delivered unless recorded.
    expect(s.judge(ref('older', '"x"', 1, NOW - 50 * DAY))).toBe('new');
    s.prune(NOW, undefined);
    expect(s.horizonMs).toBe(NOW - STATE_RETENTION_MS);
    expect([...s.objects.keys()]).toEqual(['recent']);
    expect(s.judge(ref('older', '"x"', 1, NOW - 50 * DAY))).toBe('delivered');
    // A rewritten old key has a new LastModified: read again.
    expect(s.judge(ref('old', '"o2"', 1, NOW))).toBe('new');
    // --since 1d: the horizon moves to it; it never moves back.
    s.prune(NOW, NOW - DAY);
    expect([...s.objects.keys()]).toEqual([]);
    s.prune(NOW, undefined);
    expect(s.horizonMs).toBe(NOW - DAY);
  });

  it('round-trips through the versioned file format', () => {
    const s = new DeliveryState('s3://b/p/ query=setPassword');
    s.deliver(ref('k2', '"2"'), NOW);
    s.deliver(ref('k1', '"1"'), NOW);
    s.prune(NOW, undefined);
    const file = s.toFile(NOW);
    expect(stateFileSchema.parse(file)).toEqual(file);
    expect(file).toMatchObject({ format: STATE_FORMAT, version: 1, savedAt: '2026-11-25T12:00:00.000Z' });
    expect(Object.keys(file.objects)).toEqual(['k1', 'k2']);
    const again = new DeliveryState(file.scope, file);
    expect(again.judge(ref('k1', '"1"'))).toBe('delivered');
    expect(again.horizonMs).toBe(s.horizonMs);
  });
});

describe('state files', () => {
  it('saves atomically (no temp file left) and loads what it saved', () => {
    const path = join(dir, 'state.json');
    const s = new DeliveryState('s3://b/');
    s.deliver(ref('a', '"1"'), NOW);
    saveState(path, s.toFile(NOW));
    saveState(path, s.toFile(NOW + 1));
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(loadState(path, 's3://b/')?.objects).toEqual({
      a: { etag: '"1"', size: 10, modifiedMs: NOW - DAY },
    });
  });

  it('a missing file is the first run; anything unreadable is an error, never a silent restart', () => {
    expect(loadState(join(dir, 'none.json'), 's3://b/')).toBeUndefined();
    const cases: [string, RegExp][] = [
      ['', /corrupt \(not JSON\)/],
      ['{"format":"prophecy-audit/events-state","version":1,', /corrupt \(not JSON\)/],
      ['[]', /not a prophecy-audit events state file/],
      ['{"format":"other"}', /not a prophecy-audit events state file/],
      [`{"format":"${STATE_FORMAT}","version":2}`, /version 2; this prophecy-audit reads version 1/],
      [
        `{"format":"${STATE_FORMAT}","version":1,"scope":"s3://b/","horizonMs":0,"savedAt":"x","objects":{"a":{"etag":1}}}`,
        /corrupt \(objects\.a\.etag/,
      ],
      [
        `{"format":"${STATE_FORMAT}","version":1,"scope":"s3://b/","horizonMs":0,"savedAt":"x","objects":{},"extra":1}`,
        /corrupt/,
      ],
    ];
    for (const [text, message] of cases) {
      const path = join(dir, 'bad.json');
      writeFileSync(path, text);
      expect(() => loadState(path, 's3://b/'), text).toThrow(message);
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
    const path = join(dir, 'other.json');
    saveState(path, new DeliveryState('s3://other/').toFile(NOW));
    expect(() => loadState(path, 's3://b/')).toThrow(/belongs to another query/);
  });
});
