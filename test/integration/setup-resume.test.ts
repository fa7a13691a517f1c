import { createServer, request, type Server } from 'node:http';
import { GetBucketPolicyCommand, GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli, testS3, uniqueSuffix } from '../helpers/run-cli.js';

const endpoint = inject('motoEndpoint');

/**
 * A loopback proxy in front of moto that refuses PutBucketPolicy with a real S3 AccessDenied answer.
 * Moto accepts every policy, so this is the only way to see setup fail half-way through its plan;
 * every other request reaches the emulator unchanged.
 */
function startFaultyProxy(target: URL): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', target);
    if (req.method === 'PUT' && url.searchParams.has('policy')) {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>FAULT1</RequestId></Error>',
      );
      return;
    }
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` });
    });
  });
}

describe('setup stopped half-way', () => {
  let proxy: { server: Server; url: string };
  beforeAll(async () => {
    proxy = await startFaultyProxy(new URL(endpoint));
  });
  afterAll(() => new Promise<void>((r) => proxy.server.close(() => r())));

  it('says what completed and what failed, and a re-run resumes', async () => {
    const suffix = uniqueSuffix('resume');
    const bucket = `prophecy-customer-backend-events-${suffix}`;

    const first = await runCli(['setup', '--suffix', suffix, '--yes'], { endpoint: proxy.url });
    expect(first.code).toBe(2);
    expect(first.stdout).toBe('');
    expect(first.stderr).toMatch(/Completed: Bucket .*; Block Public Access.*\. Failed: Bucket policy/);
    expect(first.stderr).toMatch(
      /Access denied calling PutBucketPolicy: your identity is missing s3:PutBucketPolicy/,
    );
    expect(first.stderr).toMatch(/Running setup again resumes/);
    // The steps before the failure really happened; the policy did not.
    const pab = await testS3(endpoint).send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(pab.PublicAccessBlockConfiguration?.BlockPublicPolicy).toBe(true);
    await expect(testS3(endpoint).send(new GetBucketPolicyCommand({ Bucket: bucket }))).rejects.toMatchObject(
      {
        name: expect.stringMatching(/NoSuchBucketPolicy|S3ServiceException/),
      },
    );

    const second = await runCli(['setup', '--suffix', suffix, '--yes'], { endpoint });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/1\. \[no change\] Bucket/);
    expect(second.stderr).toMatch(/3\. \[no change\] Block Public Access/);
    expect(second.stderr).toMatch(/4\. \[create\] Bucket policy/);
    const policy = await testS3(endpoint).send(new GetBucketPolicyCommand({ Bucket: bucket }));
    expect(JSON.parse(policy.Policy as string).Statement).toHaveLength(2);
  });
});
