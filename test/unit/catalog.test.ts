import { describe, expect, it } from 'vitest';
import {
  CATALOG_ENTITIES,
  CATALOG_ROWS,
  checkEntityName,
  checkQueryName,
  inferEntity,
  queriesOfEntity,
} from '../../src/core/catalog.js';
import { vendorEventTable } from '../helpers/vendor-page.js';

const tsvRows = vendorEventTable()
  .split('\n')
  .slice(1)
  .filter((l) => l.trim() !== '')
  .map((l) => {
    const [entity, query, description, params] = l.split('\t');
    return { entity, query, description, requestParameters: JSON.parse(params as string) };
  });

describe('catalog data', () => {
  it('is the vendor table row for row, duplicates included', () => {
    expect(CATALOG_ROWS.length).toBe(68);
    expect(CATALOG_ROWS.map((r) => ({ ...r, requestParameters: [...r.requestParameters] }))).toEqual(tsvRows);
  });

  it('has 10 entities and keeps the duplicated query names with their different parameters', () => {
    expect(CATALOG_ENTITIES).toHaveLength(10);
    const tqp = CATALOG_ROWS.filter((r) => r.query === 'tableQueryPipeline');
    expect(tqp.map((r) => r.requestParameters[0])).toEqual(['projectId', 'uid']);
    const checkout = CATALOG_ROWS.filter((r) => r.query === 'checkout');
    expect(checkout.map((r) => r.requestParameters)).toEqual([
      ['projectId', 'branchName'],
      ['branchName', 'projectUID'],
    ]);
    expect(queriesOfEntity('git').filter((q) => q === 'checkout')).toHaveLength(1);
  });
});

describe('name checks', () => {
  it('accepts names case-insensitively and returns the catalog spelling', () => {
    expect(checkEntityName('project')).toEqual({ ok: true, name: 'Project', known: true });
    expect(checkQueryName('RELEASEPROJECT')).toEqual({ ok: true, name: 'releaseProject', known: true });
    expect(checkQueryName('addteamadmin')).toEqual({ ok: true, name: 'addteamAdmin', known: true });
  });

  it('suggests close names for a typo', () => {
    const r = checkQueryName('relaseProject');
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.suggestions[0]).toBe('releaseProject');
    const e = checkEntityName('Piplines');
    expect(e.ok ? [] : e.suggestions).toContain('Pipeline');
  });

  it('lets unknown names through only with allowUnknown', () => {
    expect(checkQueryName('brandNewQuery').ok).toBe(false);
    expect(checkQueryName('brandNewQuery', true)).toEqual({ ok: true, name: 'brandNewQuery', known: false });
  });
});

describe('inferEntity', () => {
  it('maps query names to their entity, including names that equal entity names', () => {
    expect(inferEntity('releaseProject')).toBe('Project');
    expect(inferEntity('project')).toBe('Project');
    expect(inferEntity('user')).toBe('Team');
    expect(inferEntity('CHECKOUT')).toBe('Git');
    expect(inferEntity('nope')).toBeUndefined();
  });
});
