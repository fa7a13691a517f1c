import { generateKmsStatement, KMS_SID } from './kms-judge.js';
import type { PolicyDocument, VendorPrincipals } from './policy.js';
import { mergeOwnedStatements, type PolicyKind, type PolicyMerge, parsePolicy } from './policy-merge.js';

/** The KMS judge and statement generator, and (here) merging our statement into a key policy. */
export * from './kms-judge.js';

// ---- merging our statement into the key policy ---------------------------------------------------

const KEY_POLICY: PolicyKind = {
  stored: 'The KMS key has a key policy',
  hint: `Fix that key policy (KMS console → the key → Key policy) and run setup again, or add the statement from \`prophecy-audit policy print --kms-statement\` by hand.`,
};

/** KMS accepts only the 2012-10-17 language; a stored key policy always carries it. */
const KEY_POLICY_VERSION = '2012-10-17';

/** Parses a stored key policy; throws a CliError (exit 2) rather than rewrite something it cannot read. */
export function parseKeyPolicy(text: string): PolicyDocument {
  return parsePolicy(text, KEY_POLICY);
}

/**
 * Our statement merged into the key policy by the bucket policy's rules: other statements untouched, ours
 * compared by meaning and replaced where it stands, a re-run changes nothing. There is no "create": every
 * key has a policy, and writing one from scratch would lock its owners out.
 */
export function mergeKeyPolicy(
  currentText: string,
  principals: VendorPrincipals,
  region: string,
): PolicyMerge {
  return mergeOwnedStatements(
    parseKeyPolicy(currentText),
    currentText,
    [generateKmsStatement(principals, region)],
    {
      owned: [KMS_SID],
      version: (v) => v ?? KEY_POLICY_VERSION,
    },
  );
}
