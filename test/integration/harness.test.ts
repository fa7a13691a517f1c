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

describe('without moto_server', () => {
  it('fails with a message saying what is missing instead of skipping', async () => {
    const { spawnSync } = await import('node:child_process');
    const launcher = new URL('../../scripts/moto-server.mjs', import.meta.url).href;
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { findMotoServer } from ${JSON.stringify(launcher)}; findMotoServer();`,
      ],
      { env: { PATH: '/nonexistent' }, encoding: 'utf8' },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/moto_server was not found on PATH/);
  });
});
