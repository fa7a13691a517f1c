import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(join(SRC, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

/** Every module specifier a file imports or re-exports (type-only too), resolved relative to src/. */
function imports(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1] as string,
  );
  specs.push(...[...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] as string));
  return specs.map((s) => (s.startsWith('.') ? relative(SRC, join(SRC, file, '..', s)) : s));
}

/**
 * The pure steps of the events pipeline: data in, data out. They may use src/core (the catalog, durations)
 * and each other, never I/O, the AWS layer, the terminal or a command.
 */
const PURE = [
  'core/event.ts',
  'events/normalize.ts',
  'events/filter.ts',
  'events/scan.ts',
  'events/time.ts',
  'events/key-dates.ts',
  'events/redact.ts',
  'events/count.ts',
  'core/catalog.ts',
  'core/catalog-data.ts',
  'core/objects.ts',
];

describe('the events layers', () => {
  it.each(PURE)('%s imports nothing impure', (file) => {
    const bad = imports(file).filter(
      (s) =>
        /^(aws|ui|commands|io)\//.test(s) ||
        /^(context|cli)\.js$/.test(s) ||
        (!s.startsWith('events/') && !s.startsWith('core/') && !s.startsWith('schemas/')),
    );
    expect(bad).toEqual([]);
  });

  it('nothing under src/events or the events commands touches process streams, env or stdin', () => {
    const all = [...files('events'), ...files('commands/events-query'), ...files('commands/events-catalog')];
    expect(all.length).toBeGreaterThan(20);
    const offenders = all.filter((f) =>
      /process\.(stdout|stderr|stdin|env)\b/.test(readFileSync(join(SRC, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('src/aws takes the shared object types from src/core, and src/core imports nothing from src/aws', () => {
    expect(imports('aws/objects.ts')).toContain('core/objects.js');
    expect(imports('aws/bucket-read.ts')).toContain('core/objects.js');
    for (const f of ['core/objects.ts', 'core/catalog.ts']) {
      expect(imports(f).filter((s) => s.startsWith('aws/'))).toEqual([]);
    }
  });

  it('there is one events folder: src/core/events and src/io hold nothing', () => {
    const sources = (dir: string) => {
      try {
        return files(dir);
      } catch {
        return [];
      }
    };
    expect([...sources('core/events'), ...sources('io')]).toEqual([]);
  });
});
