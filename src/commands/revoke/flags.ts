import { Command } from '@commander-js/extra-typings';
import { examples, withAwsFlags, withBucketFlags, withPrincipalFlags } from '../shared/flags.js';

export function revokeCommand() {
  const cmd = new Command('revoke').description(
    "End Prophecy's access to the audit-log bucket: remove the bucket-policy statements setup added (and, with --key-policy, its KMS key-policy statement), keeping your statements, the bucket and its objects; then check that no access remains.",
  );
  return withPrincipalFlags(
    withAwsFlags(withBucketFlags(cmd), 'region to call first (the bucket is found in its own region)'),
  )
    .option('-y, --yes', 'apply the plan without asking (required when stdin is not a terminal)')
    .option('--dry-run', 'show the plan and change nothing')
    .option('--json', 'print the plan (with --dry-run) or the result as JSON on stdout')
    .option(
      '--key-policy',
      "also remove the statement setup --update-key-policy added to the bucket's KMS key policy",
    )
    .addHelpText(
      'after',
      `\nRemoves only what setup added (by Sid); never deletes the bucket, its objects, encryption, ownership or\nBlock Public Access settings. Other statements that still let Prophecy in are listed as warnings, not changed.\nAfter an intentional revoke, remove the \`prophecy-audit verify\` cron entry for this bucket.\nExit codes: 0 done and no access remains, 1 applied but some access remains (the statement is named),\n2 input/AWS error or the policy changed since the plan (nothing more written), 130 aborted (nothing changed).${examples(
        [
          'prophecy-audit revoke --suffix acme',
          'prophecy-audit revoke --suffix acme --dry-run --json',
          'prophecy-audit revoke --bucket my-audit-bucket --key-policy --yes',
        ],
      )}`,
    );
}

export type RevokeFlags = ReturnType<ReturnType<typeof revokeCommand>['opts']>;
