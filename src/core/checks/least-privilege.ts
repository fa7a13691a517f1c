import {
  bucketArn,
  objectsArn,
  requiredPermissions,
  type VendorPrincipals,
  vendorPrincipalArns,
} from '../policy.js';
import { asList, evaluate, publicStatements, type RawStatement, statementLabel } from '../policy-eval.js';
import { shortPrincipal } from '../principal.js';
import { parsePolicyRead } from './policy-read.js';
import { defineCheck, fail, pass, warn } from './types.js';

/**
 * S3 actions a wildcard in a bucket policy may reach; used to tell what `s3:*`, `s3:Get*` or a NotAction
 * grant adds beyond the required set. Actions named literally in a policy are considered too.
 */
export const S3_ACTIONS: readonly string[] = [
  's3:AbortMultipartUpload',
  's3:BypassGovernanceRetention',
  's3:CreateBucket',
  's3:DeleteBucket',
  's3:DeleteBucketPolicy',
  's3:DeleteBucketWebsite',
  's3:DeleteObject',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersion',
  's3:DeleteObjectVersionTagging',
  's3:GetAccelerateConfiguration',
  's3:GetAnalyticsConfiguration',
  's3:GetBucketAcl',
  's3:GetBucketCORS',
  's3:GetBucketLocation',
  's3:GetBucketLogging',
  's3:GetBucketNotification',
  's3:GetBucketObjectLockConfiguration',
  's3:GetBucketOwnershipControls',
  's3:GetBucketPolicy',
  's3:GetBucketPolicyStatus',
  's3:GetBucketPublicAccessBlock',
  's3:GetBucketRequestPayment',
  's3:GetBucketTagging',
  's3:GetBucketVersioning',
  's3:GetBucketWebsite',
  's3:GetEncryptionConfiguration',
  's3:GetIntelligentTieringConfiguration',
  's3:GetInventoryConfiguration',
  's3:GetLifecycleConfiguration',
  's3:GetMetricsConfiguration',
  's3:GetObject',
  's3:GetObjectAcl',
  's3:GetObjectAttributes',
  's3:GetObjectLegalHold',
  's3:GetObjectRetention',
  's3:GetObjectTagging',
  's3:GetObjectVersion',
  's3:GetObjectVersionAcl',
  's3:GetObjectVersionTagging',
  's3:GetReplicationConfiguration',
  's3:ListBucket',
  's3:ListBucketMultipartUploads',
  's3:ListBucketVersions',
  's3:ListMultipartUploadParts',
  's3:PutAccelerateConfiguration',
  's3:PutAnalyticsConfiguration',
  's3:PutBucketAcl',
  's3:PutBucketCORS',
  's3:PutBucketLogging',
  's3:PutBucketNotification',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketOwnershipControls',
  's3:PutBucketPolicy',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketRequestPayment',
  's3:PutBucketTagging',
  's3:PutBucketVersioning',
  's3:PutBucketWebsite',
  's3:PutEncryptionConfiguration',
  's3:PutIntelligentTieringConfiguration',
  's3:PutInventoryConfiguration',
  's3:PutLifecycleConfiguration',
  's3:PutMetricsConfiguration',
  's3:PutObject',
  's3:PutObjectAcl',
  's3:PutObjectLegalHold',
  's3:PutObjectRetention',
  's3:PutObjectTagging',
  's3:PutObjectVersionAcl',
  's3:PutObjectVersionTagging',
  's3:PutReplicationConfiguration',
  's3:ReplicateDelete',
  's3:ReplicateObject',
  's3:ReplicateTags',
  's3:RestoreObject',
];

/** The actions worth naming first when a wildcard grants too much: they can destroy or expose the bucket. */
const SENSITIVE = [
  's3:DeleteBucket',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketAcl',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketOwnershipControls',
  's3:PutLifecycleConfiguration',
  's3:DeleteObjectVersion',
  's3:BypassGovernanceRetention',
];

