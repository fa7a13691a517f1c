import {
  BUCKET_LEVEL_ACTIONS,
  DATASYNC_ACTIONS,
  DATASYNC_SID,
  DEFAULT_DATASYNC_ROLE_ARN,
  DEFAULT_LOCATION_USER_ARN,
  LOCATION_ACTIONS,
  LOCATION_SID,
  POLICY_VERSION,
} from './vendor.js';

/** The two principals Prophecy uses; both can be overridden for non-standard deployments. */
export interface VendorPrincipals {
  datasyncRoleArn: string;
  locationUserArn: string;
}

export const DEFAULT_PRINCIPALS: VendorPrincipals = {
  datasyncRoleArn: DEFAULT_DATASYNC_ROLE_ARN,
  locationUserArn: DEFAULT_LOCATION_USER_ARN,
};

/** A statement as it may appear in any bucket policy, ours or the customer's. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectsArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}/*`;
}

/** One grant of the vendor page, as data: who, what, and on which resources. */
interface VendorGrant {
  sid: string;
  principal: keyof VendorPrincipals;
  actions: readonly string[];
  /** `bucket` = the bucket ARN only; `bucket+objects` = the bucket and `bucket/*`. */
  scope: 'bucket' | 'bucket+objects';
  /** The vendor page writes a one-action, one-resource statement with plain strings. */
  scalar: boolean;
}

const VENDOR_GRANTS: readonly VendorGrant[] = [
  {
    sid: DATASYNC_SID,
    principal: 'datasyncRoleArn',
    actions: DATASYNC_ACTIONS,
    scope: 'bucket+objects',
    scalar: false,
  },
  {
    sid: LOCATION_SID,
    principal: 'locationUserArn',
    actions: LOCATION_ACTIONS,
    scope: 'bucket',
    scalar: true,
  },
];

/** The Sids this tool owns in a bucket policy; every other statement belongs to the customer. */
export const OUR_SIDS: readonly string[] = VENDOR_GRANTS.map((g) => g.sid);

function grantResources(bucket: string, grant: VendorGrant): string[] {
  return grant.scope === 'bucket' ? [bucketArn(bucket)] : [bucketArn(bucket), objectsArn(bucket)];
}

/** Our statements, exactly as the vendor page writes them for this bucket. */
export function vendorStatements(
  bucket: string,
  principals: VendorPrincipals = DEFAULT_PRINCIPALS,
): PolicyStatement[] {
  return VENDOR_GRANTS.map((grant) => {
    const resources = grantResources(bucket, grant);
    const single = grant.scalar && grant.actions.length === 1 && resources.length === 1;
    return {
      Sid: grant.sid,
      Effect: 'Allow',
      Principal: { AWS: principals[grant.principal] },
      Action: single ? (grant.actions[0] as string) : [...grant.actions],
      Resource: single ? (resources[0] as string) : resources,
    };
  });
}

/** The bucket policy of the vendor page with the bucket (and, if given, the principals) substituted. */
export function generatePolicy(
  bucket: string,
  principals: VendorPrincipals = DEFAULT_PRINCIPALS,
): PolicyDocument {
  return { Version: POLICY_VERSION, Statement: vendorStatements(bucket, principals) };
}

/** The policy as `policy print` writes it: 2-space indent and a trailing newline. */
export function renderPolicy(policy: PolicyDocument): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
}

/** One thing the vendor needs to be able to do: `principal` may call `action` on `resource`. */
export interface RequiredPermission {
  sid: string;
  principal: string;
  action: string;
  resource: string;
}

/**
 * The permission set `verify` checks, derived from the same grants as the policy. Bucket-level
 * actions are checked on the bucket ARN and object-level ones on `bucket/*`, which is how S3
 * authorizes them — the vendor lists both resources for every action, but only these pairs matter.
 */
export function requiredPermissions(
  bucket: string,
  principals: VendorPrincipals = DEFAULT_PRINCIPALS,
): RequiredPermission[] {
  return VENDOR_GRANTS.flatMap((grant) =>
    grant.actions.map((action) => ({
      sid: grant.sid,
      principal: principals[grant.principal],
      action,
      resource: BUCKET_LEVEL_ACTIONS.has(action) ? bucketArn(bucket) : objectsArn(bucket),
    })),
  );
}

export function vendorPrincipalArns(principals: VendorPrincipals = DEFAULT_PRINCIPALS): string[] {
  return [principals.datasyncRoleArn, principals.locationUserArn];
}
