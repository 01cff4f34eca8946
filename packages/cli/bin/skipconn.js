#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so a fresh clone works right after `npm ci`.
// Two hooks: require() of .ts files (tsx/cjs), and dynamic import() of extensionless .ts paths
// (tsx/esm), which adapters use to load their Node-only parts lazily.
require('tsx/cjs');
import('tsx/esm')
  .then(() => require('../src/main.ts').main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
