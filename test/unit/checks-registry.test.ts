import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUCKET_READS } from '../../src/aws/bucket-read.js';
import { checksMarkdown } from '../../src/core/checks/docs.js';
import { CHECKS } from '../../src/core/checks/index.js';
import { READS } from '../../src/core/checks/reads.js';
import { CHECK_IDS, readsOf, selectChecks } from '../../src/core/checks.js';
import { DEFAULT_PRINCIPALS } from '../../src/core/policy.js';
import { verifyCheckIdSchema } from '../../src/schemas/verify.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const options = {
  bucket: 'prophecy-customer-backend-events-acme',
  expectedRegion: 'us-east-1',
  principals: DEFAULT_PRINCIPALS,
};

describe('the check registry', () => {
  it('lists the stable ids in their fixed order, and the JSON schema takes them from it', () => {
    expect(CHECK_IDS).toEqual([
      'bucket',
      'name',
      'region',
      'ownership',
      'policy',
      'least-privilege',
      'public-access',
      'encryption',
      'requester-pays',
      'versioning',
      'freshness',
    ]);
    expect(verifyCheckIdSchema.options).toEqual([...CHECK_IDS]);
    expect(new Set(CHECK_IDS).size).toBe(CHECK_IDS.length);
  });

  it('every check reads only catalogued keys, and the aws layer has one function for each key', () => {
    for (const c of CHECKS) for (const k of c.reads) expect(Object.keys(READS)).toContain(k);
    expect(Object.keys(BUCKET_READS).sort()).toEqual(Object.keys(READS).sort());
  });

  it("verify's reads are the union of the selected checks' reads: the listing only with a max age", () => {
    const always = [
      'head',
      'location',
      'ownership',
      'publicAccessBlock',
      'policy',
      'encryption',
      'kmsKey',
      'kmsKeyPolicy',
      'requestPayment',
      'versioning',
      'objectLock',
    ];
    expect(readsOf(selectChecks(options))).toEqual(always);
    expect(readsOf(selectChecks({ ...options, maxAgeMs: 3_600_000 }))).toEqual([...always, 'newest']);
    expect(selectChecks(options).map((c) => c.id)).not.toContain('freshness');
  });

  it('docs/checks.md is the text generated from the registry (run `npm run docs:checks`)', () => {
    const committed = readFileSync(join(ROOT, 'docs', 'checks.md'), 'utf8');
    expect(committed).toBe(checksMarkdown());
    for (const id of CHECK_IDS) expect(committed).toContain(`| \`${id}\` |`);
  });
});

/** The modules `entry` imports (value and type imports), followed through the tree: `file → import` pairs. */
function importGraph(entry: string): { file: string; target: string }[] {
  const edges: { file: string; target: string }[] = [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]/gm)) {
      const spec = m[1] as string;
      if (!spec.startsWith('.')) {
        edges.push({ file, target: spec });
        continue;
      }
      const target = relative(ROOT, resolve(dirname(join(ROOT, file)), spec.replace(/\.js$/, '.ts')));
      edges.push({ file, target });
      if (target.startsWith(join('src', 'core'))) visit(target);
    }
  };
  visit(entry);
  return edges;
}

describe('the checks are pure', () => {
  it('src/core/checks.ts and everything it reaches import nothing outside src/core (no aws, ui, packages)', () => {
    const edges = importGraph(join('src', 'core', 'checks.ts'));
    expect(edges.length).toBeGreaterThan(10);
    expect(edges.filter((e) => !e.target.startsWith(join('src', 'core')))).toEqual([]);
  });
});
