import { formatDuration } from '../duration.js';
import { defineCheck, deniedMessage, fail, pass } from './types.js';

export const freshnessCheck = defineCheck({
  id: 'freshness',
  title: 'The newest object is younger than --max-age (only with --max-age)',
  reads: ['newest'],
  needsBucket: true,
  applies: (options) => options.maxAgeMs !== undefined,
  outcomes: {
    pass: 'the newest object was written within --max-age',
    fail: 'the newest object is older (the sync may have stopped), the bucket is empty, or it could not be listed',
  },
  judge({ bucket, maxAgeMs, now, reads: { newest: read } }) {
    if (maxAgeMs === undefined) return undefined;
    if (read.status === 'denied') return fail('freshness', deniedMessage(bucket, read.permission));
    if (read.status === 'missing') return undefined;
    const newest = read.value;
    const limit = formatDuration(maxAgeMs);
    if (newest === null) {
      return fail(
        'freshness',
        `the bucket holds no objects: nothing has been synced yet (max age ${limit})`,
        { newest: null, maxAgeMs },
      );
    }
    const age = now.getTime() - newest.lastModified.getTime();
    const details = {
      newest: { key: newest.key, lastModified: newest.lastModified.toISOString() },
      objects: newest.count,
      ageMs: age,
      maxAgeMs,
    };
    const when = `${newest.lastModified.toISOString()} (${formatDuration(age)} ago)`;
    if (age > maxAgeMs) {
      return fail(
        'freshness',
        `the newest object was written ${when}, older than ${limit}: the sync may have stopped`,
        details,
      );
    }
    return pass('freshness', `newest object written ${when}`, details);
  },
});
