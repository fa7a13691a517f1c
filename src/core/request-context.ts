import type { RequiredPermission } from './policy.js';
import { accountOf, type Evaluation, evaluate, type RequestContext } from './policy-eval.js';

/**
 * Prophecy's requests as a bucket (or key) policy sees them, modelled from the AWS docs (IAM global
 * condition keys; DataSync's S3 location page). Only what is certain for every request DataSync makes is
 * given a value or marked absent; the rest stays unknown, so a condition on it is shown to a person instead
 * of being guessed.
 *
 * Keys "not the customer's" are modelled as absent: Prophecy's account is in no organization of the
 * customer's and its requests come through no VPC of the customer's, so a condition that compares them with
 * the customer's values behaves exactly as with an absent key, except for `Null`, which nobody writes for
 * these keys.
 */

export type PrincipalKind = 'role' | 'user';

/** `role` for …:role/…, `user` for …:user/…; anything else is neither. */
export function principalKind(arn: string): PrincipalKind | undefined {
  if (/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(arn)) return 'role';
  if (/^arn:aws[a-z-]*:iam::\d{12}:user\//.test(arn)) return 'user';
  return undefined;
}

/** How verdicts name the caller: "Prophecy's role", "Prophecy's s3access user". */
export function prophecyLabel(arn: string): string {
  const kind = principalKind(arn);
  if (kind === 'user') return `Prophecy's ${arn.slice(arn.lastIndexOf('/') + 1)} user`;
  if (kind === 'role') return "Prophecy's role";
  return arn;
}

/** Keys that are never the customer's in a request of Prophecy's, with how a verdict says so. */
const NOT_THE_CUSTOMERS: Readonly<Record<string, string>> = {
  'aws:PrincipalOrgID': "is not the customer's org",
  'aws:PrincipalOrgPaths': "is not the customer's org path",
  'aws:SourceVpc': "is not the customer's VPC (DataSync does not come through it)",
  'aws:SourceVpce': "is not the customer's VPC endpoint (DataSync does not come through it)",
  'aws:CalledVia': "is absent (no AWS service calls on Prophecy's behalf)",
  's3:x-amz-server-side-encryption':
    'is absent (DataSync sends no encryption header; the bucket default applies)',
  's3:x-amz-server-side-encryption-aws-kms-key-id': 'is absent (DataSync names no KMS key)',
  's3:x-amz-server-side-encryption-customer-algorithm': 'is absent (DataSync cannot use SSE-C)',
  's3:x-amz-acl': 'is absent (DataSync sends no ACL)',
};

/**
 * The request context of Prophecy's S3 requests made as `principalArn` (the DataSync role or the s3access
 * user). aws:PrincipalAccount follows the ARN, so an overridden --datasync-role-arn is modelled too.
 * `extra` adds or overrides values (tests, or a caller that knows more).
 */
export function prophecyRequestContext(
  principalArn: string,
  extra: Readonly<Record<string, string | readonly string[]>> = {},
): RequestContext {
  const values: Record<string, string | readonly string[]> = {
    'aws:PrincipalArn': principalArn,
    // S3 sees the role, not the session, in aws:PrincipalType: an assumed-role session.
    'aws:PrincipalType': principalKind(principalArn) === 'user' ? 'User' : 'AssumedRole',
    'aws:SecureTransport': 'true',
    'aws:ViaAWSService': 'false',
  };
  const account = accountOf(principalArn);
  if (account) values['aws:PrincipalAccount'] = account;
  for (const [k, v] of Object.entries(extra)) values[k] = v;
  const given = new Set(Object.keys(values).map((k) => k.toLowerCase()));
  const absent = Object.keys(NOT_THE_CUSTOMERS).filter((k) => !given.has(k.toLowerCase()));
  return { label: prophecyLabel(principalArn), values, absent, notes: NOT_THE_CUSTOMERS };
}

/** The service name KMS sees in kms:ViaService when S3 uses a key for a request in `region`. */
export function s3ViaService(region: string): string {
  return `s3.${region}.amazonaws.com`;
}

/**
 * The context of the KMS requests S3 makes for Prophecy's role when it encrypts or decrypts an object with
 * the bucket's key: S3 calls KMS on the role's behalf, so kms:ViaService names S3 in the bucket's region,
 * kms:CallerAccount is the role's account, and aws:ViaAWSService is true.
 */
export function prophecyKmsContext(principalArn: string, region: string): RequestContext {
  const account = accountOf(principalArn);
  return prophecyRequestContext(principalArn, {
    'kms:ViaService': s3ViaService(region),
    'aws:ViaAWSService': 'true',
    ...(account ? { 'kms:CallerAccount': account } : {}),
  });
}

/** One required permission judged as Prophecy makes the request: the context follows the principal. */
export function evaluateForProphecy(policy: unknown, permission: RequiredPermission): Evaluation {
  return evaluate(policy, permission, prophecyRequestContext(permission.principal));
}
