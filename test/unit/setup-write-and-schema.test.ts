import { stripVTControlCharacters as plain } from 'node:util';
import { describe, expect, it } from 'vitest';
import { retryOperationAborted } from '../../src/aws/bucket-write.js';
import { regionChoices, suffixDisplay, validateSuffix } from '../../src/commands/setup/prompts.js';
import { invalidPrincipalError } from '../../src/commands/setup/steps/apply.js';
import { DEFAULT_PRINCIPALS } from '../../src/core/policy.js';
import { setupFlagsSchema } from '../../src/schemas/setup.js';
import { fakeStream } from '../helpers/fake-context.js';

/** The shape the SDK gives a service error (moto sends plain S3ServiceExceptions with a Code). */
function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 409 } });
}

describe('retryOperationAborted', () => {
  it('retries 409 OperationAborted with doubling delays, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retryOperationAborted(
      async () => {
        calls++;
        if (calls < 3) throw awsError('OperationAborted');
        return 'done';
      },
      { baseDelayMs: 100, sleep: async (ms) => void delays.push(ms) },
    );
    expect(result).toBe('done');
    expect(delays).toEqual([100, 200]);
  });

  it('gives up after the given attempts and rethrows', async () => {
    let calls = 0;
    const run = retryOperationAborted(
      async () => {
        calls++;
        throw awsError('OperationAborted');
      },
      { attempts: 3, sleep: async () => {} },
    );
    await expect(run).rejects.toThrow('OperationAborted');
    expect(calls).toBe(3);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    const run = retryOperationAborted(
      async () => {
        calls++;
        throw awsError('AccessDenied');
      },
      { sleep: async () => {} },
    );
    await expect(run).rejects.toThrow('AccessDenied');
    expect(calls).toBe(1);
  });
});

describe('invalidPrincipalError', () => {
  it('names the principal that came from a flag and the flag to fix', () => {
    const principals = { ...DEFAULT_PRINCIPALS, datasyncRoleArn: 'arn:aws:iam::111122223333:role/Typo' };
    const e = invalidPrincipalError(
      awsError('MalformedPolicy', 'Invalid principal in policy'),
      'b',
      principals,
      ['datasyncRoleArn'],
    );
    expect(e.message).toBe(
      'S3 refused the policy for b: a principal does not exist in IAM. Check arn:aws:iam::111122223333:role/Typo (from --datasync-role-arn).',
    );
    expect(e.hint).toMatch(/^Correct --datasync-role-arn/);
    expect(e.exitCode).toBe(2);
  });

  it('names both default principals when no flag overrode them', () => {
    const e = invalidPrincipalError(awsError('MalformedPolicy'), 'b', DEFAULT_PRINCIPALS, []);
    expect(e.message).toContain(
      `${DEFAULT_PRINCIPALS.datasyncRoleArn} and ${DEFAULT_PRINCIPALS.locationUserArn}`,
    );
  });
});

describe('setupFlagsSchema', () => {
  it('turns a suffix into the bucket and fills the default principals', () => {
    expect(setupFlagsSchema.parse({ suffix: 'acme', region: 'eu-west-1' })).toEqual({
      aws: { profile: undefined, region: 'eu-west-1', endpointUrl: undefined },
      bucket: 'prophecy-customer-backend-events-acme',
      warnings: [],
      region: 'eu-west-1',
      principals: DEFAULT_PRINCIPALS,
      overridden: [],
      yes: false,
      dryRun: false,
      json: false,
      updateKeyPolicy: false,
    });
  });

  it('leaves bucket and region to the wizard when no flag names them', () => {
    expect(setupFlagsSchema.parse({})).toMatchObject({ bucket: undefined, region: undefined });
  });

  it.each([
    [{ suffix: 'Acme', region: 'us-east-1' }, /^Invalid --suffix \[lowercase\]/, undefined],
    [{ suffix: 'acme', region: 'us-gov-west-1' }, /not an AWS region setup knows/, /us-east-1/],
    [
      { suffix: 'a', bucket: 'b-bucket', region: 'us-east-1' },
      /either --suffix or --bucket, not both/,
      undefined,
    ],
    [
      { suffix: 'a', region: 'us-east-1', datasyncRoleArn: 'role/x' },
      /^--datasync-role-arn "role\/x" is not an IAM role or user ARN\.$/,
      /arn:aws:iam::<12-digit account>/,
    ],
  ])('rejects %j', (input, message, hint) => {
    const r = setupFlagsSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues).toHaveLength(1);
    const issue = r.error?.issues[0];
    expect(issue?.message).toMatch(message);
    const params = issue?.code === 'custom' ? issue.params : undefined;
    if (hint) expect(params?.hint).toMatch(hint);
    else expect(params?.hint).toBeUndefined();
  });

  it('carries the warnings about a valid bucket name along with a later problem', () => {
    const r = setupFlagsSchema.safeParse({ bucket: 'my-bucket', region: 'mars-1' });
    const issue = r.error?.issues[0];
    expect(issue?.code === 'custom' ? issue.params?.warnings : undefined).toEqual([
      `"my-bucket" does not start with "prophecy-customer-backend-events-", the name Prophecy's instructions ask for.`,
    ]);
  });
});

describe('wizard prompt helpers', () => {
  it('validates the suffix with the naming rules', () => {
    expect(validateSuffix('acme')).toBe(true);
    expect(validateSuffix('acme.corp')).toMatch(/\[no-dots\]/);
  });

  it('shows the full bucket name with a live mark while typing', () => {
    const { stream } = fakeStream(true);
    expect(plain(suffixDisplay('acme', false, stream))).toBe('✔ prophecy-customer-backend-events-acme');
    expect(plain(suffixDisplay('Acme', false, stream))).toBe('✖ prophecy-customer-backend-events-Acme');
    expect(plain(suffixDisplay('', false, stream))).toBe('');
    expect(plain(suffixDisplay('acme', true, stream))).toBe('prophecy-customer-backend-events-acme');
  });

  it('lists us-east-1 first, marked recommended, and filters by code or name', () => {
    const all = regionChoices(undefined);
    expect(all[0]?.value).toBe('us-east-1');
    expect(all[0]?.name).toMatch(/recommended by Prophecy/);
    expect(all.filter((c) => c.name.includes('recommended'))).toHaveLength(1);
    expect(regionChoices('frank').map((c) => c.value)).toEqual(['eu-central-1']);
    expect(regionChoices('ap-southeast').length).toBeGreaterThan(3);
  });
});
