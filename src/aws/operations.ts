/**
 * Every AWS operation the tool sends, declared once: the IAM action it needs (per AWS's service
 * authorization reference), the resource that action is scoped to, and the commands that send it.
 *
 * `awsCall` only accepts an operation declared here, and takes its IAM action from here (a call that names
 * an action must name this one), so the code that makes a call and the table cannot drift apart. `policy
 * print --operator <command>` builds the command's identity policy from this table (src/aws/permissions.ts),
 * and test/integration/permissions.test.ts fails when a command sends an operation its entry lacks.
 *
 * Pure data: no SDK import, so `policy print` stays light.
 */

/** The commands an identity policy can be printed for. */
export const OPERATORS = ['setup', 'verify', 'events', 'revoke'] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * What an action is scoped to: the bucket ARN, the bucket's objects (`<bucket ARN>/*`), the KMS key that
 * encrypts the bucket, every resource (`*`: only for actions that have no resource, like ListAllMyBuckets),
 * or nothing at all (no permission is needed).
 */
export type ResourceScope = 'bucket' | 'objects' | 'kms-key' | 'any' | 'none';

export interface OperationSpec {
  service: 's3' | 'sts' | 'kms' | 'athena';
  /** The IAM action, or null when the call needs no permission (sts:GetCallerIdentity). */
  action: string | null;
  resource: ResourceScope;
  /** The commands that send it. */
  usedBy: readonly Operator[];
  /** When the operation is sent only in some cases, or its caller lands with another change. */
  note?: string;
}

function op<const S extends OperationSpec>(spec: S): S {
  return spec;
}

const ISSUE_11 = 'verify/setup KMS and bucket-feature checks (issue 11)';

