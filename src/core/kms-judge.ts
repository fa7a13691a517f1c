import { type Finding, finding, isUnreadable, type Unreadable } from './finding.js';
import { KEY_ARN, keyRegion } from './kms-arn.js';
import { objectsArn, type PolicyStatement, type VendorPrincipals } from './policy.js';
import {
  accountOf,
  type Evaluation,
  evaluate,
  PolicyParseError,
  policyStatements,
  type RawStatement,
  statementLabel,
} from './policy-eval.js';
import { prophecyKmsContext, prophecyRequestContext, s3ViaService } from './request-context.js';
import { KMS_SID } from './vendor.js';

/*
 * Kept apart from the key-policy merge (src/core/kms.ts, which re-exports all of this) so that verify's
 * checks, which judge but never write, reach nothing outside src/core.
 */

/**
 * The encryption chain: whether S3 can encrypt (and, to complete multipart uploads, decrypt) the objects
 * Prophecy's DataSync role writes, given the bucket's default encryption and, for SSE-KMS, its key. DataSync
 * sends no encryption headers, so the bucket default is what every upload gets.
 */

export { KMS_SID };

/** What DataSync's documentation asks a key policy to allow for an SSE-KMS destination, in its order. */
export const KMS_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] as const;
export type KmsAction = (typeof KMS_ACTIONS)[number];

/**
 * The API actions each documented grant is checked with. The wildcards stand for families; S3 itself calls
 * GenerateDataKey (uploads) and Decrypt (multipart completion, reads), and the ReEncrypt pair covers key
 * rotation by re-encryption.
 */
const PROBES: Record<KmsAction, readonly string[]> = {
  'kms:Encrypt': ['kms:Encrypt'],
  'kms:Decrypt': ['kms:Decrypt'],
  'kms:ReEncrypt*': ['kms:ReEncryptFrom', 'kms:ReEncryptTo'],
  'kms:GenerateDataKey*': ['kms:GenerateDataKey'],
};

/** The key-policy statement this tool owns: Prophecy's DataSync role may use the key, through S3 only. */
export function generateKmsStatement(principals: VendorPrincipals, region: string): PolicyStatement {
  return {
    Sid: KMS_SID,
    Effect: 'Allow',
    Principal: { AWS: principals.datasyncRoleArn },
    Action: [...KMS_ACTIONS],
    Resource: '*',
    Condition: { StringEquals: { 'kms:ViaService': s3ViaService(region) } },
  };
}

/** The statement as `policy print --kms-statement` writes it, for the key's owners to review. */
export function renderKmsStatement(principals: VendorPrincipals, region: string): string {
  return `${JSON.stringify(generateKmsStatement(principals, region), null, 2)}\n`;
}

// ---- the judge ----------------------------------------------------------------------------------

/** One rule of GetBucketEncryption's ServerSideEncryptionConfiguration, as the SDK returns it. */
export interface BucketEncryptionRule {
  ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string } | undefined;
  BucketKeyEnabled?: boolean | undefined;
  BlockedEncryptionTypes?: { EncryptionType?: string[] | undefined } | undefined;
}

/** What kms:DescribeKey says about the key (KeyMetadata). */
export interface KmsKeyInfo {
  Arn: string;
  /** AWS (an AWS managed key such as aws/s3) or CUSTOMER. */
  KeyManager?: string | undefined;
  /** Enabled, Disabled, PendingDeletion, … */
  KeyState?: string | undefined;
}

export interface EncryptionInput {
  bucket: string;
  /** The bucket's region: S3 uses only keys in its own region. */
  region: string;
  principals: VendorPrincipals;
  /** GetBucketEncryption's Rules; undefined when the bucket has no configuration. */
  rules: readonly BucketEncryptionRule[] | undefined | Unreadable;
  /** kms:DescribeKey of the default key (see keyToDescribe); undefined when not read. */
  key?: KmsKeyInfo | Unreadable | undefined;
  /** kms:GetKeyPolicy of that key (policy name "default"). */
  keyPolicy?: string | Unreadable | undefined;
  /** The bucket policy, to tell a bucket that requires SSE-C. */
  bucketPolicy?: string | undefined;
}

export interface EncryptionFinding extends Finding {
  /** The customer managed key Prophecy must name in their role's policy (part of the hand-off). */
  keyArn?: string | undefined;
}

export { keyRegion };

