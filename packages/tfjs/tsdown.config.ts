import { defineConfig } from 'tsdown';
import { libraryConfig } from '../../tools/build/tsdown-base';

export default defineConfig(libraryConfig({ index: 'src/index.ts', browser: 'src/browser.ts', layers: 'src/layers/index.ts', node: 'src/node.ts' }));
