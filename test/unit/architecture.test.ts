import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every import specifier of a file: static, type-only and dynamic `import()` alike. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return specs.map((m) => m[1] as string);
}

/** Where a relative import lands, as a path under src/ ("aws/objects.ts"); packages stay as they are. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(SRC, resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
}

const IO_PACKAGES =
  /^(@aws-sdk\/|node:(fs|child_process|net|http|https)|ora$|chalk$|@inquirer\/|commander$|@commander-js\/)/;

describe('the import structure', () => {
  it('has no cycle (madge, type imports included)', async () => {
    const graph = await madge(SRC, { fileExtensions: ['ts'], tsConfig: join(ROOT, 'tsconfig.json') });
    expect(graph.circular()).toEqual([]);
    // A parse failure would make the graph empty and the check vacuous.
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(40);
    // madge parses every file with the TypeScript parser: seconds on a loaded 2-core CI machine.
  }, 60_000);

  it('src/core imports only src/core, and no I/O, AWS, terminal or CLI package', () => {
    const offences = tsFiles(join(SRC, 'core')).flatMap((file) =>
      importsOf(file)
        .filter((spec) =>
          spec.startsWith('.') ? !target(file, spec).startsWith('core/') : IO_PACKAGES.test(spec),
        )
        .map((spec) => `${relative(SRC, file)} -> ${target(file, spec)}`),
    );
    expect(offences).toEqual([]);
  });

  it('src/aws never reaches up into commands, the CLI, rendering or the events pipeline', () => {
    const offences = tsFiles(join(SRC, 'aws')).flatMap((file) =>
      importsOf(file)
        .map((spec) => target(file, spec))
        .filter((t) => /^(commands\/|cli\.ts|ui\/|events\/|context\.ts)/.test(t))
        .map((t) => `${relative(SRC, file)} -> ${t}`),
    );
    expect(offences).toEqual([]);
  });

  it('nothing imports the CLI entry point', () => {
    const offences = tsFiles(SRC).filter((file) =>
      importsOf(file).some((spec) => target(file, spec) === 'cli.ts'),
    );
    expect(offences.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('commands and the events pipeline write through the injected context, never process streams', () => {
    const dirs = ['commands', 'events'].map((d) => join(SRC, d));
    const offences = dirs
      .flatMap(tsFiles)
      .filter((file) => /process\.(stdout|stderr|stdin)\b/.test(readFileSync(file, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offences).toEqual([]);
  });
});

describe('the documentation', () => {
  it('README stays an overview under 12 kB; the reference lives in docs/', () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThan(12 * 1024);
  });

  it('every relative link in README and docs/ points at a file that exists', () => {
    const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((p) => `docs/${p}`)];
    const broken = pages.flatMap((page) =>
      [...readFileSync(join(ROOT, page), 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1] as string)
        .filter((href) => !/^[a-z]+:/.test(href))
        .filter((href) => {
          try {
            statSync(resolve(dirname(join(ROOT, page)), href));
            return false;
          } catch {
            return true;
          }
        })
        .map((href) => `${page} -> ${href}`),
    );
    expect(broken).toEqual([]);
  });
});
