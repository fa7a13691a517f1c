import { Command, Option } from '@commander-js/extra-typings';
import { OPERATORS } from '../../aws/operations.js';
import { examples, withBucketFlags, withPrincipalFlags } from '../shared/flags.js';

export function policyPrintCommand() {
  const cmd = new Command('print').description(
    'Print the bucket policy as JSON on stdout (no AWS credentials or network needed); with --kms-statement, the KMS key-policy statement instead.',
  );
  return withPrincipalFlags(withBucketFlags(cmd))
    .addOption(
      new Option(
        '--operator <command>',
        'instead, print the IAM identity policy the given command of this tool needs (for the role or user that runs it)',
      ).choices(OPERATORS),
    )
    .option(
      '--kms-key-arn <arn>',
      "with --operator: the customer-managed KMS key that encrypts the bucket, so the key's actions are included",
    )
    .option(
      '--kms-statement',
      "print the statement a customer managed KMS key's policy needs for an SSE-KMS bucket (Sid ProphecyDataSyncKmsAccess: Prophecy's role may use the key through S3 only), for the key's owners to review",
    )
    .option(
      '--region <region>',
      "with --kms-statement: the bucket's region, named in its kms:ViaService condition (default us-east-1)",
    )
    .addHelpText(
      'after',
      `\nExit codes: 0 printed, 2 bad flags (nothing on stdout).${examples([
        'prophecy-audit policy print --suffix acme',
        'prophecy-audit policy print --suffix acme | jq .Statement[0].Action',
        'prophecy-audit policy print --bucket prophecy-customer-backend-events-acme > policy.json',
        'prophecy-audit policy print --suffix acme --operator verify > verify-role-policy.json',
        'prophecy-audit policy print --kms-statement --suffix acme --region eu-west-1',
      ])}`,
    );
}

export type PolicyPrintFlags = ReturnType<ReturnType<typeof policyPrintCommand>['opts']>;
