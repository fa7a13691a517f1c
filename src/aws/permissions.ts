import {
  OPERATIONS,
  type OperationSpec,
  type Operator,
  operationsOf,
  type ResourceScope,
} from './operations.js';

/**
 * The IAM identity policy one command needs, built from the operation table (src/aws/operations.ts) and
 * nothing else: one statement per resource scope, each action scoped as tightly as IAM allows.
 */

export interface IdentityStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

export interface IdentityPolicy {
  Version: '2012-10-17';
  Statement: IdentityStatement[];
}

export interface OperatorPolicyInput {
  bucket: string;
  /** The customer-managed key that encrypts the bucket; without it the KMS actions are left out. */
  kmsKeyArn?: string | undefined;
}

export interface OperatorPolicy {
  policy: IdentityPolicy;
  /** Actions the command may need but that were left out (the KMS actions when no key ARN was given). */
  omitted: string[];
}

const SIDS: Record<Exclude<ResourceScope, 'none'>, (op: Operator) => string> = {
  bucket: (op) => `ProphecyAudit${cap(op)}Bucket`,
  objects: (op) => `ProphecyAudit${cap(op)}Objects`,
  'kms-key': (op) => `ProphecyAudit${cap(op)}KmsKey`,
  any: (op) => `ProphecyAudit${cap(op)}AccountLevel`,
};

function cap(s: string): string {
  return `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;
}

function resourceFor(scope: Exclude<ResourceScope, 'none'>, input: OperatorPolicyInput): string | undefined {
  switch (scope) {
    case 'bucket':
      return `arn:aws:s3:::${input.bucket}`;
    case 'objects':
      return `arn:aws:s3:::${input.bucket}/*`;
    case 'kms-key':
      return input.kmsKeyArn;
    case 'any':
      return '*';
  }
}

const ORDER: Exclude<ResourceScope, 'none'>[] = ['bucket', 'objects', 'kms-key', 'any'];

/** The identity policy `command` needs on `input.bucket`: the actions of its operations, by resource. */
export function operatorPolicy(command: Operator, input: OperatorPolicyInput): OperatorPolicy {
  const byScope = new Map<Exclude<ResourceScope, 'none'>, Set<string>>();
  for (const name of operationsOf(command)) {
    const spec: OperationSpec = OPERATIONS[name];
    if (spec.action === null || spec.resource === 'none') continue;
    const actions = byScope.get(spec.resource) ?? new Set<string>();
    actions.add(spec.action);
    byScope.set(spec.resource, actions);
  }
  const statements: IdentityStatement[] = [];
  const omitted: string[] = [];
  for (const scope of ORDER) {
    const actions = byScope.get(scope);
    if (!actions) continue;
    const resource = resourceFor(scope, input);
    const sorted = [...actions].sort();
    if (resource === undefined) {
      omitted.push(...sorted);
      continue;
    }
    statements.push({ Sid: SIDS[scope](command), Effect: 'Allow', Action: sorted, Resource: resource });
  }
  return { policy: { Version: '2012-10-17', Statement: statements }, omitted };
}
