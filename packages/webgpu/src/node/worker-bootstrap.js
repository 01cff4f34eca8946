// Entry of the webgpu worker thread. A build that compiled the package places worker.js next to
// this file; in the monorepo the TypeScript source runs through tsx, as the CLI does.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const compiled = path.join(__dirname, 'worker.js');
if (fs.existsSync(compiled)) {
  require(compiled);
} else {
  require('tsx/cjs');
  require('./worker.ts');
}
