import { type Finding, isUnreadable, type Unreadable } from '../finding.js';
import { type EncryptionFinding, judgeEncryption, KMS_SID, keyRegion } from '../kms-judge.js';
import type { ReadResult } from './reads.js';
import { type CheckResult, defineCheck, fail } from './types.js';

/** A refused read, as the feature judges take it. */
export function unreadable(r: ReadResult<unknown>): Unreadable | undefined {
  return r.status === 'denied' ? { unreadable: 'access denied' } : undefined;
}

/** A judge's Finding as this check's result, with its fix text when it has one. */
export function asResult<Id extends string>(id: Id, f: Finding, fix?: string): CheckResult<Id> {
  const r: CheckResult<Id> = { id, status: f.status, message: f.message };
  if (f.details !== undefined) r.details = f.details;
  if (fix !== undefined) r.fix = fix;
  return r;
}

function withKeyArn(f: EncryptionFinding): Finding {
  if (!f.keyArn) return f;
  const details = (typeof f.details === 'object' && f.details !== null ? f.details : {}) as Record<
    string,
    unknown
  >;
  return { ...f, details: { ...details, keyArn: f.keyArn } };
}

export const encryptionCheck = defineCheck({
  id: 'encryption',
  title: "S3 can encrypt Prophecy's uploads with the bucket's default encryption (and its KMS key)",
  reads: ['encryption', 'kmsKey', 'kmsKeyPolicy', 'location', 'policy'],
  needsBucket: true,
  outcomes: {
    pass: "SSE-S3 (or no configuration), or SSE-KMS with a customer managed key whose key policy lets Prophecy's role use it through S3 (the key ARN is shown: Prophecy names it in their role's policy)",
    warn: "the key or its key policy could not be read (kms:DescribeKey / kms:GetKeyPolicy, e.g. a key of another account), the grant depends on an unknown condition key, or it names Prophecy's whole account (root)",
    fail: `the AWS managed key aws/s3 (another account can never use it); a key named by alias or bare id; a customer managed key that is disabled, pending deletion, missing or in another region; a key policy without kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey* for Prophecy's role (the fix is statement "${KMS_SID}", \`setup --update-key-policy\`); a bucket that requires SSE-C`,
  },
  judge({ bucket, expectedRegion, principals, reads }) {
    const enc = reads.encryption;
    if (enc.status === 'missing') return undefined;
    const region = reads.location.status === 'ok' ? reads.location.value : expectedRegion;
    const rules = enc.status === 'ok' ? enc.value : (unreadable(enc) as Unreadable);
    const k = reads.kmsKey;
    if (k.status === 'ok' && k.value && 'notFound' in k.value) {
      return fail(
        'encryption',
        `the bucket's default encryption names the KMS key ${k.value.arn}, which does not exist in ${keyRegion(k.value.arn) ?? 'its region'} (kms:DescribeKey: not found), so S3 cannot encrypt any upload; choose an existing customer managed key or SSE-S3`,
        { algorithm: 'aws:kms', keyArn: k.value.arn, keyState: 'NotFound' },
      );
    }
    const key = k.status === 'ok' ? (k.value && 'key' in k.value ? k.value.key : undefined) : unreadable(k);
    const p = reads.kmsKeyPolicy;
    const keyPolicy = p.status === 'ok' ? (p.value?.policy ?? undefined) : unreadable(p);
    const bucketPolicy = reads.policy.status === 'ok' ? reads.policy.value : undefined;
    const f = judgeEncryption({
      bucket,
      region,
      principals,
      rules,
      key,
      keyPolicy,
      ...(bucketPolicy !== undefined ? { bucketPolicy } : {}),
    });
    const statement =
      typeof f.details === 'object' && f.details !== null
        ? (f.details as { statement?: unknown }).statement
        : undefined;
    const fix =
      f.status !== 'pass' && statement !== undefined && !isUnreadable(key)
        ? `Add this statement to the key policy of ${f.keyArn} (or run \`prophecy-audit setup --update-key-policy\`):\n${JSON.stringify(statement, null, 2)}`
        : undefined;
    return asResult('encryption', withKeyArn(f), fix);
  },
});
