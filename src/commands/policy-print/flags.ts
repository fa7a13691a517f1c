import { Command } from '@commander-js/extra-typings';
import { examples, withBucketFlags, withPrincipalFlags } from '../shared/flags.js';

export function policyPrintCommand() {
  const cmd = new Command('print').description(
    'Print the bucket policy as JSON on stdout (no AWS credentials or network needed).',
  );
  return withPrincipalFlags(withBucketFlags(cmd)).addHelpText(
    'after',
    examples([
      'prophecy-audit policy print --suffix acme',
      'prophecy-audit policy print --suffix acme | jq .Statement[0].Action',
      'prophecy-audit policy print --bucket prophecy-customer-backend-events-acme > policy.json',
    ]),
  );
}

export type PolicyPrintFlags = ReturnType<ReturnType<typeof policyPrintCommand>['opts']>;
