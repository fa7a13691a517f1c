import { CreateKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { generatePolicy } from '../../src/core/policy.js';
import { testS3, uniqueSuffix } from './run-cli.js';

/** Buckets and KMS keys made with the SDK directly against moto, for the encryption-chain tests. */

export const PREFIX = 'prophecy-customer-backend-events-';
export const ACCOUNT = '123456789012';
export const ROLE = 'arn:aws:iam::133450206866:role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole';

export function testKms(endpoint: string): KMSClient {
  return new KMSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

export const ADMIN = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: 'kms:*',
  Resource: '*',
};

export const PROPHECY_KMS = {
  Sid: 'ProphecyDataSyncKmsAccess',
  Effect: 'Allow',
  Principal: { AWS: ROLE },
  Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
  Resource: '*',
  Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
};

/** A customer managed key with the given key-policy statements. */
export async function customerKey(endpoint: string, statements: unknown[]): Promise<string> {
  const out = await testKms(endpoint).send(new CreateKeyCommand({ Description: 'prophecy-audit test' }));
  const arn = out.KeyMetadata?.Arn as string;
  await testKms(endpoint).send(
    new PutKeyPolicyCommand({
      KeyId: arn,
      PolicyName: 'default',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    }),
  );
  return arn;
}

export async function keyPolicyOf(endpoint: string, arn: string): Promise<{ Statement: { Sid?: string }[] }> {
  const out = await testKms(endpoint).send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: 'default' }));
  return JSON.parse(out.Policy as string);
}

/** The vendor bucket (policy, ownership, all four Block Public Access settings), plus what `extra` adds. */
export async function vendorBucket(
  endpoint: string,
  tag: string,
  extra: {
    encryption?: { SSEAlgorithm: 'AES256' | 'aws:kms'; KMSMasterKeyID?: string };
    region?: string;
  } = {},
): Promise<{ suffix: string; bucket: string; s3: S3Client }> {
  const suffix = uniqueSuffix(tag);
  const bucket = PREFIX + suffix;
  const region = extra.region ?? 'us-east-1';
  const s3 = testS3(endpoint, region);
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ObjectOwnership: 'BucketOwnerEnforced',
      ...(region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } }),
    }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  await s3.send(
    new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(generatePolicy(bucket)) }),
  );
  if (extra.encryption) {
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: extra.encryption }],
        },
      }),
    );
  }
  return { suffix, bucket, s3 };
}
