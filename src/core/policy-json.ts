import { isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';
import { CliError } from './errors.js';

/**
 * Bucket policies are read and written back by setup, so a customer's statements must survive the round
 * trip exactly. JSON.parse turns an integer above 2^53 in a Condition (…993) into a nearby double (…992)
 * and the write would change what the customer's statement means; here such numbers stay as their text.
 * Numbers a double holds exactly stay plain numbers, so the rest of the code never sees the difference.
 */

function exactNumber(text: string): number | LosslessNumber {
  return isSafeNumber(text) ? Number(text) : new LosslessNumber(text);
}

/** Like JSON.parse (throws SyntaxError on bad JSON), keeping numbers a double cannot hold exactly. */
export function parsePolicyJson(text: string): unknown {
  return parse(text, null, exactNumber);
}

/** Like JSON.stringify, writing kept numbers back as the digits they were read from. */
export function policyJson(value: unknown, space?: number): string {
  return stringify(value, null, space) ?? 'null';
}

/** S3 refuses a bucket policy larger than 20 KB (PutBucketPolicy → "Policies must be less than 20 KB"). */
export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;

/** The policy text's size as S3 counts it (UTF-8 bytes), and whether S3 would accept it. */
export function policySize(text: string): { bytes: number; fits: boolean } {
  const bytes = Buffer.byteLength(text, 'utf8');
  return { bytes, fits: bytes <= MAX_BUCKET_POLICY_BYTES };
}

/**
 * Throws (exit 2) when S3 would refuse `text`. Called while planning, because by the time
 * PutBucketPolicy fails the ownership and public-access steps would already have changed the bucket.
 */
export function assertPolicyFits(text: string, bucket: string): void {
  const { bytes, fits } = policySize(text);
  if (fits) return;
  throw new CliError(
    `The merged policy for ${bucket} would be ${bytes.toLocaleString('en-US')} bytes; S3 accepts at most ${MAX_BUCKET_POLICY_BYTES.toLocaleString('en-US')} bytes (20 KB). Nothing was changed.`,
    {
      hint: "Make room in the bucket's policy (merge or remove statements you no longer need), then run setup again.",
    },
  );
}
