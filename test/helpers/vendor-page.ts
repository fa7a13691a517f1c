import { readFileSync } from 'node:fs';
import type { PolicyDocument } from '../../src/core/policy.js';

/**
 * The vendor page's policy and event table, committed as data so a clone with nothing beside it can run
 * every test. test/unit/vendor-fixtures.test.ts checks them against ../shared/spec when that folder exists.
 */
export const FIXTURE_DIR = new URL('../fixtures/vendor/', import.meta.url);

/** Where CI keeps the vendor's own copies (shared/ next to the clone); absent in a plain clone. */
export const SPEC_DIR = new URL('../../../shared/spec/', import.meta.url);

/** The policy JSON exactly as the vendor page prints it. */
export function vendorPagePolicy(): PolicyDocument {
  return JSON.parse(readFileSync(new URL('policy.json', FIXTURE_DIR), 'utf8')) as PolicyDocument;
}

/** The event catalog table (entity, query, description, request parameters) as the vendor ships it. */
export function vendorEventTable(): string {
  return readFileSync(new URL('audit-events.tsv', FIXTURE_DIR), 'utf8');
}

/** The policy out of the vendor page's text: from its `{"Version"` line to the matching `}`. */
export function policyFromVendorPage(text: string): PolicyDocument {
  const start = text.indexOf('{\n"Version"');
  if (start < 0) throw new Error('no policy found in the vendor page');
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return JSON.parse(text.slice(start, i + 1)) as PolicyDocument;
  }
  throw new Error('unterminated policy in the vendor page');
}

/** The vendor policy with the page's placeholder bucket replaced. */
export function vendorPolicyFor(bucket: string): PolicyDocument {
  return JSON.parse(
    JSON.stringify(vendorPagePolicy()).replaceAll('prophecy-customer-backend-events-xyz', bucket),
  );
}
