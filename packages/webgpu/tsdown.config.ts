import { defineConfig } from 'tsdown';
import { libraryConfig } from '../../tools/build/tsdown-base';

export default defineConfig(libraryConfig({ index: 'src/index.ts', browser: 'src/browser.ts' }, { worker: 'src/node/worker.ts' }));
