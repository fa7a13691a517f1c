import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { staticGraph } from '../helpers/import-graph.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const HEAVY = ['@aws-sdk/', '@inquirer/', 'ora'];

/** The source modules and packages `entry` (under src/) loads at start-up. */
const srcGraph = (entry: string) =>
  staticGraph(join(SRC, entry), (spec, from) => resolve(dirname(from), spec.replace(/\.js$/, '.ts')));

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
    const { packages } = srcGraph(entry);
    const heavy = [...packages].filter((p) => HEAVY.some((h) => p.startsWith(h)));
    expect(heavy).toEqual([]);
  });

  it('the --output choices (the format registry) load no package at all', () => {
    expect([...srcGraph('events/formats/index.ts').packages]).toEqual([]);
  });

  it('the graph walker does see the SDK where it is used', () => {
    expect([...srcGraph('commands/verify/run.ts').packages]).toContain('@aws-sdk/client-s3');
  });
});
