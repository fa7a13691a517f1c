import { Argument, Command } from '@commander-js/extra-typings';
import { examples, withBucketFlags, withPrincipalFlags } from '../shared/flags.js';

export const EXPORT_FORMATS = ['terraform', 'cloudformation'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function exportCommand() {
  const cmd = new Command('export')
    .description(
      'Print the bucket and its policy as Terraform (HCL) or a CloudFormation template (YAML) on stdout (no AWS credentials or network needed).',
    )
    .addArgument(new Argument('<format>', 'terraform or cloudformation').choices(EXPORT_FORMATS));
  return withPrincipalFlags(withBucketFlags(cmd))
    .option('--region <region>', 'region of the bucket (default us-east-1, which Prophecy recommends)')
    .option('--policy-only', 'only the bucket policy, for a bucket your code already defines')
    .option(
      '--kms-key-arn <arn>',
      "the customer-managed KMS key encrypting the bucket: also print the key-policy statement DataSync's role needs, to merge into the key's policy",
    )
    .addHelpText(
      'after',
      `\nThe templates use policy Version 2012-10-17 (the vendor page writes 2008-10-17; for this policy, which uses\nno policy variables, the two are equivalent). Check a template or a plan with \`verify --policy-file\`.\n${examples(
        [
          'prophecy-audit export terraform --suffix acme > prophecy-audit.tf',
          'prophecy-audit export cloudformation --suffix acme > prophecy-audit.yaml',
          'prophecy-audit export terraform --bucket my-existing-bucket --policy-only',
          'prophecy-audit export cloudformation --suffix acme --region eu-west-1 \\\n      --kms-key-arn arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        ],
      )}`,
    );
}

export type ExportFlags = ReturnType<ReturnType<typeof exportCommand>['opts']> & { format: ExportFormat };
