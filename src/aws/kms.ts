import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  type KMSClient,
  PutKeyPolicyCommand,
} from '@aws-sdk/client-kms';
import type { KmsKeyInfo } from '../core/kms.js';
import { awsCall } from './errors.js';

/*
 * The KMS calls verify and setup make on the key a bucket's default encryption names. This module (and with
 * it @aws-sdk/client-kms) is loaded only when a bucket uses SSE-KMS with a key ARN.
 */

/** A key policy's only name: KMS keys have exactly one policy, called `default`. */
export const KEY_POLICY_NAME = 'default';

export async function describeKey(kms: KMSClient, keyArn: string): Promise<KmsKeyInfo> {
  const out = await awsCall(
    { operation: 'kms:DescribeKey', action: 'kms:DescribeKey', resource: keyArn },
    () => kms.send(new DescribeKeyCommand({ KeyId: keyArn })),
  );
  const m = out.KeyMetadata;
  return { Arn: m?.Arn ?? keyArn, KeyManager: m?.KeyManager, KeyState: m?.KeyState };
}

export async function getKeyPolicy(kms: KMSClient, keyArn: string): Promise<string> {
  const out = await awsCall(
    { operation: 'kms:GetKeyPolicy', action: 'kms:GetKeyPolicy', resource: keyArn },
    () => kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: KEY_POLICY_NAME })),
  );
  return out.Policy ?? '';
}

/** Writes the whole key policy (KMS has no statement-level call); setup sends the merged text. */
export async function putKeyPolicy(kms: KMSClient, keyArn: string, policyText: string): Promise<void> {
  await awsCall({ operation: 'kms:PutKeyPolicy', action: 'kms:PutKeyPolicy', resource: keyArn }, () =>
    kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: KEY_POLICY_NAME, Policy: policyText })),
  );
}
