import { AthenaClient } from '@aws-sdk/client-athena';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_REGION } from '../core/vendor.js';
import { noteClientEndpoint, noteClientProfile } from './errors.js';
import type { AwsSettings } from './settings.js';

/**
 * Standard retry mode with 5 attempts in all (1 try + 4 retries, exponential back-off with jitter):
 * throttling (503 SlowDown), 500/502/504 and connection resets are retried before they become an error.
 */
export const MAX_ATTEMPTS = 5;

/**
 * Every client's HTTP handler gives up on a silent endpoint instead of waiting forever (the SDK's default):
 * connecting may take 10 s; the answer's headers must arrive within 60 s of sending; a body that stops
 * flowing for 60 s is abandoned. Each of these is a TimeoutError the standard retry mode retries, so an
 * endpoint that accepts and never answers ends in a `timeout` failure after MAX_ATTEMPTS tries.
 */
export const HTTP_TIMEOUTS = {
  connectionTimeout: 10_000,
  requestTimeout: 60_000,
  throwOnRequestTimeout: true,
  socketTimeout: 60_000,
} as const;

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
  const endpoint = resolveEndpoint(service, settings);
  return {
    region: regionOverride || resolveRegion(settings),
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard' as const,
    requestHandler: { ...HTTP_TIMEOUTS },
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

interface WithMiddleware {
  middlewareStack: {
    add(
      middleware: (next: (args: never) => Promise<unknown>) => (args: never) => Promise<unknown>,
      options: { step: 'initialize' | 'build'; name: string },
    ): void;
  };
}

interface WithSend {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** The scheme, host and port of the request a build-step middleware sees (the resolved endpoint). */
function endpointOf(args: unknown): string | undefined {
  const r = (args as { request?: { protocol?: string; hostname?: string; port?: number } }).request;
  if (!r?.hostname) return undefined;
  return `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}`;
}

/**
 * What every client gets. Every error a call of it throws (credentials included: they are resolved inside
 * the stack) carries the profile the client was made with — the one named, or AWS_PROFILE, which the SDK
 * uses then — and the endpoint the request went to, so the advice for a failure can name both without any
 * global; and every call is aborted by `settings.signal`.
 */
function instrument<C>(client: C, settings: AwsSettings, env: NodeJS.ProcessEnv = process.env): C {
  const profile = settings.profile || env.AWS_PROFILE || undefined;
  (client as unknown as WithMiddleware).middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        noteClientProfile(err, profile);
        throw err;
      }
    },
    { step: 'initialize', name: 'prophecyAuditProfile' },
  );
  // The build step sees the request with its endpoint resolved, and wraps the retries: the error it sees
  // is the final one, and the endpoint is the one the last attempt went to.
  (client as unknown as WithMiddleware).middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        noteClientEndpoint(err, endpointOf(args));
        throw err;
      }
    },
    { step: 'build', name: 'prophecyAuditEndpoint' },
  );
  return abortWith(client, settings.signal);
}

/**
 * Every call of the client is aborted when `signal` fires (a command's overall deadline), together with any
 * signal the call passes itself: the request in flight is destroyed and a retry's back-off cut short.
 */
function abortWith<C>(client: C, signal: AbortSignal | undefined): C {
  if (!signal) return client;
  const c = client as unknown as WithSend;
  const send = c.send.bind(c);
  c.send = (command, options) =>
    send(command, {
      ...options,
      abortSignal: options?.abortSignal ? AbortSignal.any([options.abortSignal, signal]) : signal,
    });
  return client;
}

export function createS3(settings: AwsSettings, regionOverride?: string): S3Client {
  const config = common('s3', settings, regionOverride);
  return instrument(
    new S3Client({
      ...config,
      // A custom endpoint (moto, MinIO, LocalStack) rarely has wildcard DNS: address buckets by path.
      forcePathStyle: config.endpoint !== undefined,
      followRegionRedirects: true,
    }),
    settings,
  );
}

export function createSts(settings: AwsSettings): STSClient {
  return instrument(new STSClient(common('sts', settings)), settings);
}

export function createKms(settings: AwsSettings, regionOverride?: string): KMSClient {
  return instrument(new KMSClient(common('kms', settings, regionOverride)), settings);
}

export function createAthena(settings: AwsSettings, regionOverride?: string): AthenaClient {
  return instrument(new AthenaClient(common('athena', settings, regionOverride)), settings);
}
