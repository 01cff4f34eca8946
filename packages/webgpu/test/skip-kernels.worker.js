// Runs skip-kernels.worker.ts in a worker thread (through tsx): Dawn must own a thread that never blocks.
'use strict';
require('tsx/cjs');
require('./skip-kernels.worker.ts');
