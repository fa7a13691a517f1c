import { Command } from '@commander-js/extra-typings';
import { examples, withAwsFlags, withBucketFlags, withPrincipalFlags } from '../shared/flags.js';

export function verifyCommand() {
  const cmd = new Command('verify').description(
    "Check that Prophecy's DataSync can deliver into the bucket: existence, region, ownership, policy grants (conditions evaluated for Prophecy's requests), least privilege, public access, default encryption and its KMS key, Requester Pays, versioning, freshness.",
  );
  return withPrincipalFlags(
    withAwsFlags(withBucketFlags(cmd), 'region the bucket is expected in (default us-east-1)'),
  )
    .option('--json', 'print one JSON document on stdout (schemaVersion 1)')
    .option('--strict', 'treat warnings as failures (exit 1)')
    .option('--quiet', 'print only failed checks')
    .option('--max-age <duration>', 'fail unless the newest object is younger than this (e.g. 26h, 2d)')
    .option(
      '--policy-file <path>',
      'check a bucket policy JSON, a CloudFormation template or `terraform show -json` output instead of the live bucket, offline (no AWS call, no credentials); - reads stdin',
    )
    .option(
      '--timeout <duration>',
      'give up after this long, naming the call that did not answer (exit 2); default 5m',
    )
    .addHelpText(
      'after',
      `\nIt only reads. Needs on the bucket s3:ListBucket, s3:GetBucketLocation, s3:GetBucketOwnershipControls,\ns3:GetBucketPublicAccessBlock, s3:GetBucketPolicy, s3:GetEncryptionConfiguration, s3:GetBucketRequestPayment,\ns3:GetBucketVersioning, s3:GetBucketObjectLockConfiguration; for an SSE-KMS key also kms:DescribeKey and\nkms:GetKeyPolicy. Your organization's SCPs/RCPs are not visible from a member account and can still block Prophecy.\nExit codes: 0 all checks passed; 1 a check failed (or warned, with --strict), e.g. a guardrail Deny or a KMS key\npolicy that blocks Prophecy; 2 could not check.${examples(
        [
          'prophecy-audit verify --suffix acme',
          'prophecy-audit verify --suffix acme --max-age 26h --quiet   # in a crontab',
          'prophecy-audit verify --suffix acme --timeout 1m',
          'prophecy-audit verify --bucket my-bucket --region eu-west-1 --json | jq .ok',
          'prophecy-audit policy print --suffix acme | prophecy-audit verify --policy-file - --suffix acme',
          'terraform show -json plan.out | prophecy-audit verify --policy-file - --suffix acme',
          'prophecy-audit verify --policy-file template.yaml --suffix acme',
          'prophecy-audit verify --suffix acme --json | jq \'.checks[] | select(.id=="encryption") | .details.keyArn\'',
        ],
      )}`,
    );
}

export type VerifyFlags = ReturnType<ReturnType<typeof verifyCommand>['opts']>;
