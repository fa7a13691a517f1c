#!/usr/bin/env node
// The CLI as built by `npm run build` into one file (scripts/bundle.mjs says why).
import { main } from '../bundle/cli.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