export const OPERATIONS = {
  'sts:GetCallerIdentity': op({
    service: 'sts',
    action: null,
    resource: 'none',
    usedBy: ['setup', 'verify', 'revoke'],
    note: 'needs no permission: AWS answers it for any valid credentials',
  }),

  // S3, bucket level: reads
  HeadBucket: op({
    service: 's3',
    action: 's3:ListBucket',
    resource: 'bucket',
    usedBy: ['setup', 'verify', 'revoke'],
  }),
  ListBuckets: op({
    service: 's3',
    action: 's3:ListAllMyBuckets',
    resource: 'any',
    usedBy: ['setup', 'revoke'],
    note: 'tells your own bucket from a same-named bucket of another account; has no resource, so `*`',
  }),
  GetBucketLocation: op({
    service: 's3',
    action: 's3:GetBucketLocation',
    resource: 'bucket',
    usedBy: ['setup', 'verify', 'revoke'],
  }),
  GetBucketOwnershipControls: op({
    service: 's3',
    action: 's3:GetBucketOwnershipControls',
    resource: 'bucket',
    usedBy: ['setup', 'verify', 'revoke'],
  }),
  GetPublicAccessBlock: op({
    service: 's3',
    action: 's3:GetBucketPublicAccessBlock',
    resource: 'bucket',
    usedBy: ['setup', 'verify', 'revoke'],
  }),
  GetBucketPolicy: op({
    service: 's3',
    action: 's3:GetBucketPolicy',
    resource: 'bucket',
    usedBy: ['setup', 'verify', 'revoke'],
  }),
  ListObjectsV2: op({
    service: 's3',
    action: 's3:ListBucket',
    resource: 'bucket',
    usedBy: ['setup', 'verify', 'events', 'revoke'],
  }),
  GetBucketEncryption: op({
    service: 's3',
    action: 's3:GetEncryptionConfiguration',
    resource: 'bucket',
    usedBy: ['setup', 'verify', 'revoke'],
    note: `finds the bucket's KMS key; ${ISSUE_11} and revoke`,
  }),
  GetBucketVersioning: op({
    service: 's3',
    action: 's3:GetBucketVersioning',
    resource: 'bucket',
    usedBy: ['setup', 'verify'],
    note: ISSUE_11,
  }),
  GetBucketRequestPayment: op({
    service: 's3',
    action: 's3:GetBucketRequestPayment',
    resource: 'bucket',
    usedBy: ['setup', 'verify'],
    note: ISSUE_11,
  }),
  GetObjectLockConfiguration: op({
    service: 's3',
    action: 's3:GetBucketObjectLockConfiguration',
    resource: 'bucket',
    usedBy: ['setup', 'verify'],
    note: ISSUE_11,
  }),

  // S3, bucket level: writes
  CreateBucket: op({
    service: 's3',
    action: 's3:CreateBucket',
    resource: 'bucket',
    usedBy: ['setup'],
    note: 'only when the bucket does not exist yet',
  }),
  PutBucketOwnershipControls: op({
    service: 's3',
    action: 's3:PutBucketOwnershipControls',
    resource: 'bucket',
    usedBy: ['setup'],
    note: 'only when Object Ownership is not BucketOwnerEnforced',
  }),
  PutPublicAccessBlock: op({
    service: 's3',
    action: 's3:PutBucketPublicAccessBlock',
    resource: 'bucket',
    usedBy: ['setup'],
    note: 'only when a Block Public Access setting is off',
  }),
  PutBucketPolicy: op({
    service: 's3',
    action: 's3:PutBucketPolicy',
    resource: 'bucket',
    usedBy: ['setup', 'revoke'],
  }),
  DeleteBucketPolicy: op({
    service: 's3',
    action: 's3:DeleteBucketPolicy',
    resource: 'bucket',
    usedBy: ['revoke'],
    note: "only when Prophecy's statements were the whole policy",
  }),

  // S3, objects
  GetObject: op({
    service: 's3',
    action: 's3:GetObject',
    resource: 'objects',
    usedBy: ['events'],
  }),

  // KMS: the key that encrypts the bucket by default, when it is a customer-managed key
  'kms:DescribeKey': op({
    service: 'kms',
    action: 'kms:DescribeKey',
    resource: 'kms-key',
    usedBy: ['setup', 'verify'],
    note: ISSUE_11,
  }),
  'kms:GetKeyPolicy': op({
    service: 'kms',
    action: 'kms:GetKeyPolicy',
    resource: 'kms-key',
    usedBy: ['setup', 'verify', 'revoke'],
    note: `${ISSUE_11} and revoke`,
  }),
  'kms:PutKeyPolicy': op({
    service: 'kms',
    action: 'kms:PutKeyPolicy',
    resource: 'kms-key',
    usedBy: ['setup', 'revoke'],
    note: "setup's key-policy step (issue 11) and revoke; only when the key policy changes",
  }),

  // Athena: helpers in src/aws/athena.ts that no command sends yet
  StartQueryExecution: op({
    service: 'athena',
    action: 'athena:StartQueryExecution',
    resource: 'any',
    usedBy: [],
  }),
  GetQueryExecution: op({
    service: 'athena',
    action: 'athena:GetQueryExecution',
    resource: 'any',
    usedBy: [],
  }),
  StopQueryExecution: op({
    service: 'athena',
    action: 'athena:StopQueryExecution',
    resource: 'any',
    usedBy: [],
  }),
  GetQueryResults: op({ service: 'athena', action: 'athena:GetQueryResults', resource: 'any', usedBy: [] }),
  GetTableMetadata: op({
    service: 'athena',
    action: 'athena:GetTableMetadata',
    resource: 'any',
    usedBy: [],
    note: 'also glue:GetTable',
  }),
} as const satisfies Record<string, OperationSpec>;

export type Operation = keyof typeof OPERATIONS;
export type ActionOf<O extends Operation> = (typeof OPERATIONS)[O]['action'];

export function isOperation(name: string): name is Operation {
  return Object.hasOwn(OPERATIONS, name);
}

/** The operations `command` sends, in table order. */
export function operationsOf(command: Operator): Operation[] {
  return (Object.keys(OPERATIONS) as Operation[]).filter((o) =>
    (OPERATIONS[o].usedBy as readonly Operator[]).includes(command),
  );
}
