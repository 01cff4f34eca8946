#!/usr/bin/env node
// The skipconn command. An installed package runs its compiled JavaScript (dist/). A checkout of
// the repository has no build: there the TypeScript sources run through tsx (a development
// dependency), with the repository's tsconfig mapping @skipconn/* to the sources.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, '..', 'src', 'main.ts');

async function load() {
  if (!fs.existsSync(source)) return import('../dist/index.mjs');
  process.env.TSX_TSCONFIG_PATH ??= path.join(__dirname, '..', '..', '..', 'tsconfig.json');
  require('tsx/cjs');
  await import('tsx/esm');
  return require(source);
}

load()
  .then(({ main }) => main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
