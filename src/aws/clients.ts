import { AthenaClient } from '@aws-sdk/client-athena';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_REGION } from '../core/vendor.js';
import { setActiveProfile } from './errors.js';
import type { AwsSettings } from './settings.js';

/**
 * Standard retry mode with 5 attempts in all (1 try + 4 retries, exponential back-off with jitter):
 * throttling (503 SlowDown), 500/502/504 and connection resets are retried before they become an error.
 */
export const MAX_ATTEMPTS = 5;

type Service = 's3' | 'sts' | 'kms' | 'athena';

const SERVICE_ENDPOINT_VARIABLE: Record<Service, string> = {
  s3: 'AWS_ENDPOINT_URL_S3',
  sts: 'AWS_ENDPOINT_URL_STS',
  kms: 'AWS_ENDPOINT_URL_KMS',
  athena: 'AWS_ENDPOINT_URL_ATHENA',
};

export function resolveEndpoint(
  service: Service,
  settings: AwsSettings,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return settings.endpointUrl || env[SERVICE_ENDPOINT_VARIABLE[service]] || env.AWS_ENDPOINT_URL || undefined;
}

/** --region, then AWS_REGION / AWS_DEFAULT_REGION, then us-east-1; S3 follows region redirects anyway. */
export function resolveRegion(settings: AwsSettings, env: NodeJS.ProcessEnv = process.env): string {
  return settings.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;
}

function common(service: Service, settings: AwsSettings, regionOverride?: string) {
  setActiveProfile(settings.profile);
  const endpoint = resolveEndpoint(service, settings);
  return {
    region: regionOverride || resolveRegion(settings),
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard' as const,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

export function createS3(settings: AwsSettings, regionOverride?: string): S3Client {
  const config = common('s3', settings, regionOverride);
  return new S3Client({
    ...config,
    // A custom endpoint (moto, MinIO, LocalStack) rarely has wildcard DNS: address buckets by path.
    forcePathStyle: config.endpoint !== undefined,
    followRegionRedirects: true,
  });
}

export function createSts(settings: AwsSettings): STSClient {
  return new STSClient(common('sts', settings));
}

export function createKms(settings: AwsSettings, regionOverride?: string): KMSClient {
  return new KMSClient(common('kms', settings, regionOverride));
}

export function createAthena(settings: AwsSettings, regionOverride?: string): AthenaClient {
  return new AthenaClient(common('athena', settings, regionOverride));
}
