import { readFileSync } from 'node:fs';
import type { PolicyDocument } from '../../src/core/policy.js';

/** The spec folder sits beside the repository (shared/ next to the clone), as in CI. */
export const SPEC_DIR = new URL('../../../shared/spec/', import.meta.url);

/** The policy JSON exactly as the vendor page prints it: from its `{"Version"` line to the matching `}`. */
export function vendorPagePolicy(): PolicyDocument {
  const text = readFileSync(new URL('prophecy-audit-log-sync.txt', SPEC_DIR), 'utf8');
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
