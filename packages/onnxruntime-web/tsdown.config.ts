import { defineConfig } from 'tsdown';
import { libraryConfig } from '../../tools/build/tsdown-base';

export default defineConfig(libraryConfig({ index: 'src/index.ts', browser: 'src/browser.ts' }, { 'webgpu-host': 'src/node/webgpu-host.ts' }));
