import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isOperation, type Operator, operationsOf } from '../../src/aws/operations.js';
import type { IdentityPolicy } from '../../src/aws/permissions.js';
import { generateExport } from '../../src/synthetic/export.js';
import { uploadObjects } from '../../src/synthetic/export-io.js';
import { type FaultProxy, type SeenRequest, startFaultProxy } from '../helpers/fault-proxy.js';
import { runCli, testS3, uniqueSuffix } from '../helpers/run-cli.js';

/**
 * Issue 12 §5: every AWS operation a command sends is in that command's entry of the operation table
 * (src/aws/operations.ts), and the identity policy `policy print --operator` prints for it allows it. Each
 * command runs against moto through the fault proxy, which records every request; each request is mapped
 * back to its operation from what is on the wire.
 */

const endpoint = inject('motoEndpoint');
const PREFIX = 'prophecy-customer-backend-events-';

/** The operation a recorded request is, by the table's names; `?<method> <path>` when it is none we know. */
function operationOf(r: SeenRequest): string {
  const auth = String(r.headers.authorization ?? '');
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1];
  const target = r.headers['x-amz-target'];
  if (typeof target === 'string') {
    const name = target.split('.').pop() ?? target;
    return service === 'kms' ? `kms:${name}` : name;
  }
  if (service === 'sts') return `sts:${new URLSearchParams(r.body).get('Action') ?? '?'}`;
  const q = r.url.searchParams;
  const path = r.url.pathname.split('/').filter(Boolean);
  const xId = q.get('x-id');
  if (xId) return xId;
  if (path.length === 0) return r.method === 'GET' ? 'ListBuckets' : `?${r.method} /`;
  if (path.length > 1) {
    if (r.method === 'GET') return 'GetObject';
    if (r.method === 'HEAD') return 'HeadObject';
    if (r.method === 'PUT') return 'PutObject';
    if (r.method === 'DELETE') return 'DeleteObject';
  }
  const sub: Record<string, Record<string, string>> = {
    GET: {
      location: 'GetBucketLocation',
      ownershipControls: 'GetBucketOwnershipControls',
      publicAccessBlock: 'GetPublicAccessBlock',
      policy: 'GetBucketPolicy',
      encryption: 'GetBucketEncryption',
      versioning: 'GetBucketVersioning',
      requestPayment: 'GetBucketRequestPayment',
      'object-lock': 'GetObjectLockConfiguration',
    },
    PUT: {
      ownershipControls: 'PutBucketOwnershipControls',
      publicAccessBlock: 'PutPublicAccessBlock',
      policy: 'PutBucketPolicy',
    },
    DELETE: { policy: 'DeleteBucketPolicy' },
  };
  for (const [param, name] of Object.entries(sub[r.method] ?? {})) if (q.has(param)) return name;
  if (r.method === 'GET' && q.get('list-type') === '2') return 'ListObjectsV2';
  if (r.method === 'HEAD' && [...q.keys()].length === 0) return 'HeadBucket';
  if (r.method === 'PUT' && [...q.keys()].length === 0) return 'CreateBucket';
  return `?${r.method} ${r.url.pathname}${r.url.search}`;
}

/** The resource ARN a recorded S3 request acts on (path-style addressing), for the printed policy. */
function resourceOf(r: SeenRequest): string | undefined {
  const path = decodeURIComponent(r.url.pathname).split('/').filter(Boolean);
  if (path.length === 0) return '*';
  return path.length === 1 ? `arn:aws:s3:::${path[0]}` : `arn:aws:s3:::${path.join('/')}`;
}

function allows(policy: IdentityPolicy, action: string, resource: string): boolean {
  const matches = (pattern: string, value: string) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
  return policy.Statement.some(
    (s) => s.Action.includes(action) && [s.Resource].flat().some((pattern) => matches(pattern, resource)),
  );
}

/** What one command sent: every operation, in order, with the request it came from. */
async function record(
  command: Operator,
  args: string[],
  expectCode: number[] = [0],
): Promise<{ op: string; req: SeenRequest }[]> {
  const proxy: FaultProxy = await startFaultProxy(endpoint);
  try {
    const r = await runCli(args, { endpoint: proxy.url });
    expect(expectCode, `${command}: ${r.stderr}`).toContain(r.code);
    return proxy.seen.map((req) => ({ op: operationOf(req), req }));
  } finally {
    await proxy.close();
  }
}

