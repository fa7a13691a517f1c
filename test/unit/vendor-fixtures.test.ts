import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  policyFromVendorPage,
  SPEC_DIR,
  vendorEventTable,
  vendorPagePolicy,
} from '../helpers/vendor-page.js';

// The tests read committed fixtures; this is the one place that compares them with the vendor's own files.
// It runs wherever ../shared/spec exists (CI puts it there) and is skipped in a clone with nothing beside it.
const specPresent = existsSync(fileURLToPath(SPEC_DIR));

describe.skipIf(!specPresent)('committed vendor fixtures equal ../shared/spec', () => {
  it('the policy fixture is the vendor page policy', () => {
    const page = readFileSync(new URL('prophecy-audit-log-sync.txt', SPEC_DIR), 'utf8');
    expect(vendorPagePolicy()).toEqual(policyFromVendorPage(page));
  });

  it('the event table fixture is the vendor audit-events.tsv', () => {
    expect(vendorEventTable()).toBe(readFileSync(new URL('audit-events.tsv', SPEC_DIR), 'utf8'));
  });
});

describe('committed vendor fixtures', () => {
  it('hold the two vendor statements and a 69-line event table', () => {
    expect(vendorPagePolicy().Statement).toHaveLength(2);
    expect(vendorEventTable().trimEnd().split('\n')).toHaveLength(69);
  });
});
