/**
 * The tfjs ModelReader: a tfjs LayersModel `model.json` (Keras functional or Sequential topology
 * plus its weight files) imports through @skipconn/tfjs into an IR graph with NHWC values, so
 * `skipconn inspect model.json` lists its skip connections and `skipconn run model.json` runs it
 * on any adapter. @skipconn/tfjs is loaded only when such a file is read; the import itself needs
 * no tfjs runtime.
 */
import { SkipconnError } from '@skipconn/core';
import type { ModelReader } from './model';

export const tfjsReader: ModelReader = {
  format: 'tfjs',
  matches(file, head) {
    const text = new TextDecoder().decode(head);
    return file.toLowerCase().endsWith('.json') && !text.includes('skipconn.graph') && (text.includes('"modelTopology"') || text.includes('"layers-model"'));
  },
  async load(file) {
    let tfjs: typeof import('@skipconn/tfjs/node');
    try {
      // require, not import(): under tsx's CommonJS hook (bin/skipconn.js) import() of .ts fails.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      tfjs = require('@skipconn/tfjs/node') as typeof import('@skipconn/tfjs/node');
    } catch (err) {
      throw new SkipconnError('INPUT_INVALID', `${file}: reading a tfjs model.json needs @skipconn/tfjs (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    }
    const { graph, weights, validated } = tfjs.loadLayersModelFile(file);
    return { graph, weights, validated };
  },
};
