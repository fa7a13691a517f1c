/**
 * Everything Prophecy's "Syncing audit logs from SaaS" page fixes, in one place.
 * The policy generator, the permission checker and the wizard all read from here,
 * so the printed policy and the verified permission set cannot drift apart.
 */
export const VENDOR_ACCOUNT_ID = '133450206866';
export const DATASYNC_ROLE_NAME = 'AWSDataSyncS3BucketAccessCustomerBackendEventsRole';
export const LOCATION_USER_NAME = 's3access';
export const DEFAULT_DATASYNC_ROLE_ARN = `arn:aws:iam::${VENDOR_ACCOUNT_ID}:role/${DATASYNC_ROLE_NAME}`;
export const DEFAULT_LOCATION_USER_ARN = `arn:aws:iam::${VENDOR_ACCOUNT_ID}:user/${LOCATION_USER_NAME}`;

export const BUCKET_PREFIX = 'prophecy-customer-backend-events-';
export const DEFAULT_REGION = 'us-east-1';
export const POLICY_VERSION = '2008-10-17';

export const DATASYNC_SID = 'DataSyncCreateS3LocationAndTaskAccess';
export const LOCATION_SID = 'DataSyncCreateS3Location';
/**
 * The Sid of the statement `setup --update-key-policy` adds to a customer-managed KMS key's policy
 * (for an SSE-KMS bucket); `revoke --key-policy` removes exactly the statement with this Sid.
 */
export const KMS_SID = 'ProphecyDataSyncKmsAccess';

/** In the vendor's order; the policy lists them exactly like this. */
export const DATASYNC_ACTIONS = [
  's3:GetBucketLocation',
  's3:ListBucket',
  's3:ListBucketMultipartUploads',
  's3:AbortMultipartUpload',
  's3:GetObject',
  's3:ListMultipartUploadParts',
  's3:PutObject',
  's3:GetObjectTagging',
  's3:PutObjectTagging',
  's3:DeleteObject',
] as const;

export const LOCATION_ACTIONS = ['s3:ListBucket'] as const;

/** Actions that S3 authorizes against the bucket ARN; every other one is checked against `bucket/*`. */
export const BUCKET_LEVEL_ACTIONS: ReadonlySet<string> = new Set([
  's3:GetBucketLocation',
  's3:ListBucket',
  's3:ListBucketMultipartUploads',
]);

export const NON_DEFAULT_REGION_NOTE =
  'Prophecy recommends us-east-1; any other region needs extra configuration on their side, so tell them the region you chose.';
