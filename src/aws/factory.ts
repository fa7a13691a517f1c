import type { AthenaClient } from '@aws-sdk/client-athena';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';

import type { AwsSettings } from './settings.js';

export type { AwsSettings };

/**
 * Clients for one set of settings. Each method loads its SDK package on first use, so commands that
 * never reach AWS (policy print, --dir queries, --help) never pay for it.
 */
export interface AwsClientFactory {
  readonly settings: AwsSettings;
  s3(region?: string): Promise<S3Client>;
  sts(): Promise<STSClient>;
  kms(region?: string): Promise<KMSClient>;
  athena(region?: string): Promise<AthenaClient>;
}

export function awsClientFactory(settings: AwsSettings): AwsClientFactory {
  return {
    settings,
    s3: async (region) => (await import('./clients.js')).createS3(settings, region),
    sts: async () => (await import('./clients.js')).createSts(settings),
    kms: async (region) => (await import('./clients.js')).createKms(settings, region),
    athena: async (region) => (await import('./clients.js')).createAthena(settings, region),
  };
}
