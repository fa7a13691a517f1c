import type { BucketOptions, PrincipalOptions } from '../cli.js';
import { generatePolicy, renderPolicy } from '../core/policy.js';
import { ExitCode } from '../errors.js';
import { resolveBucket, resolvePrincipals } from './common-input.js';

export async function run(opts: BucketOptions & PrincipalOptions): Promise<number> {
  const { bucket } = resolveBucket(opts);
  const principals = resolvePrincipals(opts);
  process.stdout.write(renderPolicy(generatePolicy(bucket, principals)));
  return ExitCode.ok;
}