const sent = new Map<Operator, { op: string; req: SeenRequest }[]>();
let bucket = '';
let suffix = '';
let hasRevoke = false;

beforeAll(async () => {
  const s3 = testS3(endpoint);
  // setup: a new bucket (CreateBucket, Block Public Access, the policy) ...
  suffix = uniqueSuffix('perm');
  bucket = PREFIX + suffix;
  const fresh = await record('setup', ['setup', '--suffix', suffix, '--yes']);
  // ... and an existing one that needs every step: ACLs on (PutBucketOwnershipControls), a customer policy.
  const other = uniqueSuffix('permx');
  await s3.send(new CreateBucketCommand({ Bucket: PREFIX + other, ObjectOwnership: 'ObjectWriter' }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: PREFIX + other,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Customer',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: `arn:aws:s3:::${PREFIX}${other}/*`,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    }),
  );
  const existing = await record('setup', ['setup', '--suffix', other, '--yes']);
  sent.set('setup', [...fresh, ...existing]);

  // Objects for verify's freshness listing and for events query.
  await uploadObjects(
    s3,
    bucket,
    generateExport({ seed: 3, start: '2026-11-01T00:00:00Z', hours: 2, eventsPerObject: 3 }),
  );
  sent.set('verify', await record('verify', ['verify', '--suffix', suffix, '--max-age', '3650d'], [0, 1]));
  sent.set('events', await record('events', ['events', 'query', '--bucket', bucket]));

  // revoke lands in parallel (issue 14): covered as soon as the command exists.
  hasRevoke = /^\s+revoke\b/m.test((await runCli(['--help'])).stdout);
  if (hasRevoke) sent.set('revoke', await record('revoke', ['revoke', '--suffix', suffix, '--yes'], [0, 1]));
}, 120_000);

afterAll(() => sent.clear());

describe('the operation table covers what each command sends (moto, recorded by the fault proxy)', () => {
  it.each(['setup', 'verify', 'events', 'revoke'] as const)('%s', (command) => {
    if (command === 'revoke' && !hasRevoke) return;
    const ops = sent.get(command) ?? [];
    expect(ops.length, `${command} sent nothing`).toBeGreaterThan(0);
    const declared = new Set<string>(operationsOf(command));
    const missing = [...new Set(ops.map((o) => o.op))].filter((op) => !declared.has(op));
    expect(missing, `${command} sends operations its table entry lacks`).toEqual([]);
  });

  it('saw the operations that make up each command (the recording works)', () => {
    const ops = (c: Operator) => new Set(sent.get(c)?.map((o) => o.op));
    expect([...ops('setup')]).toEqual(
      expect.arrayContaining([
        'sts:GetCallerIdentity',
        'HeadBucket',
        'ListBuckets',
        'CreateBucket',
        'PutBucketOwnershipControls',
        'PutPublicAccessBlock',
        'GetBucketPolicy',
        'PutBucketPolicy',
      ]),
    );
    expect([...ops('verify')]).toEqual(
      expect.arrayContaining(['sts:GetCallerIdentity', 'HeadBucket', 'GetBucketPolicy', 'ListObjectsV2']),
    );
    expect([...ops('events')]).toEqual(expect.arrayContaining(['ListObjectsV2', 'GetObject']));
  });

  it.each(['setup', 'verify', 'events'] as const)(
    'the identity policy `policy print --operator %s` prints allows every S3 request it sent',
    async (command) => {
      const r = await runCli(['policy', 'print', '--bucket', bucket, '--operator', command]);
      expect(r.code).toBe(0);
      const policy = JSON.parse(r.stdout) as IdentityPolicy;
      const refused: string[] = [];
      for (const { op, req } of sent.get(command) ?? []) {
        if (!isOperation(op) || op.startsWith('sts:')) continue;
        // setup's second bucket is another name: check the policy printed for the bucket it touched.
        const resource = resourceOf(req)?.replace(/events-permx-[^/]+/, `events-${suffix}`);
        const { OPERATIONS } = await import('../../src/aws/operations.js');
        const action = OPERATIONS[op].action;
        if (action && resource && !allows(policy, action, resource))
          refused.push(`${op} ${action} ${resource}`);
      }
      expect(refused).toEqual([]);
    },
  );
});
