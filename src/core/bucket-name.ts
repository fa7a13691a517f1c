import { BUCKET_PREFIX } from './vendor.js';

export const MAX_BUCKET_NAME = 63;
export const MAX_SUFFIX = MAX_BUCKET_NAME - BUCKET_PREFIX.length;
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '--x-s3', '--table-s3'] as const;

export type NameCheck =
  | { ok: true; bucket: string; warnings: string[] }
  | { ok: false; rule: string; message: string };

function fail(rule: string, message: string): NameCheck {
  return { ok: false, rule, message };
}

/**
 * S3's general-purpose bucket naming rules, minus dots: a dotted name breaks the TLS
 * certificate match of virtual-hosted requests (bucket.s3.amazonaws.com), so we refuse it.
 */
function checkCharacters(value: string, what: string): NameCheck | undefined {
  if (value.includes('.')) {
    return fail(
      'no-dots',
      `${what} must not contain dots: dotted bucket names break TLS for virtual-hosted S3 requests. Use hyphens instead.`,
    );
  }
  if (/[A-Z]/.test(value)) {
    return fail('lowercase', `${what} must be lowercase (got "${value}"). Try "${value.toLowerCase()}".`);
  }
  const bad = value.match(/[^a-z0-9-]/);
  if (bad) {
    return fail(
      'charset',
      `${what} may contain only lowercase letters, digits and hyphens; "${bad[0]}" is not allowed.`,
    );
  }
  return undefined;
}

function checkEnding(name: string, what: string): NameCheck | undefined {
  if (name.endsWith('-')) return fail('no-trailing-hyphen', `${what} must not end with a hyphen.`);
  const reserved = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (reserved) return fail('reserved-suffix', `${what} must not end with "${reserved}", which S3 reserves.`);
  return undefined;
}

export function bucketForSuffix(suffix: string): string {
  return `${BUCKET_PREFIX}${suffix}`;
}

export function checkSuffix(suffix: string): NameCheck {
  const what = 'The suffix';
  if (suffix.length === 0) return fail('length', `${what} must not be empty (1-${MAX_SUFFIX} characters).`);
  if (suffix.length > MAX_SUFFIX) {
    return fail(
      'length',
      `${what} is ${suffix.length} characters; at most ${MAX_SUFFIX} fit, because bucket names are limited to ${MAX_BUCKET_NAME} and the prefix "${BUCKET_PREFIX}" takes ${BUCKET_PREFIX.length}.`,
    );
  }
  const problem = checkCharacters(suffix, what) ?? checkEnding(suffix, what);
  return problem ?? { ok: true, bucket: bucketForSuffix(suffix), warnings: [] };
}

export function checkBucketName(name: string): NameCheck {
  const what = 'The bucket name';
  if (name.length < 3 || name.length > MAX_BUCKET_NAME) {
    return fail('length', `${what} must be 3-${MAX_BUCKET_NAME} characters (got ${name.length}).`);
  }
  const chars = checkCharacters(name, what);
  if (chars) return chars;
  if (!/^[a-z0-9]/.test(name)) return fail('start', `${what} must start with a letter or digit.`);
  if (name.startsWith('xn--') || name.startsWith('sthree-') || name.startsWith('amzn-s3-demo-')) {
    return fail(
      'reserved-prefix',
      `${what} must not start with a prefix S3 reserves (xn--, sthree-, amzn-s3-demo-).`,
    );
  }
  const ending = checkEnding(name, what);
  if (ending) return ending;
  const warnings = name.startsWith(BUCKET_PREFIX)
    ? []
    : [`"${name}" does not start with "${BUCKET_PREFIX}", the name Prophecy's instructions ask for.`];
  return { ok: true, bucket: name, warnings };
}
