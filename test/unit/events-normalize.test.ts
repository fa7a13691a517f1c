import { describe, expect, it } from 'vitest';
import { normalizeParams, readFacts, toEvent } from '../../src/events/normalize.js';
import { auditEventSchema } from '../../src/schemas/events.js';

const native = {
  opType: 'addProject',
  createdAt: 1732441200000,
  nameHints: ['Project'],
  userEmail: 'a@b.c',
  customerName: 'acme',
  responseCode: 200,
  requestParams: { projectId: '12', statuses: '["Success","Failed"]', name: '"quoted"' },
  latencyInMillis: 41,
};

describe('readFacts', () => {
  it("reads Prophecy's documented export record natively", () => {
    const f = readFacts(native);
    expect(f).toMatchObject({
      query: 'addProject',
      entity: 'Project',
      entityInferred: false,
      timeMs: 1732441200000,
      user: 'a@b.c',
      outcome: 200,
      failed: false,
    });
  });

  it('matches field names case-insensitively through the aliases and infers a missing entity', () => {
    const f = readFacts({
      EventTime: '2026-11-24T10:00:00Z',
      EVENTNAME: 'releaseProject',
      Actor: 'x@y.z',
      Status: '503',
    });
    expect(f).toMatchObject({
      query: 'releaseProject',
      entity: 'Project',
      entityInferred: true,
      timeMs: Date.UTC(2026, 10, 24, 10),
      user: 'x@y.z',
      failed: true,
    });
  });

  it('reads epoch seconds, numeric strings and zone-less ISO times as UTC', () => {
    expect(readFacts({ query: 'commit', ts: 1764000000 })?.timeMs).toBe(1764000000000);
    expect(readFacts({ query: 'commit', time: '1764000000123' })?.timeMs).toBe(1764000000123);
    expect(readFacts({ query: 'commit', timestamp: '2026-11-24T10:00:00' })?.timeMs).toBe(
      Date.UTC(2026, 10, 24, 10),
    );
    expect(readFacts({ query: 'commit', timestamp: 'yesterday-ish' })?.timeMs).toBeUndefined();
  });

  it('takes users from a nested object and keeps every user value for matching', () => {
    const f = readFacts({ action: 'commit', user: { email: 'bob@acme.io', userId: 'u-7' }, uid: 'u-7' });
    expect(f?.user).toBe('bob@acme.io');
    expect(f?.users).toEqual(['bob@acme.io', 'u-7', 'u-7']);
  });

  it('prefers opType over a generic alias and reads a GraphQL document in `query`', () => {
    expect(readFacts({ opType: 'commit', action: 'POST' })?.query).toBe('commit');
    expect(
      readFacts({ query: 'mutation releaseProject($p: String) { releaseProject(projectID: $p) }' })?.query,
    ).toBe('releaseProject');
    expect(readFacts({ query: '{ getUser(email: "a") { uid } }' })?.query).toBe('getUser');
  });

  it('returns undefined for records without a query name', () => {
    expect(readFacts({ createdAt: 1, userEmail: 'a@b.c' })).toBeUndefined();
    expect(readFacts({ query: '' })).toBeUndefined();
    expect(readFacts(['commit'])).toBeUndefined();
    expect(readFacts('commit')).toBeUndefined();
  });

  it('classifies outcomes', () => {
    expect(readFacts({ query: 'q', responseCode: 204 })?.failed).toBe(false);
    expect(readFacts({ query: 'q', responseCode: 403 })?.failed).toBe(true);
    expect(readFacts({ query: 'q', status: 'ERROR' })?.failed).toBe(true);
    expect(readFacts({ query: 'q', status: 'ok' })?.failed).toBe(false);
    expect(readFacts({ query: 'q' })?.failed).toBe(false);
  });
});

describe('params and the output event', () => {
  it('decodes JSON-encoded values and JSON-encoded parameter objects', () => {
    expect(normalizeParams(native.requestParams)).toEqual({
      projectId: '12',
      statuses: ['Success', 'Failed'],
      name: 'quoted',
    });
    expect(normalizeParams('{"a":"[1,2]","b":"{broken"}')).toEqual({ a: [1, 2], b: '{broken' });
    expect(normalizeParams(undefined)).toEqual({});
  });

  it('builds a schema-valid event and masks secrets in params and raw unless redaction is off', () => {
    const rec = { ...native, opType: 'setPassword', requestParams: { uid: '9', newPassword: 'hunter2' } };
    const facts = readFacts(rec);
    if (!facts) throw new Error('no facts');
    const e = toEvent(facts, rec, { key: 'k', line: 3 }, { redact: true });
    expect(auditEventSchema.parse(e)).toEqual(e);
    expect(e.params).toEqual({ uid: '9', newPassword: '***' });
    expect(JSON.stringify(e)).not.toContain('hunter2');
    expect(e.time).toBe('2024-11-24T09:40:00.000Z');
    const open = toEvent(facts, rec, { key: 'k', line: 3 }, { redact: false });
    expect(open.params.newPassword).toBe('hunter2');
  });
});
