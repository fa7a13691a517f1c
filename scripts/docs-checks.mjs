#!/usr/bin/env node
// `npm run docs:checks`: writes docs/checks.md from the check registry (built into dist/ first).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checksMarkdown } from '../dist/core/checks/docs.js';

const target = fileURLToPath(new URL('../docs/checks.md', import.meta.url));
mkdirSync(fileURLToPath(new URL('../docs/', import.meta.url)), { recursive: true });
writeFileSync(target, checksMarkdown());
process.stdout.write(`wrote ${target}\n`);
