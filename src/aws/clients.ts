import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsOptions } from '../cli.js';
import { DEFAULT_REGION } from '../core/vendor.js';
import { setActiveProfile } from './errors.js';

/**
 * Standard retry mode with 5 attempts in all (1 try + 4 retries, exponential back-off with jitter):
 * throttling (503 SlowDown), 500/502/504 and connection resets are retried before they become an error.
 */
export const MAX_ATTEMPTS = 5;

export interface ClientSettings {
  region: string;
  endpoint: string | undefined;
  profile: string | undefined;
}

export function resolveEndpoint(
  service: 's3' | 'sts',
  opts: AwsOptions,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const specific = service === 's3' ? env.AWS_ENDPOINT_URL_S3 : env.AWS_ENDPOINT_URL_STS;
  return opts.endpointUrl || specific || env.AWS_ENDPOINT_URL || undefined;
}

/** --region, then AWS_REGION / AWS_DEFAULT_REGION, then us-east-1; S3 follows region redirects anyway. */
export function resolveRegion(opts: AwsOptions, env: NodeJS.ProcessEnv = process.env): string {
  return opts.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;
}

export function clientSettings(service: 's3' | 'sts', opts: AwsOptions): ClientSettings {
  setActiveProfile(opts.profile);
  return { region: resolveRegion(opts), endpoint: resolveEndpoint(service, opts), profile: opts.profile };
}

function common(settings: ClientSettings) {
  return {
    region: settings.region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard' as const,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  };
}

export function createS3(opts: AwsOptions, regionOverride?: string): S3Client {
  const settings = clientSettings('s3', opts);
  if (regionOverride) settings.region = regionOverride;
  return new S3Client({
    ...common(settings),
    // A custom endpoint (moto, MinIO, LocalStack) rarely has wildcard DNS: address buckets by path.
    forcePathStyle: settings.endpoint !== undefined,
    followRegionRedirects: true,
  });
}

export function createSts(opts: AwsOptions): STSClient {
  return new STSClient(common(clientSettings('sts', opts)));
}