function defaultRule(rules: readonly BucketEncryptionRule[]): BucketEncryptionRule | undefined {
  return rules.find((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm !== undefined);
}

function isKmsAlgorithm(algorithm: string | undefined): boolean {
  return algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse';
}

/**
 * The key to pass to kms:DescribeKey and kms:GetKeyPolicy: only a full key ARN, because anything else
 * already fails the check and is resolved differently for Prophecy than for the bucket owner.
 */
export function keyToDescribe(rules: readonly BucketEncryptionRule[] | undefined): string | undefined {
  const id = rules && defaultRule(rules)?.ApplyServerSideEncryptionByDefault;
  if (!id || !isKmsAlgorithm(id.SSEAlgorithm) || !id.KMSMasterKeyID) return undefined;
  return KEY_ARN.test(id.KMSMasterKeyID) ? id.KMSMasterKeyID : undefined;
}

/** The names S3's BlockedEncryptionTypes may use for the encryption a default rule gives. */
const TYPE_OF_ALGORITHM: Record<string, string> = {
  AES256: 'SSE-S3',
  'aws:kms': 'SSE-KMS',
  'aws:kms:dsse': 'DSSE-KMS',
};

const FIX_AWS_MANAGED =
  "use SSE-S3 (AES256) or a customer managed key whose key policy grants Prophecy's role";

/** A Deny of PutObject for Prophecy's role that hinges on an SSE-C header: the bucket requires SSE-C. */
function sseCDeny(bucket: string, policy: string | undefined, roleArn: string): string | undefined {
  if (policy === undefined || policy.trim() === '') return undefined;
  let statements: RawStatement[];
  try {
    statements = policyStatements(policy);
  } catch (err) {
    if (err instanceof PolicyParseError) return undefined; // the policy check reports it
    throw err;
  }
  const e = evaluate(
    statements,
    { principal: roleArn, action: 's3:PutObject', resource: objectsArn(bucket) },
    prophecyRequestContext(roleArn),
  );
  if (e.verdict !== 'denied') return undefined;
  const by = e.deciding.find((m) =>
    (m.tests ?? []).some((t) => /x-amz-server-side-encryption-customer/i.test(t.key)),
  );
  return by ? statementLabel(by) : undefined;
}

/** How the key policy treats one documented action for Prophecy's role, judged through S3. */
export interface KmsActionVerdict {
  action: KmsAction;
  verdict: Evaluation['verdict'];
  delegated: boolean;
  reason: string;
  unknownKeys: string[];
}

const RANK: Record<Evaluation['verdict'], number> = {
  denied: 0,
  'implicit-deny': 1,
  conditional: 2,
  allowed: 3,
};

/** Each documented action judged by its weakest probe (ReEncrypt* needs both From and To). */
export function judgeKeyPolicyActions(
  policy: unknown,
  keyArn: string,
  roleArn: string,
  region: string,
): KmsActionVerdict[] {
  const statements = policyStatements(policy);
  const ctx = prophecyKmsContext(roleArn, region);
  return KMS_ACTIONS.map((action) => {
    const evals = PROBES[action].map((probe) =>
      evaluate(statements, { principal: roleArn, action: probe, resource: keyArn }, ctx),
    );
    const worst = evals.reduce((a, b) => (RANK[b.verdict] < RANK[a.verdict] ? b : a));
    return {
      action,
      verdict: worst.verdict,
      delegated: evals.some((e) => e.delegated),
      reason: worst.reason,
      unknownKeys: [...new Set(evals.flatMap((e) => e.unknownKeys))],
    };
  });
}

/** The encryption check: pass, warn or fail, with the key ARN to hand to Prophecy when there is one. */
export function judgeEncryption(input: EncryptionInput): EncryptionFinding {
  const role = input.principals.datasyncRoleArn;
  const sseC = sseCDeny(input.bucket, input.bucketPolicy, role);
  if (sseC) {
    return finding(
      'fail',
      `the bucket policy requires SSE-C (statement ${sseC}), which DataSync cannot use; require SSE-S3 or SSE-KMS through default encryption instead`,
      { sseCRequiredBy: sseC },
    );
  }
  if (isUnreadable(input.rules)) {
    return finding(
      'warn',
      `could not read the default encryption (${input.rules.unreadable}); your identity needs s3:GetEncryptionConfiguration`,
    );
  }
  const rule = input.rules ? defaultRule(input.rules) : undefined;
  const byDefault = rule?.ApplyServerSideEncryptionByDefault;
  const algorithm = byDefault?.SSEAlgorithm;
  const blocked = (input.rules ?? []).flatMap((r) => r.BlockedEncryptionTypes?.EncryptionType ?? []);
  const given = TYPE_OF_ALGORITHM[algorithm ?? 'AES256'];
  if (given && blocked.includes(given)) {
    return finding(
      'fail',
      `the bucket blocks ${given}, the encryption its default gives every upload; DataSync cannot use SSE-C, so its uploads are refused`,
      { algorithm: algorithm ?? null, blocked },
    );
  }
  if (!byDefault || algorithm === 'AES256') {
    return finding('pass', "SSE-S3 (AES256): S3 encrypts Prophecy's uploads with no key to share", {
      algorithm: algorithm ?? null,
    });
  }
  if (!isKmsAlgorithm(algorithm)) {
    return finding('warn', `default encryption ${algorithm} is not one this tool knows; check it by hand`, {
      algorithm,
    });
  }
  const keyId = byDefault.KMSMasterKeyID;
  const details = { algorithm, keyId: keyId ?? null };
  if (!keyId || /(^|:)alias\/aws\/s3$/.test(keyId)) {
    return finding(
      'fail',
      `default encryption uses the AWS managed key aws/s3, which another account can never use, so Prophecy's uploads fail; ${FIX_AWS_MANAGED}`,
      details,
    );
  }
  if (/(^|:)alias\//.test(keyId)) {
    return finding(
      'fail',
      `default encryption names the key by alias (${keyId}); S3 resolves an alias in the requester's account, so Prophecy's uploads would fail or be encrypted under a key of theirs; name the key by its full key ARN`,
      details,
    );
  }
  if (!KEY_ARN.test(keyId)) {
    return finding(
      'fail',
      `default encryption names the key by id (${keyId}); S3 resolves a bare key id in the requester's account, so Prophecy's uploads fail; name the key by its full key ARN`,
      details,
    );
  }
  const keyArn = keyId;
  const withKey = { ...details, keyArn };
  const key = input.key;
  if (key === undefined || isUnreadable(key)) {
    const why = key ? ` (${key.unreadable})` : '';
    return {
      ...finding(
        'warn',
        `could not describe the key ${keyArn}${why}; your identity needs kms:DescribeKey and kms:GetKeyPolicy on it. Tell Prophecy the key ARN`,
        withKey,
      ),
      keyArn,
    };
  }
  if (key.KeyManager === 'AWS') {
    return finding(
      'fail',
      `default encryption uses an AWS managed key (${key.Arn}), which another account can never use; ${FIX_AWS_MANAGED}`,
      withKey,
    );
  }
  const state = key.KeyState ?? 'Enabled';
  if (state !== 'Enabled') {
    const what =
      state === 'PendingDeletion'
        ? 'is pending deletion'
        : state === 'Disabled'
          ? 'is disabled'
          : `is in state ${state}`;
    return {
      ...finding(
        'fail',
        `the bucket's KMS key ${keyArn} ${what}, so S3 cannot encrypt any upload; enable it or choose another key`,
        { ...withKey, keyState: state },
      ),
      keyArn,
    };
  }
  const region = keyRegion(keyArn);
  if (region !== input.region) {
    return {
      ...finding(
        'fail',
        `the bucket's KMS key ${keyArn} is in ${region}, the bucket in ${input.region}; S3 uses only keys in the bucket's region`,
        { ...withKey, keyRegion: region },
      ),
      keyArn,
    };
  }
  if (input.keyPolicy === undefined || isUnreadable(input.keyPolicy)) {
    const why = input.keyPolicy ? ` (${input.keyPolicy.unreadable})` : '';
    return {
      ...finding(
        'warn',
        `could not read the key policy of ${keyArn}${why}: whether Prophecy's role may use the key is unknown; your identity needs kms:GetKeyPolicy on it (or ask the key's owner). Tell Prophecy the key ARN`,
        withKey,
      ),
      keyArn,
    };
  }
  let verdicts: KmsActionVerdict[];
  try {
    verdicts = judgeKeyPolicyActions(input.keyPolicy, keyArn, role, input.region);
  } catch (err) {
    if (!(err instanceof PolicyParseError)) throw err;
    return {
      ...finding('warn', `the key policy of ${keyArn} cannot be read: ${err.message}`, withKey),
      keyArn,
    };
  }
  const statement = generateKmsStatement(input.principals, input.region);
  const actionDetails = { ...withKey, actions: verdicts };
  const missing = verdicts.filter((v) => v.verdict === 'denied' || v.verdict === 'implicit-deny');
  if (missing.length > 0) {
    const reasons = [...new Set(missing.map((v) => v.reason))].join('; ');
    return {
      ...finding(
        'fail',
        `the key policy of ${keyArn} does not let Prophecy's role use the key for ${missing.map((v) => v.action).join(', ')} (${reasons}); add statement "${KMS_SID}" (setup --update-key-policy)`,
        { ...actionDetails, statement },
      ),
      keyArn,
    };
  }
  const conditional = verdicts.filter((v) => v.verdict === 'conditional');
  if (conditional.length > 0) {
    const keys = [...new Set(conditional.flatMap((v) => v.unknownKeys))];
    return {
      ...finding(
        'warn',
        `the key policy of ${keyArn} lets Prophecy's role use the key for ${conditional.map((v) => v.action).join(', ')} only depending on ${keys.join(', ') || 'a condition'}, not known for its requests (${conditional[0]?.reason}). Tell Prophecy the key ARN`,
        { ...actionDetails, statement },
      ),
      keyArn,
    };
  }
  const delegated = verdicts.filter((v) => v.delegated);
  if (delegated.length > 0) {
    const account = accountOf(role) ?? 'its account';
    return {
      ...finding(
        'warn',
        `the key policy of ${keyArn} grants ${delegated.map((v) => v.action).join(', ')} to Prophecy's whole account ${account} (root), which delegates the decision to that account's IAM policies; name the role instead (setup --update-key-policy). Tell Prophecy the key ARN`,
        { ...actionDetails, statement },
      ),
      keyArn,
    };
  }
  return {
    ...finding(
      'pass',
      `SSE-KMS with the customer managed key ${keyArn}; its key policy lets Prophecy's role use it through S3. Tell Prophecy the key ARN`,
      actionDetails,
    ),
    keyArn,
  };
}
