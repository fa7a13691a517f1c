import { Command } from '@commander-js/extra-typings';
import { examples, withAwsFlags, withBucketFlags, withPrincipalFlags } from '../shared/flags.js';

export function setupCommand() {
  const cmd = new Command('setup').description(
    'Create (or fix) the audit-log bucket: ask for suffix and region, show the plan, confirm, apply, check, and print what to send Prophecy.',
  );
  return withPrincipalFlags(
    withAwsFlags(
      withBucketFlags(cmd),
      'region for the bucket (default us-east-1, which Prophecy recommends)',
    ),
  )
    .option('-y, --yes', 'apply the plan without asking (required when stdin is not a terminal)')
    .option('--dry-run', 'show the plan and change nothing')
    .option('--json', 'print the plan/result as JSON on stdout')
    .option(
      '--update-key-policy',
      "when the bucket's default encryption uses a customer managed KMS key that does not let Prophecy's role use it: merge statement ProphecyDataSyncKmsAccess into the key policy (kms:PutKeyPolicy); without it that is a manual step and the final check fails",
    )
    .addHelpText(
      'after',
      `\nSafe to re-run: it merges into an existing policy (never drops your statements) and deletes nothing.\nIt never changes the bucket's default encryption or Requester Pays: with the AWS managed key aws/s3 (or\nanother key problem a key policy cannot fix) or Requester Pays on, it stops before applying (exit 2) with the fix.\nExit codes: 0 done and every check passed, 1 applied but a check of the result failed (e.g. the key policy\nleft as a manual step), 2 input/AWS error or a setting setup does not change, 130 aborted (nothing changed).${examples(
        [
          'npx prophecy-audit setup',
          'prophecy-audit setup --suffix acme --region us-east-1 --yes',
          'prophecy-audit setup --suffix acme --dry-run --json',
          'prophecy-audit setup --suffix acme --yes --update-key-policy   # SSE-KMS bucket with your own key',
        ],
      )}`,
    );
}

export type SetupFlags = ReturnType<ReturnType<typeof setupCommand>['opts']>;