export interface ExtraGrant {
  principal: string;
  /** Every action beyond the required set that the policy allows (or conditionally allows) this principal. */
  actions: string[];
  /** The statements that grant them, by Sid or position. */
  statements: string[];
}

function literalActions(statements: RawStatement[]): string[] {
  return statements.flatMap((s) =>
    s.Effect === 'Allow' ? asList(s.Action).filter((a) => !/[*?]/.test(a)) : [],
  );
}

/** Grants to the vendor principals beyond the required set; public grants are reported separately. */
export function extraGrants(
  statements: RawStatement[],
  bucket: string,
  principals: VendorPrincipals,
): ExtraGrant[] {
  const required = requiredPermissions(bucket, principals);
  const candidates = new Map<string, string>();
  for (const a of [...S3_ACTIONS, ...literalActions(statements)]) candidates.set(a.toLowerCase(), a);
  const out: ExtraGrant[] = [];
  for (const principal of new Set(vendorPrincipalArns(principals))) {
    const mine = new Set(
      required.filter((r) => r.principal === principal).map((r) => r.action.toLowerCase()),
    );
    const actions: string[] = [];
    const via = new Set<string>();
    for (const [lower, action] of candidates) {
      if (mine.has(lower)) continue;
      for (const resource of [bucketArn(bucket), objectsArn(bucket)]) {
        const e = evaluate(statements, { principal, action, resource });
        if (e.verdict === 'denied' || e.verdict === 'implicit-deny') continue;
        const granting = e.matched.filter(
          (m) => m.effect === 'Allow' && (m.principalMatch === 'exact' || m.principalMatch === 'account'),
        );
        if (granting.length === 0) continue;
        actions.push(action);
        for (const g of granting) via.add(statementLabel(g));
        break;
      }
    }
    if (actions.length > 0) out.push({ principal, actions, statements: [...via] });
  }
  return out;
}

export const leastPrivilegeCheck = defineCheck({
  id: 'least-privilege',
  title: 'The policy grants Prophecy nothing beyond what it needs, and nobody else anything',
  reads: ['policy'],
  needsBucket: true,
  outcomes: {
    pass: 'the vendor principals get only the required actions (or there is no policy at all)',
    warn: 'a vendor principal gets more (e.g. through s3:*), naming the risky actions first; or the policy could not be read',
    fail: 'a statement makes the bucket public (Principal "*" with no restricting condition)',
  },
  judge({ bucket, principals, reads }) {
    const policy = parsePolicyRead(bucket, reads.policy);
    if (policy.kind === 'denied' || policy.kind === 'invalid') {
      return warn(
        'least-privilege',
        'not checked: the bucket policy could not be read (see the policy check)',
      );
    }
    if (policy.kind === 'absent')
      return pass('least-privilege', 'no grants at all (the bucket has no policy)');
    const open = publicStatements(policy.statements);
    const extra = extraGrants(policy.statements, bucket, principals);
    const details = { public: open, extra };
    if (open.length > 0) {
      const list = open.map((p) => `statement ${statementLabel(p)} (${p.reason})`).join(', ');
      return fail(
        'least-privilege',
        `the bucket policy makes the bucket public: ${list} allows anyone without a restricting condition; remove it`,
        details,
      );
    }
    if (extra.length > 0) {
      const text = extra
        .map((x) => {
          const named = [
            ...SENSITIVE.filter((s) => x.actions.includes(s)),
            ...x.actions.filter((a) => !SENSITIVE.includes(a)),
          ];
          const shown = named.slice(0, 4).join(', ');
          const more = named.length > 4 ? ` and ${named.length - 4} more` : '';
          return `${shortPrincipal(x.principal)} also gets ${shown}${more} via ${x.statements.join(', ')}`;
        })
        .join(' — ');
      return warn('least-privilege', `grants beyond what Prophecy needs: ${text}`, details);
    }
    return pass('least-privilege', 'the vendor principals get only the required actions', details);
  },
});
