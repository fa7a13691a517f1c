import { GetKeyPolicyCommand, type KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { awsCall } from './errors.js';

/**
 * The KMS calls `revoke --key-policy` makes: read a key's policy and write it back without this tool's
 * statement. Every key has exactly one policy, named "default".
 */

const POLICY_NAME = 'default';

export async function getKeyPolicy(kms: KMSClient, keyId: string): Promise<string> {
  const out = await awsCall(
    { operation: 'kms:GetKeyPolicy', action: 'kms:GetKeyPolicy', resource: keyId },
    () => kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: POLICY_NAME })),
  );
  return out.Policy ?? '';
}

/** KMS keeps its lock-out safety check: a policy that would lock the caller out is refused, not written. */
export async function putKeyPolicy(kms: KMSClient, keyId: string, policyText: string): Promise<void> {
  await awsCall({ operation: 'kms:PutKeyPolicy', action: 'kms:PutKeyPolicy', resource: keyId }, () =>
    kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: POLICY_NAME, Policy: policyText })),
  );
}
