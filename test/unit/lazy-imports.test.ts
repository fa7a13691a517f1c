import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const HEAVY = ['@aws-sdk/', '@inquirer/', 'ora'];

/**
 * Every module loaded at start-up by `entry`: static value imports (not `import type`, not dynamic
 * `import()`), followed through the source tree. Package names are collected, not followed.
 */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm,
    )) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  visit(join(SRC, entry));
  return { files, packages };
}

describe('start-up stays light', () => {
  it.each([
    ['cli.ts'],
    ['commands/policy-print/run.ts'],
    ['commands/events-catalog/run.ts'],
    ['commands/events-query/flags.ts'],
    ['commands/export/run.ts'],
    // verify --policy-file: the offline path the verify command branches into.
    ['commands/verify/offline.ts'],
    ['commands/events-query/run.ts'],
  ])('%s loads neither the AWS SDK, inquirer nor ora', (entry) => {
    const { packages } = staticGraph(entry);
    const heavy = [...packages].filter((p) => HEAVY.some((h) => p.startsWith(h)));
    expect(heavy).toEqual([]);
  });

  it('the --output choices (the format registry) load no package at all', () => {
    expect([...staticGraph('events/formats/index.ts').packages]).toEqual([]);
  });

  it('the graph walker does see the SDK where it is used', () => {
    expect([...staticGraph('commands/verify/run.ts').packages]).toContain('@aws-sdk/client-s3');
  });
});
