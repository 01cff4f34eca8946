#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so a fresh clone works right after `npm ci`.
require('tsx/cjs');
require('../src/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
