import { stripVTControlCharacters as plain } from 'node:util';
import { describe, expect, it } from 'vitest';
import { invalidPrincipalError, retryOperationAborted } from '../../src/aws/bucket-write.js';
import { regionChoices, suffixDisplay, validateSuffix } from '../../src/commands/setup/prompts.js';
import { DEFAULT_PRINCIPALS } from '../../src/core/policy.js';
import { setupAnswersSchema } from '../../src/schemas/setup.js';

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

describe('setupAnswersSchema', () => {
  it('turns a suffix into the bucket and fills the default principals', () => {
    expect(setupAnswersSchema.parse({ suffix: 'acme', region: 'eu-west-1' })).toEqual({
      bucket: 'prophecy-customer-backend-events-acme',
      region: 'eu-west-1',
      principals: DEFAULT_PRINCIPALS,
      yes: false,
      dryRun: false,
    });
  });

  it.each([
    [{ suffix: 'Acme', region: 'us-east-1' }, /\[lowercase\]/],
    [{ suffix: 'acme', region: 'us-gov-west-1' }, /not an AWS region setup knows/],
    [{ region: 'us-east-1' }, /exactly one of suffix and bucket/],
    [{ suffix: 'a', bucket: 'b-bucket', region: 'us-east-1' }, /exactly one of suffix and bucket/],
    [{ suffix: 'a', region: 'us-east-1', datasyncRoleArn: 'role/x' }, /arn:aws:iam::<12-digit account>/],
  ])('rejects %j', (input, message) => {
    const r = setupAnswersSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join('\n')).toMatch(message);
  });
});

describe('wizard prompt helpers', () => {
  it('validates the suffix with the naming rules', () => {
    expect(validateSuffix('acme')).toBe(true);
    expect(validateSuffix('acme.corp')).toMatch(/\[no-dots\]/);
  });

  it('shows the full bucket name with a live mark while typing', () => {
    expect(plain(suffixDisplay('acme', false))).toBe('✔ prophecy-customer-backend-events-acme');
    expect(plain(suffixDisplay('Acme', false))).toBe('✖ prophecy-customer-backend-events-Acme');
    expect(plain(suffixDisplay('', false))).toBe('');
    expect(plain(suffixDisplay('acme', true))).toBe('prophecy-customer-backend-events-acme');
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
