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

  it('copies only what it masks: clean values come back as they are, siblings of a secret are kept', () => {
    const clean = { uid: '1', list: [1, { a: 'b' }], json: '{"branch":"main"}' };
    expect(redact(clean)).toBe(clean);
    const input = { keep: { a: 1 }, params: { uid: '1', token: 't' }, after: ['x'] };
    const out = redact(input) as typeof input;
    expect(out).not.toBe(input);
    expect(out).toEqual({ keep: { a: 1 }, params: { uid: '1', token: MASK }, after: ['x'] });
    // Untouched branches are shared, not copied; the input itself is never changed.
    expect(out.keep).toBe(input.keep);
    expect(out.after).toBe(input.after);
    expect(input.params.token).toBe('t');
    const list = [{ a: 1 }, { password: 'p' }, { b: 2 }];
    expect(redact(list)).toEqual([{ a: 1 }, { password: MASK }, { b: 2 }]);
  });

  it('keeps a field named __proto__ as a field (a copy made by assignment would turn it into a prototype)', () => {
    const input = JSON.parse('{"__proto__":{"x":1},"password":"p"}') as Record<string, unknown>;
    const out = redact(input) as Record<string, unknown>;
    expect(JSON.stringify(out)).toBe('{"__proto__":{"x":1},"password":"***"}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('isSecretName by word stems', () => {
  it.each([
    'tokens',
    'secrets',
    'apiKeys',
    'api_keys',
    'cookies',
    'newPassword2',
    'password_1',
    'Passwords',
    'accesstoken',
    'refreshTokens',
    'dbpassword',
    'clientCredentials',
    'x-api-key',
    'SESSION_COOKIE',
  ])('%s is a secret', (n) => {
    expect(isSecretName(n)).toBe(true);
  });
  it.each([
    'keyboard',
    'monkey',
    'bypass',
    'hotkeys2',
    'status',
    'access',
    'pushAccessCheck',
    'userGitCredsUID',
  ])('%s is not', (n) => {
    expect(isSecretName(n)).toBe(false);
  });
});

function nest(levels: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = { level: v };
  return v;
}

function leaks(value: unknown, secret: string): boolean {
  return JSON.stringify(value).includes(secret);
}

describe('redaction gaps', () => {
  it.each([
    ['21 levels deep', nest(21, { password: 'S3CRET' })],
    ['25 levels deep, in an array', nest(25, [{ apiKeys: ['S3CRET'] }])],
    ['plural name', { tokens: ['S3CRET', 'S3CRET'] }],
    ['numbered name', { newPassword2: 'S3CRET' }],
    ['cookies', { cookies: { session: 'S3CRET' } }],
    ['JSON in a string', { request: '{"secret":"S3CRET"}' }],
    ['double-encoded JSON in a string', { request: JSON.stringify(JSON.stringify({ password: 'S3CRET' })) }],
    ['query string', { url: 'https://x.example/cb?user=a&password=S3CRET&next=1' }],
    ['form body', { body: 'token=S3CRET' }],
    ['cookie header', { header: 'lang=en; session_token=S3CRET; theme=dark' }],
  ])('%s is masked', (_name, input) => {
    expect(leaks(redact(input), 'S3CRET')).toBe(false);
  });

  it('keeps what is not secret and re-encodes only what changed', () => {
    expect(redact({ url: 'https://x.example/?user=a&page=2' })).toEqual({
      url: 'https://x.example/?user=a&page=2',
    });
    const twice = JSON.stringify(JSON.stringify({ password: 'p', branch: 'main' }));
    expect(JSON.parse(JSON.parse((redact({ r: twice }) as { r: string }).r))).toEqual({
      password: MASK,
      branch: 'main',
    });
    expect(redact({ r: '"just a quoted string"' })).toEqual({ r: '"just a quoted string"' });
    expect(redact({ q: 'a=1&password=&b=2' })).toEqual({ q: 'a=1&password=&b=2' });
  });

  it('a raw record masks a double-encoded parameter the same way params do', () => {
    const record = {
      opType: 'setPassword',
      requestParams: JSON.stringify(JSON.stringify({ newPassword: 'S3CRET' })),
    };
    expect(leaks(redact(record), 'S3CRET')).toBe(false);
  });

  it('nesting far past any cap is masked, not a stack overflow', () => {
    const deep = nest(100_000, { password: 'S3CRET' });
    expect(() => redact(deep)).not.toThrow();
    expect(leaks(redact(nest(400, { other: 'S3CRET' })), 'S3CRET')).toBe(false);
    const deepText = `${'['.repeat(100_000)}"S3CRET"${']'.repeat(100_000)}`;
    expect(redact({ request: deepText })).toEqual({ request: MASK });
  });
});
