#!/usr/bin/env node
// `npm run build`, second step: bundles the compiled CLI (dist/cli.js) and its reader thread
// (dist/events/read-worker.js) into bundle/, which bin/prophecy-audit.js runs.
//
// Why: Node loads an ES module graph file by file. The CLI's ~150 modules (zod alone is 95) took
// 0.15-0.2 s before any command ran, a fifth of a full `events query --count`; one file per entry point
// starts in a third of that. The AWS SDK, inquirer and ora stay external: they are loaded lazily, only by
// the commands that call AWS or ask questions, and come from node_modules as installed dependencies.
//
// Bundled third-party code keeps its licences: their texts are collected into
// bundle/THIRD-PARTY-NOTICES.txt, one entry per package whose code is in the bundle.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bundle');
const EXTERNAL = [/^@aws-sdk\//, /^@smithy\//, /^@inquirer\//, /^ora$/];

rmSync(OUT, { recursive: true, force: true });
const build = await rolldown({
  input: {
    cli: join(ROOT, 'dist', 'cli.js'),
    // parallel-read.ts starts it as new URL('./read-worker.js', import.meta.url): same folder as the chunk.
    'read-worker': join(ROOT, 'dist', 'events', 'read-worker.js'),
  },
  platform: 'node',
  external: (id) => EXTERNAL.some((re) => re.test(id)),
  logLevel: 'warn',
});
const { output } = await build.write({
  dir: OUT,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
});
await build.close();

// The packages whose code went into the bundle: the nearest package.json above each bundled module.
const packages = new Map();
for (const chunk of output) {
  if (chunk.type !== 'chunk') continue;
  for (const id of chunk.moduleIds) {
    if (!id.includes(`${sep}node_modules${sep}`)) continue;
    let dir = dirname(id);
    while (!existsSync(join(dir, 'package.json')) && dir !== dirname(dir)) dir = dirname(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    // Nested package.json files that only set "type" have no name: go on to the package's own.
    if (!pkg.name) {
      let up = dirname(dir);
      while (up !== dirname(up)) {
        const p = join(up, 'package.json');
        if (existsSync(p) && JSON.parse(readFileSync(p, 'utf8')).name) {
          dir = up;
          break;
        }
        up = dirname(up);
      }
    }
    if (!packages.has(dir)) packages.set(dir, JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
  }
}
const notices = [...packages]
  .sort(([, a], [, b]) => String(a.name).localeCompare(String(b.name)))
  .map(([dir, pkg]) => {
    const file = ['LICENSE', 'LICENSE.md', 'license', 'license.md', 'LICENSE.txt'].find((f) =>
      existsSync(join(dir, f)),
    );
    if (!file) throw new Error(`bundle: ${pkg.name} has no licence file to ship with its code`);
    return `${pkg.name} ${pkg.version} (${pkg.license})\n\n${readFileSync(join(dir, file), 'utf8').trim()}\n`;
  });
writeFileSync(
  join(OUT, 'THIRD-PARTY-NOTICES.txt'),
  `prophecy-audit's bundle/ holds code of these packages, under their licences:\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`,
);
