import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';
import { testS3, uniqueSuffix } from '../helpers/run-cli.js';

describe('moto harness', () => {
  it('serves S3 on loopback', async () => {
    const endpoint = inject('motoEndpoint');
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const s3 = testS3(endpoint);
    const bucket = `harness-${uniqueSuffix('h')}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(head.$metadata.httpStatusCode).toBe(200);
  });
});
