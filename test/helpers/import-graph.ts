import { readFileSync } from 'node:fs';

/**
 * Every file loaded at start-up from `entry` by static value imports (not `import type`, not dynamic
 * `import()`), followed through `resolve` (a relative specifier to the file it names, from the file it is
 * in); the package names met on the way are collected, not followed.
 */
export function staticGraph(
  entry: string,
  resolve: (spec: string, from: string) => string,
): { files: Set<string>; packages: Set<string> } {
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
      if (spec.startsWith('.')) visit(resolve(spec, file));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}
