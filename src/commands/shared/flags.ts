import type { Command, OptionValues } from '@commander-js/extra-typings';

/*
 * Flag groups several commands share. Each helper keeps commander's inferred option type, so a command's
 * `Flags` type is exactly what its declared options produce.
 */

export function withBucketFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .option('--suffix <suffix>', 'bucket suffix: the bucket is prophecy-customer-backend-events-<suffix>')
    .option('--bucket <name>', 'full bucket name, instead of --suffix');
}

export function withAwsFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
  regionHelp: string,
) {
  return cmd
    .option('--profile <name>', 'AWS profile from ~/.aws/config (default: AWS_PROFILE or the default chain)')
    .option('--region <region>', regionHelp)
    .option(
      '--endpoint-url <url>',
      'S3/STS endpoint to use instead of AWS (also AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL); implies path-style addressing',
    );
}

export function withPrincipalFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .option('--datasync-role-arn <arn>', "Prophecy's DataSync role, if Prophecy gave you a different one")
    .option('--location-user-arn <arn>', "Prophecy's s3access user, if Prophecy gave you a different one");
}

export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
