import { describe, expect, it } from 'vitest';
import { isSecretName, MASK, redact } from '../../src/events/redact.js';

describe('isSecretName', () => {
  it.each([
    'password',
    'newPassword',
    'api_key',
    'accessToken',
    'clientSecret',
    'AUTH',
    'private-key',
    'sshKey',
  ])('%s is a secret', (n) => {
    expect(isSecretName(n)).toBe(true);
  });
  it.each(['projectId', 'userGitCredsUID', 'keyboard', 'monkey', 'branchName', 'pushAccessCheck', 'uid'])(
    '%s is not',
    (n) => {
      expect(isSecretName(n)).toBe(false);
    },
  );
});

describe('redact', () => {
  it('masks at any depth, inside JSON-encoded strings too, and leaves the input alone', () => {
    const input = {
      requestParams: { uid: '1', newPassword: 'p1' },
      variables: { input: [{ token: 't1', name: 'n' }] },
      request: '{"secret":"s1","branch":"main"}',
      note: '{not json',
      empty: { password: '' },
    };
    const out = redact(input) as typeof input;
    expect(out.requestParams).toEqual({ uid: '1', newPassword: MASK });
    expect(out.variables.input[0]).toEqual({ token: MASK, name: 'n' });
    expect(JSON.parse(out.request)).toEqual({ secret: MASK, branch: 'main' });
    expect(out.note).toBe('{not json');
    expect(out.empty.password).toBe('');
    expect(input.requestParams.newPassword).toBe('p1');
  });
});
