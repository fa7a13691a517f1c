import { isNotFound } from '../../aws/errors.js';
import type { AwsClientFactory } from '../../aws/factory.js';
import { listObjects, openObject } from '../../aws/objects.js';
import { CliError } from '../../errors.js';
import type { OpenedSource } from './source.js';

const notFound = (err: unknown) => isNotFound(err) || isNotFound((err as { cause?: unknown }).cause);

/** The bucket's objects under `prefix`, through the S3 client of `aws` (created here, destroyed by close). */
export async function s3Source(
  aws: AwsClientFactory,
  bucket: string,
  prefix: string | undefined,
): Promise<OpenedSource> {
  const s3 = await aws.s3();
  return {
    source: {
      async *list(signal) {
        try {
          yield* listObjects(s3, bucket, prefix, signal);
        } catch (err) {
          if (notFound(err)) {
            throw new CliError(`Bucket ${bucket} does not exist (or is not visible to your identity).`, {
              hint: 'Check --suffix/--bucket, --region and --profile.',
            });
          }
          throw err;
        }
      },
      open: (key, signal) => openObject(s3, bucket, key, signal),
      isGone: notFound,
    },
    close: () => s3.destroy(),
  };
}
