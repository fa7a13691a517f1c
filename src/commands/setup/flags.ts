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
    .addHelpText(
      'after',
      `\nSafe to re-run: it merges into an existing policy (never drops your statements) and deletes nothing.\nExit codes: 0 done and every check passed, 1 applied but a check of the result failed, 2 input/AWS error,\n130 aborted (nothing changed).${examples(
        [
          'npx prophecy-audit setup',
          'prophecy-audit setup --suffix acme --region us-east-1 --yes',
          'prophecy-audit setup --suffix acme --dry-run --json',
        ],
      )}`,
    );
}

export type SetupFlags = ReturnType<ReturnType<typeof setupCommand>['opts']>;
